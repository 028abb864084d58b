/* The conversation a page holds: its id and the token from POST /api/session, kept in the
 * given storage. Every request about the conversation carries the token (X-Session-Token);
 * without it the gateway neither reads nor continues a conversation.
 *   var session = ZhengceSession.open("widget", "local", "zhengce.session");
 *   session.ready().then(function (s) { fetch(url, {headers: session.headers(s)}); }); */
(function () {
  "use strict";

  function store(kind) {
    try { return kind === "local" ? window.localStorage : window.sessionStorage; }
    catch (e) { return null; }  // storage blocked: the session lasts as long as the page
  }

  function open(kind, storageKind, key) {
    var storage = store(storageKind);
    var current = null;
    try { current = JSON.parse(storage.getItem(key)); } catch (e) { current = null; }
    if (!current || typeof current.sender !== "string" || typeof current.token !== "string") {
      current = null;
    }

    var pending = null;  // a session being started: every caller waits for the same one

    function renew() {
      current = null;
      pending = fetch("/api/session", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ kind: kind })
      }).then(function (response) {
        return response.json().catch(function () { return null; }).then(function (body) {
          if (!response.ok || !body || !body.token) {
            throw new Error(body && typeof body.detail === "string" ? body.detail
                            : "无法开始对话（HTTP " + response.status + "），请稍后再试。");
          }
          current = { sender: body.sender, token: body.token };
          try { storage.setItem(key, JSON.stringify(current)); } catch (e) { /* blocked */ }
          return current;
        });
      });
      pending.then(function () { pending = null; }, function () { pending = null; });
      return pending;
    }

    return {
      stored: function () { return current; },
      ready: function () {
        return current ? Promise.resolve(current) : (pending || renew());
      },
      renew: renew,
      headers: function (session, extra) {
        var headers = { "X-Session-Token": session.token };
        Object.keys(extra || {}).forEach(function (name) { headers[name] = extra[name]; });
        return headers;
      }
    };
  }

  window.ZhengceSession = { open: open };
})();
