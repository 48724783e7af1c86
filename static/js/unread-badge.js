// Keeps the header's unread-messages badge live over /ws/notifications/ (reconnecting with
// backoff). Without JavaScript the badge shows the count from when the page was made.
(function () {
  "use strict";
  var badge = document.querySelector("[data-unread-badge]");
  if (!badge || !("WebSocket" in window)) {
    return;
  }
  var visible = badge.querySelector("[aria-hidden]");
  var spoken = badge.querySelector("[data-unread-text]");
  var attempt = 0;

  function show(count) {
    visible.textContent = String(count);
    spoken.textContent = count + " " + spoken.getAttribute("data-unread-text");
    badge.hidden = count === 0;
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/ws/notifications/");
    socket.addEventListener("open", function () { attempt = 0; });
    socket.addEventListener("message", function (event) {
      var frame = JSON.parse(event.data);
      if (frame.type === "unread") {
        show(frame.count);
      }
    });
    socket.addEventListener("close", function (event) {
      if (event.code === 4401) {
        return;
      }
      attempt += 1;
      setTimeout(connect, Math.min(60000, 1000 * Math.pow(2, attempt)));
    });
  }
  connect();
})();
