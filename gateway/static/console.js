/* Hotline console: clause search with highlights, copy by number key, suggested answer, and a
 * quick eligibility check over the rules API. Keyboard first: the search box has focus on
 * load, Enter searches, then 1–5 copy a clause's verbatim text, 0 the suggestion, / goes back. */
(function () {
  "use strict";

  var form = document.getElementById("search-form");
  var q = document.getElementById("q");
  var statusLine = document.getElementById("status");
  var results = document.getElementById("results");
  var suggestion = document.getElementById("suggestion");
  var suggestionText = document.getElementById("suggestion-text");
  var copySuggestion = document.getElementById("copy-suggestion");
  var current = { hits: [], suggestion: "" };
  var searchFeedback = document.getElementById("search-feedback");

  /* Feedback from the agent on a search or a decision: kept under this browser tab's
   * session (its id and token from /api/session), which also counts its requests. */
  var session = window.ZhengceSession.open("console", "session", "zhengce.console");

  function feedbackBar(prompt, fields) {
    return window.ZhengceFeedback.bar({
      prompt: prompt,
      session: session,
      fields: function () {
        var body = fields();
        body.source = "console";
        return body;
      }
    });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  function errorOf(response, body) {
    return body && typeof body.detail === "string" ? body.detail : "请求失败（HTTP " + response.status + "）";
  }

  function getJSON(url, options) {
    options = options || {};
    return session.ready().then(function (s) {
      options.headers = session.headers(s, options.headers);
      return fetch(url, options);
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (body) {
        if (!response.ok) throw new Error(errorOf(response, body));
        return body;
      });
    });
  }

  /* The clause text with the question's words marked; built from text nodes, never HTML. */
  function highlighted(text, terms) {
    var fragment = document.createDocumentFragment();
    var words = (terms || []).filter(Boolean).map(function (t) {
      return t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    });
    if (!words.length) { fragment.appendChild(document.createTextNode(text)); return fragment; }
    var pattern = new RegExp("(" + words.join("|") + ")", "g");
    text.split(pattern).forEach(function (part, i) {
      fragment.appendChild(i % 2 ? el("mark", null, part) : document.createTextNode(part));
    });
    return fragment;
  }

  function copyText(text, button, what) {
    function done() {
      statusLine.className = "status";
      statusLine.textContent = "已复制" + what + "。";
      if (button) {
        button.classList.add("copied");
        setTimeout(function () { button.classList.remove("copied"); }, 1200);
      }
    }
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(text); done(); });
    }
    fallbackCopy(text);
    done();
  }

  function fallbackCopy(text) {
    var area = el("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (e) { /* nothing more to try */ }
    document.body.removeChild(area);
  }

  function contactLine(contacts) {
    if (!contacts || !contacts.length) {
      return el("span", "contact none", "文件未列出该事项的咨询电话");
    }
    return el("span", "contact", "咨询电话：" + contacts.map(function (c) {
      return c.office + " " + c.phone;
    }).join("；"));
  }

  function renderHit(hit, index) {
    var item = el("li", "hit");
    item.id = "hit-" + (index + 1);
    var head = el("header");
    head.appendChild(el("span", "num", String(index + 1)));
    head.appendChild(el("span", "doc", "《" + hit.doc_title + "》"));
    head.appendChild(el("span", "path", hit.path));
    head.appendChild(el("span", "score", "相关度 " + Number(hit.score).toFixed(2)));
    item.appendChild(head);
    var quote = el("blockquote");
    quote.appendChild(highlighted(hit.text, hit.highlights));
    item.appendChild(quote);
    var foot = el("footer");
    var copy = el("button", "ghost", "复制原文 [" + (index + 1) + "]");
    copy.type = "button";
    copy.setAttribute("aria-label", "复制第 " + (index + 1) + " 条原文");
    copy.addEventListener("click", function () { copyText(hit.text, copy, "第 " + (index + 1) + " 条原文"); });
    foot.appendChild(copy);
    foot.appendChild(contactLine(hit.contacts));
    foot.appendChild(el("span", "cid", hit.clause_id));
    item.appendChild(foot);
    return item;
  }

  function search(question) {
    statusLine.className = "status";
    statusLine.textContent = "检索中…";
    results.innerHTML = "";
    suggestion.hidden = true;
    searchFeedback.innerHTML = "";
    getJSON("/api/search?" + new URLSearchParams({ q: question, k: "5" })).then(function (body) {
      current = body;
      suggestionText.textContent = body.suggestion;
      suggestion.hidden = !body.suggestion;
      body.hits.forEach(function (hit, i) { results.appendChild(renderHit(hit, i)); });
      searchFeedback.appendChild(feedbackBar("这次检索结果有帮助吗？", function () {
        return { question: question, answer: body.suggestion || "",
                 clause_ids: body.hits.map(function (hit) { return hit.clause_id; }) };
      }));
      if (!body.answerable) {
        statusLine.className = "status warn";
        statusLine.textContent = "文件未涉及此问题：请按建议答复告知来电人，并给出咨询电话。";
      } else if (body.status === "partial") {
        statusLine.className = "status warn";
        statusLine.textContent = "文件只回答了部分问题：建议答复已说明未涉及的部分和咨询电话。";
      } else {
        statusLine.textContent = "找到 " + body.hits.length + " 条相关条款。按数字键复制原文。";
      }
      results.focus();  // digits now copy instead of typing into the search box
    }).catch(function (error) {
      statusLine.className = "status error";
      statusLine.textContent = error.message;
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var question = q.value.trim();
    if (question) search(question);
  });

  copySuggestion.addEventListener("click", function () {
    copyText(current.suggestion || "", copySuggestion, "建议答复");
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" ||
                            target.tagName === "SELECT");
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "/") { event.preventDefault(); q.focus(); q.select(); return; }
    if (event.key === "0" && current.suggestion) {
      copyText(current.suggestion, copySuggestion, "建议答复");
      return;
    }
    var n = parseInt(event.key, 10);
    if (n >= 1 && n <= current.hits.length) {
      var button = document.querySelector("#hit-" + n + " footer button");
      copyText(current.hits[n - 1].text, button, "第 " + n + " 条原文");
    }
  });

  /* ---- quick eligibility check ---------------------------------------------------------- */
  var checkForm = document.getElementById("check-form");
  var factsBox = document.getElementById("facts");
  var criteriaBox = document.getElementById("criteria");
  var decisionBox = document.getElementById("decision");
  var GROUP_TITLES = { diamond: "钻石卡条件", gold: "金卡条件", silver: "银卡条件",
                       basic: "基本遴选条件（需同时满足）", direct: "直接认定资质（满足其一）" };
  var OUTCOMES = { eligible: "符合条件", not_eligible: "暂不符合", needs_more_info: "还需补充信息",
                   already_partner: "已是合作伙伴，无需重复申报", direct_recognition: "可直接认定" };
  var factSpecs = [];

  function program() { return checkForm.querySelector("input[name=program]:checked").value; }

  function factInput(spec) {
    var row = el("div", "fact");
    var id = "fact-" + spec.name;
    var label = el("label", null, spec.label + (spec.unit ? "（" + spec.unit + "）" : ""));
    label.htmlFor = id;
    label.title = spec.ask || "";
    row.appendChild(label);
    var input;
    if (spec.type === "bool" || spec.type === "choice") {
      input = el("select");
      var options = spec.type === "bool" ? [["", "未知"], ["true", "是"], ["false", "否"]]
        : [["", "未知"]].concat(spec.choices.map(function (c) { return [c, c]; }));
      options.forEach(function (pair) {
        var option = el("option", null, pair[1]);
        option.value = pair[0];
        input.appendChild(option);
      });
    } else {
      input = el("input");
      input.type = "number";
      input.min = "0";
      input.step = spec.type === "int" ? "1" : "any";
      if (spec.type === "ratio") { input.max = "1"; input.placeholder = "0–1，如 0.6"; }
      else input.placeholder = "未知";
    }
    input.id = id;
    input.name = spec.name;
    input.dataset.kind = spec.type;
    row.appendChild(input);
    return row;
  }

  function criteriaGroups(criteria, groupAsks) {
    var groups = {};
    var order = [];
    criteria.forEach(function (c) {
      if (!groups[c.group]) { groups[c.group] = []; order.push(c.group); }
      groups[c.group].push(c);
    });
    return order.map(function (name) {
      var box = el("details", "group");
      var summary = el("summary", null, (GROUP_TITLES[name] || name + " 领域条件") +
                       "（" + groups[name].length + "）");
      if (groupAsks && groupAsks[name]) summary.title = groupAsks[name];
      box.appendChild(summary);
      box.dataset.group = name;
      groups[name].forEach(function (c) {
        var label = el("label", "criterion");
        var box2 = el("input");
        box2.type = "checkbox";
        box2.value = c.id;
        label.appendChild(box2);
        label.appendChild(el("span", null, c.text));
        box.appendChild(label);
      });
      return box;
    });
  }

  function loadProgram() {
    var name = program();
    factsBox.innerHTML = "";
    criteriaBox.innerHTML = "";
    decisionBox.innerHTML = "";
    Promise.all([
      getJSON("/api/programs/" + name + "/facts"),
      getJSON("/api/programs/" + name + "/criteria")
    ]).then(function (both) {
      factSpecs = both[0].facts;
      var facts = el("fieldset");
      facts.appendChild(el("legend", null, "事实（不填为未知）"));
      factSpecs.forEach(function (spec) { facts.appendChild(factInput(spec)); });
      factsBox.appendChild(facts);
      var crit = el("fieldset");
      crit.appendChild(el("legend", null, "申请人确认符合的条件"));
      criteriaGroups(both[1], both[0].groups).forEach(function (g) { crit.appendChild(g); });
      criteriaBox.appendChild(crit);
    }).catch(function (error) {
      factsBox.appendChild(el("p", "error", error.message));
    });
  }

  function collect() {
    var facts = {};
    factSpecs.forEach(function (spec) {
      var input = document.getElementById("fact-" + spec.name);
      if (!input || input.value === "") return;
      if (spec.type === "bool") facts[spec.name] = input.value === "true";
      else if (spec.type === "choice") facts[spec.name] = input.value;
      else facts[spec.name] = Number(input.value);
    });
    var criteria = Array.prototype.map.call(
      criteriaBox.querySelectorAll("input[type=checkbox]:checked"), function (b) { return b.value; });
    return { facts: facts, criteria: criteria };
  }

  function citedList(title, items, render) {
    if (!items || !items.length) return null;
    var box = el("div");
    box.appendChild(el("h3", null, title));
    var list = el("ul");
    items.forEach(function (item) { list.appendChild(render(item)); });
    box.appendChild(list);
    return box;
  }

  function citedItem(item) {
    var li = el("li", null, item.text + (item.detail ? "（" + item.detail + "）" : ""));
    li.appendChild(el("span", "cid", " " + item.clause_id));
    return li;
  }

  function labelOf(fact) {
    for (var i = 0; i < factSpecs.length; i++) if (factSpecs[i].name === fact) return factSpecs[i].label;
    return fact;
  }

  function showDecision(d) {
    decisionBox.innerHTML = "";
    var head = el("p", "outcome " + d.outcome, (OUTCOMES[d.outcome] || d.outcome) +
                  (d.tier_name ? "：" + d.tier_name : ""));
    decisionBox.appendChild(head);
    if (d.explanation) decisionBox.appendChild(el("p", null, d.explanation));
    [
      citedList("依据", d.reasons, citedItem),
      citedList("未满足的条件", d.unmet, citedItem),
      citedList("需人工审核（不影响判断）", d.review, citedItem),
      citedList("还需了解", d.missing, function (fact) { return el("li", null, labelOf(fact)); }),
      citedList("可享受的待遇", d.benefits, function (b) {
        var li = el("li", null, "（" + b.number + "）" + (b.title || "") );
        li.title = b.text;
        return li;
      })
    ].forEach(function (part) { if (part) decisionBox.appendChild(part); });
    decisionBox.appendChild(feedbackBar("这次判断结果有帮助吗？", function () {
      return { program: d.program, outcome: d.outcome, tier: d.tier_name || null,
               answer: d.explanation || "",
               clause_ids: (d.reasons || []).concat(d.unmet || []).map(function (c) {
                 return c.clause_id;
               }).slice(0, 20) };
    }));
  }

  checkForm.addEventListener("change", function (event) {
    if (event.target.name === "program") loadProgram();
    if (event.target.name === "domain") {
      var groups = criteriaBox.querySelectorAll("details.group");
      for (var i = 0; i < groups.length; i++) {
        if (groups[i].dataset.group === event.target.value) groups[i].open = true;
      }
    }
  });
  checkForm.addEventListener("reset", function () { setTimeout(loadProgram, 0); });
  checkForm.addEventListener("submit", function (event) {
    event.preventDefault();
    decisionBox.textContent = "判断中…";
    getJSON("/api/programs/" + program() + "/evaluate", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(collect())
    }).then(showDecision).catch(function (error) {
      decisionBox.innerHTML = "";
      decisionBox.appendChild(el("p", "error", error.message));
    });
  });

  loadProgram();
  q.focus();
})();
