/* One conversation: the transcript streams in live; replies and canned answers go through the API. */
(function () {
  "use strict";
  var el = Console.el;
  var box = document.getElementById("ticket");
  var id = box.dataset.ticket;
  var mine = box.dataset.mine === "true";
  var list = document.getElementById("transcript");
  var labels = { user: "User", bot: "Assistant", agent: "Consultant", system: "—" };

  function addLines(lines) {
    lines.forEach(function (line) {
      var who = line.who === "agent" && line.name ? "Consultant " + line.name : labels[line.who] || line.who;
      var time = line.timestamp ? new Date(line.timestamp * 1000).toLocaleTimeString() : "";
      list.appendChild(el("li", { "class": line.who, "data-event": String(line.id) }, [
        el("span", { "class": "who", text: who + (time ? " (" + time + "):" : ":") }),
        el("span", { "class": "text", text: line.text })
      ]));
    });
    list.scrollTop = list.scrollHeight;
  }
  function onStatus(data) {
    var node = document.getElementById("ticket-status");
    if (node.textContent !== data.status) {
      node.textContent = data.status;
      if (mine && data.status !== "active") {
        var form = document.getElementById("reply-form");
        if (form) form.hidden = true;
      }
    }
  }
  Console.live("/handoff/tickets/" + id + "/stream", { lines: addLines, status: onStatus }, null);

  if (!mine) return;
  var replyForm = document.getElementById("reply-form");
  var replyText = document.getElementById("reply-text");
  var replyStatus = document.getElementById("reply-status");
  replyForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = replyText.value.trim();
    if (!text) return;
    replyStatus.textContent = "Sending…";
    Console.post("/handoff/tickets/" + id + "/reply", { text: text }).then(function (result) {
      if (result.sent) { replyText.value = ""; replyStatus.textContent = "Sent."; replyText.focus(); }
      else replyStatus.textContent = result.error || "Not sent.";
    });
  });
  replyText.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); replyForm.requestSubmit(); }
  });

  var cannedForm = document.getElementById("canned-form");
  var results = document.getElementById("canned-results");
  cannedForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var q = document.getElementById("canned-q").value;
    fetch("/handoff/tickets/" + id + "/canned?q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        results.replaceChildren();
        if (!data.answers.length) results.appendChild(el("li", { text: "No matching topic." }));
        data.answers.forEach(function (answer) {
          var use = el("button", { type: "button", "class": "secondary", text: "Insert", "aria-label": "Insert the answer: " + answer.title });
          use.addEventListener("click", function () { replyText.value = answer.answer; replyText.focus(); });
          results.appendChild(el("li", {}, [el("strong", { text: answer.title }), el("p", { text: answer.answer }), use]));
        });
      });
  });
})();
