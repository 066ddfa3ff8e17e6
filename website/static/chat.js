/* Accessible chat widget talking to Rasa's socket.io channel.
 * The conversation (session id, transcript, language) is kept in localStorage, so it survives a
 * page reload: the same session id is sent in `session_request`, and Rasa's socket.io channel
 * (session_persistence: true) continues the same tracker. */
(function () {
  "use strict";
  var STORE = "virtualOfficial.v1";
  var I18N = {
    pl: { launcher: "Czat z wirtualnym urzędnikiem", title: "Wirtualny urzędnik", language: "Język rozmowy",
          close: "Zamknij czat", log: "Rozmowa", inputLabel: "Twoja wiadomość", send: "Wyślij",
          you: "Ty:", bot: "Urzędnik:", connecting: "Łączenie…", offline: "Brak połączenia. Ponawiam próbę…",
          choices: "Możliwe odpowiedzi", agent: "Konsultant", withAgent: "Rozmawiasz z konsultantem: " },
    en: { launcher: "Chat with the virtual official", title: "Virtual official", language: "Conversation language",
          close: "Close chat", log: "Conversation", inputLabel: "Your message", send: "Send",
          you: "You:", bot: "Official:", connecting: "Connecting…", offline: "Connection lost. Retrying…",
          choices: "Possible answers", agent: "Consultant", withAgent: "You are talking to a consultant: " }
  };

  var state = load();
  var el = {
    root: document.getElementById("vo-chat"),
    launcher: document.getElementById("vo-launcher"), panel: document.getElementById("vo-panel"),
    close: document.getElementById("vo-close"), log: document.getElementById("vo-log"),
    status: document.getElementById("vo-status"), agent: document.getElementById("vo-agent"), form: document.getElementById("vo-form"),
    input: document.getElementById("vo-input"), langButtons: document.querySelectorAll(".vo-lang-btn")
  };

  function load() {
    try {
      var saved = JSON.parse(localStorage.getItem(STORE) || "null");
      if (saved && saved.sessionId) return saved;
    } catch (e) { /* a damaged store starts a new conversation */ }
    var lang = (document.documentElement.lang || "pl").slice(0, 2) === "en" ? "en" : "pl";
    return { sessionId: newId(), lang: lang, transcript: [], open: false, greeted: false };
  }
  function save() {
    state.transcript = state.transcript.slice(-200);
    try { localStorage.setItem(STORE, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }
  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID().replace(/-/g, "");
    return String(Date.now()) + Math.random().toString(16).slice(2);
  }
  function t(key) { return I18N[state.lang][key]; }

  function applyLanguage() {
    el.panel.setAttribute("lang", state.lang);
    el.launcher.setAttribute("lang", state.lang);
    showAgent();
    document.querySelectorAll("#vo-chat [data-i18n]").forEach(function (node) { node.textContent = t(node.dataset.i18n); });
    document.querySelectorAll("#vo-chat [data-i18n-label]").forEach(function (node) { node.setAttribute("aria-label", t(node.dataset.i18nLabel)); });
    el.langButtons.forEach(function (b) { b.setAttribute("aria-pressed", String(b.dataset.lang === state.lang)); });
  }

  /* Answers use **bold** for key facts; build nodes (never innerHTML) so text stays text. */
  function appendFormatted(parent, text) {
    text.split(/\*\*(.+?)\*\*/g).forEach(function (part, index) {
      if (!part) return;
      if (index % 2) { var strong = document.createElement("strong"); strong.textContent = part; parent.appendChild(strong); }
      else parent.appendChild(document.createTextNode(part));
    });
  }

  function render(entry) {
    var who = entry.who === "user" ? "user" : "bot";
    if (entry.text) {
      var bubble = document.createElement("div");
      bubble.className = "vo-msg " + who;
      if (entry.lang) bubble.setAttribute("lang", entry.lang);
      var label = document.createElement("span");
      label.className = "vo-who";
      label.textContent = (who === "user" ? t("you") : entry.agent ? t("agent") + " " + entry.agent + ":" : t("bot")) + " ";
      if (entry.agent) bubble.classList.add("agent");
      bubble.appendChild(label);
      appendFormatted(bubble, entry.text);
      el.log.appendChild(bubble);
    }
    if (entry.buttons && entry.buttons.length) {
      var group = document.createElement("div");
      group.className = "vo-buttons";
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", t("choices"));
      entry.buttons.forEach(function (b) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = b.title;
        button.addEventListener("click", function () { send(b.payload, b.title); });
        group.appendChild(button);
      });
      el.log.appendChild(group);
    }
    el.log.scrollTop = el.log.scrollHeight;
  }
  function add(entry) { state.transcript.push(entry); save(); render(entry); }

  var socket = io(window.VIRTUAL_OFFICIAL.rasaUrl, { transports: ["websocket", "polling"], autoConnect: false });
  socket.on("connect", function () {
    el.status.textContent = "";
    socket.emit("session_request", { session_id: state.sessionId });
  });
  socket.on("session_confirm", function () {
    if (state.open && !state.greeted) greet();
  });
  socket.on("disconnect", function () { el.status.textContent = t("offline"); });
  socket.on("connect_error", function () { el.status.textContent = t("offline"); });
  /* A consultant takes over and hands back through Rasa; the widget is told by a custom payload
   * ({handoff: "joined", agent} / {handoff: "ended"}) and labels the consultant's messages. */
  function showAgent() {
    el.agent.hidden = !state.agent;
    el.agent.textContent = state.agent ? t("withAgent") + state.agent : "";
  }
  socket.on("bot_uttered", function (message) {
    if (message && message.handoff) {
      state.agent = message.handoff === "joined" ? String(message.agent || "") || null : null;
      save(); showAgent();
      return;
    }
    var buttons = (message.buttons || message.quick_replies || []).map(function (b) {
      return { title: b.title, payload: b.payload };
    });
    add({ who: "bot", text: message.text || "", buttons: buttons, lang: state.lang, agent: state.agent || null });
  });

  function emit(text) {
    socket.emit("user_uttered", { message: text, session_id: state.sessionId, metadata: { language: state.lang } });
  }
  function send(text, shown) {
    text = (text || "").trim();
    if (!text) return;
    add({ who: "user", text: shown || text, lang: state.lang });
    emit(text);
  }
  function greet() {
    state.greeted = true; save();
    emit("/greet" + JSON.stringify({ language: state.lang }));
  }

  function open() {
    state.open = true; save();
    el.panel.hidden = false;
    el.launcher.setAttribute("aria-expanded", "true");
    el.launcher.hidden = true;  // never drawn over the open panel; the panel's × and Escape close it
    el.root.classList.add("vo-open");
    if (!socket.connected) { el.status.textContent = t("connecting"); socket.connect(); }
    else if (!state.greeted) greet();
    el.input.focus();
  }
  function close() {
    state.open = false; save();
    el.panel.hidden = true;
    el.launcher.hidden = false;
    el.root.classList.remove("vo-open");
    el.launcher.setAttribute("aria-expanded", "false");
    el.launcher.focus();
  }

  el.launcher.addEventListener("click", function () { if (el.panel.hidden) open(); else close(); });
  el.close.addEventListener("click", close);
  el.panel.addEventListener("keydown", function (event) { if (event.key === "Escape") close(); });
  el.form.addEventListener("submit", function (event) {
    event.preventDefault();
    send(el.input.value);
    el.input.value = "";
    el.input.focus();
  });
  el.langButtons.forEach(function (button) {
    button.addEventListener("click", function () {
      if (button.dataset.lang === state.lang) return;
      state.lang = button.dataset.lang; save();
      applyLanguage();
      emit("/change_language" + JSON.stringify({ language: state.lang }));
    });
  });

  applyLanguage();
  state.transcript.forEach(render);
  if (state.open) open();
})();
