// newsroom serve: reload on rebuild; show a failed rebuild's error over the last good site.
(function () {
  var overlay = null;
  function show(message) {
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "newsroom-error-overlay";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText =
        "position:fixed;inset:0;z-index:2147483647;background:rgba(20,0,0,.88);color:#fff;" +
        "font:14px/1.5 ui-monospace,Menlo,Consolas,monospace;padding:2rem;overflow:auto;white-space:pre-wrap";
      document.body.appendChild(overlay);
    }
    overlay.textContent = "newsroom: the last rebuild failed; showing the last good site.\n\n" + message;
  }
  var events = new EventSource("/__newsroom/events");
  events.addEventListener("reload", function () { location.reload(); });
  events.addEventListener("build-error", function (e) { show(e.data); });
})();
