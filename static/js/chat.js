// The live chat client for the thread page. Without JavaScript the page is a plain form that
// posts and reloads; with it, messages arrive live, Enter sends, each message shows whether it
// is sending, sent or failed (with retry), and a dropped connection reconnects with backoff
// and resumes after the last message it saw, so nothing is lost or shown twice.
(function () {
  "use strict";

  var root = document.querySelector("[data-chat]");
  if (!root || !("WebSocket" in window)) {
    return;
  }
  var conversationId = root.getAttribute("data-chat");
  var me = Number(root.getAttribute("data-user"));
  var list = root.querySelector("[data-messages]");
  var form = root.querySelector("form[data-send]");
  var textarea = form.querySelector("textarea");
  var status = root.querySelector("[data-connection]");
  var typingNote = root.querySelector("[data-typing]");
  var text = JSON.parse(document.getElementById("chat-text").textContent);
  var lastId = Number(root.getAttribute("data-last-id")) || 0;
  var pending = {}; // client_id -> {element, body}
  var socket = null;
  var attempt = 0;
  var typingTimer = null;

  function uuid() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16);
    });
  }

  function setState(element, state) {
    element.setAttribute("data-state", state);
    var label = element.querySelector(".message__state");
    label.textContent = text[state] || "";
    var retry = element.querySelector("button");
    if (retry) {
      retry.hidden = state !== "failed";
    }
  }

  function render(frame, element) {
    element = element || document.createElement("li");
    element.className = "message" + (frame.sender && frame.sender.id === me ? " message--mine" : "") +
      (frame.kind === "system" ? " message--system" : "");
    element.id = "m" + frame.id;
    element.textContent = "";
    var meta = document.createElement("p");
    meta.className = "message__meta";
    meta.textContent = frame.kind === "system" ? "Sirkel" : (frame.sender.id === me ? text.you : frame.sender.display_name);
    var body = document.createElement("div");
    body.className = "message__body";
    body.textContent = frame.body; // text only: never HTML
    var state = document.createElement("span");
    state.className = "message__state";
    element.append(meta, body, state);
    return element;
  }

  function receive(frame) {
    if (frame.type === "message") {
      if (frame.id <= lastId && document.getElementById("m" + frame.id)) {
        return; // already shown
      }
      var mine = frame.client_id && pending[frame.client_id];
      var element = render(frame, mine ? mine.element : null);
      if (mine) {
        delete pending[frame.client_id];
        setState(element, "sent");
      } else {
        list.append(element);
      }
      lastId = Math.max(lastId, frame.id);
      if (frame.sender && frame.sender.id !== me && document.visibilityState === "visible") {
        send({ type: "read", last_read_id: frame.id });
      }
    } else if (frame.type === "typing") {
      typingNote.textContent = text.typing;
      clearTimeout(typingTimer);
      typingTimer = setTimeout(function () { typingNote.textContent = ""; }, 4000);
    } else if (frame.type === "error") {
      var failed = Object.keys(pending);
      failed.forEach(function (id) { setState(pending[id].element, "failed"); });
      status.textContent = frame.detail;
    }
  }

  function send(frame) {
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + "/ws/chat/" + conversationId + "/");
    socket.addEventListener("open", function () {
      attempt = 0;
      status.textContent = "";
      root.setAttribute("data-live", "true");
      send({ type: "resume", after: lastId });
      Object.keys(pending).forEach(function (id) {
        send({ type: "message", body: pending[id].body, client_id: id });
      });
    });
    socket.addEventListener("message", function (event) {
      receive(JSON.parse(event.data));
    });
    socket.addEventListener("close", function (event) {
      root.setAttribute("data-live", "false");
      if (event.code === 4401 || event.code === 4403) {
        status.textContent = text.signed_out;
        return;
      }
      status.textContent = text.reconnecting;
      attempt += 1;
      setTimeout(connect, Math.min(30000, 500 * Math.pow(2, attempt)) * (0.5 + Math.random() / 2));
    });
  }

  function submit() {
    var body = textarea.value.trim();
    if (!body) {
      return;
    }
    var id = uuid();
    var element = render({ id: 0, body: body, sender: { id: me }, kind: "text" });
    element.removeAttribute("id");
    var retry = document.createElement("button");
    retry.type = "button";
    retry.className = "ds-button";
    retry.setAttribute("data-variant", "tertiary");
    retry.textContent = text.retry;
    retry.hidden = true;
    retry.addEventListener("click", function () {
      setState(element, "sending");
      send({ type: "message", body: body, client_id: id });
    });
    element.append(retry);
    list.append(element);
    pending[id] = { element: element, body: body };
    setState(element, "sending");
    if (!send({ type: "message", body: body, client_id: id })) {
      setState(element, "failed");
    }
    textarea.value = "";
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    submit();
  });
  textarea.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      submit();
    } else {
      send({ type: "typing" });
    }
  });
  connect();
})();
