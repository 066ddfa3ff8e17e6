/* Document upload for the chat widget (photos of forms and IDs, PDFs), kept apart from chat.js.
 * A native file input with a visible label: reachable with Tab, opened with Enter or Space, read by
 * screen readers. The file goes to Rasa's upload endpoint (channels/documents.py) with the chat's
 * session id; the server checks type and size and answers in the conversation's language, and that
 * answer is shown in the conversation log. */
(function () {
  "use strict";
  var STORE = "virtualOfficial.v1";  // chat.js keeps the session id and language there
  var TEXT = {
    pl: { label: "Dołącz dokument (JPEG, PNG lub PDF)", you: "Ty:", bot: "Urzędnik:", sending: "Wysyłanie pliku…",
          sent: "Wysłano plik", failed: "Nie udało się wysłać pliku. Spróbuj ponownie." },
    en: { label: "Attach a document (JPEG, PNG or PDF)", you: "You:", bot: "Official:", sending: "Sending the file…",
          sent: "File sent", failed: "The file could not be sent. Please try again." }
  };
  var form = document.getElementById("vo-form");
  var log = document.getElementById("vo-log");
  var status = document.getElementById("vo-status");
  if (!form || !log || !window.VIRTUAL_OFFICIAL) return;

  function chatState() {
    try { return JSON.parse(localStorage.getItem(STORE) || "null") || {}; } catch (e) { return {}; }
  }
  function t(key) { return TEXT[chatState().lang === "en" ? "en" : "pl"][key]; }

  var style = document.createElement("style");
  style.textContent = ".vo-upload{padding:0 .75rem .75rem;display:flex;flex-direction:column;gap:.25rem;font-size:.9rem}" +
    ".vo-upload input[type=file]:focus-visible{outline:3px solid #1d4ed8;outline-offset:2px}";
  document.head.appendChild(style);
  var box = document.createElement("div");
  box.className = "vo-upload";
  var label = document.createElement("label");
  label.setAttribute("for", "vo-file");
  label.id = "vo-file-label";
  var input = document.createElement("input");
  input.type = "file";
  input.id = "vo-file";
  input.name = "file";
  input.accept = "image/jpeg,image/png,application/pdf,.jpg,.jpeg,.png,.pdf";
  box.appendChild(label);
  box.appendChild(input);
  form.parentNode.insertBefore(box, form.nextSibling);

  function relabel() { label.textContent = t("label"); }
  relabel();
  document.querySelectorAll(".vo-lang-btn").forEach(function (button) {
    button.addEventListener("click", function () { setTimeout(relabel, 0); });
  });

  function bubble(who, text) {
    var node = document.createElement("div");
    node.className = "vo-msg " + who;
    var name = document.createElement("span");
    name.className = "vo-who";
    name.textContent = t(who === "user" ? "you" : "bot") + " ";
    node.appendChild(name);
    node.appendChild(document.createTextNode(text));
    log.appendChild(node);
    log.scrollTop = log.scrollHeight;
  }

  input.addEventListener("change", function () {
    var file = input.files && input.files[0];
    var session = chatState().sessionId;
    if (!file || !session) return;
    var body = new FormData();
    body.append("sender", session);
    body.append("file", file, file.name);
    bubble("user", t("sent") + ": " + file.name);
    status.textContent = t("sending");
    fetch(window.VIRTUAL_OFFICIAL.rasaUrl.replace(/\/$/, "") + "/webhooks/documents/upload", { method: "POST", body: body })
      .then(function (response) { return response.json(); })
      .then(function (answer) { bubble("bot", answer.text || answer.error || t("failed")); })
      .catch(function () { bubble("bot", t("failed")); })
      .then(function () { status.textContent = ""; input.value = ""; });
  });
})();
