/* Embed the chat widget in any page with one tag:
 *   <script src="http://HOST:8000/static/widget.js" defer></script>
 * It adds a round button in the corner that opens the chat (served by the gateway, in an
 * iframe, so the host page's styles and scripts cannot interfere with it). */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || document.getElementById("zhengce-widget-button")) return;
  var origin = new URL(script.src, location.href).origin;

  var button = document.createElement("button");
  button.id = "zhengce-widget-button";
  button.type = "button";
  button.textContent = "政策咨询";
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", "zhengce-widget-frame");
  button.style.cssText = "position:fixed;right:16px;bottom:16px;z-index:2147483000;" +
    "padding:12px 18px;border:0;border-radius:24px;background:#0b5cad;color:#fff;" +
    "font:16px/1.2 'Noto Sans CJK SC','PingFang SC','Microsoft YaHei',sans-serif;" +
    "box-shadow:0 4px 16px rgba(0,0,0,.25);cursor:pointer;";

  var frame = document.createElement("iframe");
  frame.id = "zhengce-widget-frame";
  frame.title = "政策助手对话窗口";
  frame.hidden = true;
  frame.style.cssText = "position:fixed;right:16px;bottom:76px;z-index:2147483000;" +
    "width:min(400px,calc(100vw - 32px));height:min(640px,calc(100vh - 96px));border:0;" +
    "border-radius:12px;box-shadow:0 8px 32px rgba(0,0,0,.3);background:#fff;";

  button.addEventListener("click", function () {
    if (!frame.src) frame.src = origin + "/?embed=1";
    frame.hidden = !frame.hidden;
    button.setAttribute("aria-expanded", String(!frame.hidden));
    button.textContent = frame.hidden ? "政策咨询" : "关闭咨询";
    if (!frame.hidden) frame.focus();
  });
  function close() {
    if (!frame.hidden) { button.click(); button.focus(); }
  }
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") close();
  });
  window.addEventListener("message", function (event) {
    if (event.origin === origin && event.data === "zhengce:close") close();
  });

  document.body.appendChild(frame);
  document.body.appendChild(button);
})();
