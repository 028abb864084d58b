/* The feedback bar under an answer or a decision: 有帮助 / 没帮助 and an optional comment,
 * posted to /api/feedback. Shared by the chat widget and the hotline console:
 *   ZhengceFeedback.bar({prompt: "这条回答有帮助吗？", fields: function () { return {...}; }})
 * returns the element; `fields` gives what the request carries besides the rating, `session`
 * (a ZhengceSession) the conversation it is sent in the name of. */
(function () {
  "use strict";

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  function button(className, text) {
    var node = el("button", className, text);
    node.type = "button";
    return node;
  }

  function bar(options) {
    var box = el("div", "feedback");
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", options.prompt);
    var row = el("div", "feedback-row");
    row.appendChild(el("span", "feedback-prompt", options.prompt));
    var yes = button("feedback-yes", "有帮助");
    var no = button("feedback-no", "没帮助");
    var more = button("feedback-more", "写意见");
    row.appendChild(yes);
    row.appendChild(no);
    row.appendChild(more);
    box.appendChild(row);

    var comment = el("textarea", "feedback-comment");
    comment.hidden = true;
    comment.rows = 2;
    comment.maxLength = 300;
    comment.placeholder = "哪里有帮助、哪里没帮助？（选填，请勿填写身份证号、手机号等个人信息）";
    comment.setAttribute("aria-label", "意见（选填），写完后点“有帮助”或“没帮助”提交");
    box.appendChild(comment);
    var note = el("p", "feedback-note");
    note.setAttribute("role", "status");
    box.appendChild(note);

    more.addEventListener("click", function () {
      comment.hidden = false;
      more.hidden = true;
      comment.focus();
    });

    function rate(helpful) {
      yes.disabled = no.disabled = true;
      var body = options.fields();
      body.helpful = helpful;
      if (comment.value.trim()) body.comment = comment.value.trim();
      options.session.ready().then(function (session) {
        body.sender = session.sender;
        return fetch("/api/feedback", {
          method: "POST",
          headers: options.session.headers(session, { "Content-Type": "application/json" }),
          body: JSON.stringify(body)
        });
      }).then(function (response) {
        return response.json().catch(function () { return null; }).then(function (answer) {
          if (!response.ok) {
            throw new Error(answer && typeof answer.detail === "string" ? answer.detail
                            : "反馈未能保存（HTTP " + response.status + "）");
          }
          return answer;
        });
      }).then(function (answer) {
        row.hidden = true;
        comment.hidden = true;
        note.className = "feedback-note done";
        note.textContent = (answer && answer.message) || "感谢您的反馈！";
      }).catch(function (error) {
        yes.disabled = no.disabled = false;
        note.className = "feedback-note error";
        note.textContent = error.message || "网络错误，反馈未能保存。";
      });
    }

    yes.addEventListener("click", function () { rate(true); });
    no.addEventListener("click", function () { rate(false); });
    return box;
  }

  window.ZhengceFeedback = { bar: bar };
})();
