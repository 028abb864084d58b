/* The web chat widget: talks to /api/chat (relayed to Rasa), shows citation cards and
 * quick-reply buttons, and keeps the conversation across reloads (the conversation's id and
 * token from /api/session live in localStorage; the turns come back from Rasa's tracker store
 * through /api/chat/{id}/history, which answers only with the token). */
(function () {
  "use strict";

  var MAX_CARDS_SHOWN = 3;
  var STARTERS = [
    "我能申领哪种云聚英才卡？",
    "钻石卡有哪些待遇？",
    "金卡的申领条件是什么？",
    "银卡的申领条件是什么？",
    "英才卡怎么申领？",
    "我们公司能申报智能制造生态合作伙伴吗？"
  ];

  var log = document.getElementById("log");
  var form = document.getElementById("composer");
  var input = document.getElementById("input");
  var sendButton = document.getElementById("send");
  var typing = document.getElementById("typing");
  var busy = false;

  if (new URLSearchParams(location.search).get("embed") === "1") {
    document.documentElement.classList.add("embedded");
    // Escape inside the embedded chat closes it (widget.js listens on the host page).
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && window.parent !== window) {
        window.parent.postMessage("zhengce:close", "*");
      }
    });
  }

  var session = window.ZhengceSession.open("widget", "local", "zhengce.session");
  var JSON_HEADERS = { "Content-Type": "application/json" };

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  function scrollToEnd() { log.scrollTop = log.scrollHeight; }

  /* Citations arrive in `custom`: one clause, a list, or {citation(s): …}. */
  function citationsIn(custom) {
    if (Array.isArray(custom)) {
      return custom.reduce(function (all, item) { return all.concat(citationsIn(item)); }, []);
    }
    if (!custom || typeof custom !== "object") return [];
    if (typeof custom.clause_id === "string") return [custom];
    return citationsIn(custom.citation).concat(citationsIn(custom.citations));
  }

  function citationCard(clause) {
    var card = el("details", "cite");
    var summary = el("summary");
    summary.appendChild(el("span", "doc", "出处：《" + (clause.doc_title || "") + "》"));
    summary.appendChild(el("span", "path", clause.path || ""));
    card.appendChild(summary);
    card.appendChild(el("blockquote", null, clause.text || ""));
    card.appendChild(el("span", "clause-id", "条款编号 " + clause.clause_id));
    return card;
  }

  function addUser(text) {
    var bubble = el("div", "msg user");
    bubble.appendChild(el("span", "sr-only", "我说："));
    bubble.appendChild(document.createTextNode(text));
    log.appendChild(bubble);
    scrollToEnd();
  }

  function addSystem(text) {
    var note = el("div", "msg system", text);
    note.setAttribute("role", "alert");
    log.appendChild(note);
    scrollToEnd();
  }

  function disableOldChoices() {
    var old = log.querySelectorAll(".quick button");
    for (var i = 0; i < old.length; i++) old[i].disabled = true;
  }

  function quickReplies(buttons, live) {
    var group = el("div", "quick");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "快捷回复");
    buttons.forEach(function (button) {
      if (!button || typeof button.title !== "string") return;
      var chip = el("button", null, button.title);
      chip.type = "button";
      chip.disabled = !live;
      chip.addEventListener("click", function () {
        send(button.payload || button.title, button.title);
      });
      group.appendChild(chip);
    });
    return group;
  }

  /* One bot reply: its text, citation cards, and quick replies (live only for the newest). */
  function addBot(reply, live) {
    var turn = el("div", "bot-turn");
    if (reply.text) {
      var bubble = el("div", "msg bot");
      bubble.appendChild(el("span", "sr-only", "助手说："));
      bubble.appendChild(document.createTextNode(reply.text));
      turn.appendChild(bubble);
    }
    var cites = citationsIn(reply.custom);
    cites.forEach(function (clause, i) {
      var card = citationCard(clause);
      if (i >= MAX_CARDS_SHOWN) card.hidden = true;
      turn.appendChild(card);
    });
    if (cites.length > MAX_CARDS_SHOWN) {
      // A decision cites every benefit: show the first few, the rest on request.
      var more = el("button", "ghost more-cites", "显示全部 " + cites.length + " 条出处");
      more.type = "button";
      more.addEventListener("click", function () {
        Array.prototype.forEach.call(turn.querySelectorAll(".cite[hidden]"), function (card) {
          card.hidden = false;
        });
        more.remove();
      });
      turn.appendChild(more);
    }
    var hasButtons = reply.buttons && reply.buttons.length;
    if (hasButtons) turn.appendChild(quickReplies(reply.buttons, live));
    if (turn.childNodes.length) log.appendChild(turn);
    if (!hasButtons && live) offerAnswers(reply.custom, turn);
    scrollToEnd();
    return turn;
  }

  /* An answer from the documents or a decision: the rating travels with the reply's text,
   * which the gateway finds in the stored conversation (the payload comes as its own message,
   * after the text, on Rasa's REST channel). */
  var RATED_TYPES = ["answer", "refusal", "decision"];
  function rated(custom) {
    return !!custom && typeof custom === "object" && !Array.isArray(custom) &&
      (RATED_TYPES.indexOf(custom.type) >= 0 || typeof custom.status === "string" ||
       typeof custom.answerable === "boolean");
  }

  function offerFeedback(replies, turns) {
    for (var i = replies.length - 1; i >= 0; i--) {
      if (!rated(replies[i].custom)) continue;
      var text = replies[i].text || (i > 0 && replies[i - 1].text) || "";
      var decision = replies[i].custom.type === "decision";
      var bar = window.ZhengceFeedback.bar({
        prompt: decision ? "这次评估结果对您有帮助吗？" : "这条回答有帮助吗？",
        session: session,
        fields: function () { return { source: "widget", answer: text }; }
      });
      var turn = turns[turns.length - 1];
      (log.contains(turn) ? turn : log).appendChild(bar);
      scrollToEnd();
      return;
    }
  }

  /* A form question comes with {type: "question", program, slot}: for a yes/no fact or a
   * fact with fixed choices (the eight domains…), offer them as quick replies. */
  var factSpecs = {};
  function specsOf(program) {
    if (!factSpecs[program]) {
      factSpecs[program] = fetch("/api/programs/" + encodeURIComponent(program) + "/facts")
        .then(function (response) { return response.ok ? response.json() : { facts: [] }; })
        .catch(function () { return { facts: [] }; });
    }
    return factSpecs[program];
  }

  function offerAnswers(custom, turn) {
    if (!custom || custom.type !== "question" || !custom.program || !custom.slot) return;
    var last = log.lastElementChild;
    specsOf(custom.program).then(function (body) {
      var spec = (body.facts || []).filter(function (f) { return f.name === custom.slot; })[0];
      if (!spec || (spec.type !== "bool" && spec.type !== "choice")) return;
      if (log.lastElementChild !== last) return;  // the conversation has moved on meanwhile
      if (!log.contains(turn)) log.appendChild(turn);
      var answers = spec.type === "bool" ? ["是", "否"] : spec.choices;
      turn.appendChild(quickReplies(answers.map(function (a) { return { title: a, payload: a }; }), true));
      scrollToEnd();
    });
  }


  function welcome() {
    addBot({
      text: "您好！我是政策助手，可以解答白云区云聚英才卡、广东省智能制造生态合作伙伴申报的问题，" +
            "每个回答都注明原文出处。也可以帮您判断能申领哪种英才卡。请问有什么可以帮您？",
      buttons: STARTERS.map(function (q) { return { title: q, payload: q }; })
    }, true);
  }

  function setBusy(on) {
    busy = on;
    typing.hidden = !on;
    sendButton.disabled = on;
    log.setAttribute("aria-busy", on ? "true" : "false");
    if (on) scrollToEnd();
  }

  function errorText(response, body) {
    if (body && typeof body.detail === "string") return body.detail;
    return "请求失败（HTTP " + response.status + "），请稍后再试。";
  }

  function send(message, shown) {
    message = (message || "").trim();
    if (!message || busy) return;
    disableOldChoices();
    addUser(shown || message);
    setBusy(true);
    session.ready().then(function (s) {
      return fetch("/api/chat", {
        method: "POST",
        headers: session.headers(s, JSON_HEADERS),
        body: JSON.stringify({ sender: s.sender, message: message })
      });
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (body) {
        if (response.status === 401 || response.status === 403) {
          // The conversation is not this page's any more (a token from another key): start
          // a new one, so the next message goes through.
          session.renew().catch(function () { /* said below */ });
        }
        if (!response.ok) throw new Error(errorText(response, body));
        return body || [];
      });
    }).then(function (replies) {
      if (!replies.length) addSystem("助手没有回复，请换个说法再试。");
      var turns = replies.map(function (reply, i) { return addBot(reply, i === replies.length - 1); });
      if (window.ZhengceFeedback) offerFeedback(replies, turns);
    }).catch(function (error) {
      addSystem(error && error.message ? error.message : "网络错误，请稍后再试。");
      // The dialogue is down, but a question can still be answered from the documents.
      if (message.charAt(0) !== "/") return askDirectly(message);
    }).then(function () {
      setBusy(false);
      input.focus();
    });
  }

  function askDirectly(question) {
    var current = session.stored();
    return fetch("/api/ask", {
      method: "POST",
      headers: current ? session.headers(current, JSON_HEADERS) : JSON_HEADERS,
      body: JSON.stringify({ question: question })
    }).then(function (response) {
      if (!response.ok) return;
      return response.json().then(function (body) {
        addBot({ text: "（以下为直接检索文件得到的回答）\n" + body.answer,
                 custom: body.answerable ? body.citations.slice(0, 1) : [] }, false);
      });
    }).catch(function () { /* nothing more to try */ });
  }

  function restore() {
    var current = session.stored();
    if (!current) { welcome(); return; }  // the session starts with the first message
    setBusy(true);
    fetch("/api/chat/" + encodeURIComponent(current.sender) + "/history", {
      headers: session.headers(current)
    }).then(function (response) {
      return response.ok ? response.json() : [];
    }).catch(function () { return []; }).then(function (turns) {
      setBusy(false);
      if (!turns.length) { welcome(); return; }
      var lastBot = -1;
      turns.forEach(function (turn, i) { if (turn.sender === "bot") lastBot = i; });
      turns.forEach(function (turn, i) {
        if (turn.sender === "user") addUser(turn.text || "");
        else addBot(turn, i === lastBot && i === turns.length - 1);
      });
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    if (!text.trim()) { input.focus(); return; }
    input.value = "";
    autoSize();
    send(text);
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit"));
    }
  });

  function autoSize() {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight + 2, 128) + "px";
  }
  input.addEventListener("input", autoSize);

  document.getElementById("new-chat").addEventListener("click", function () {
    session.renew().catch(function (error) { addSystem(error.message); });
    log.innerHTML = "";
    welcome();
    input.focus();
  });

  restore();
})();
