/* The live queue: rows rebuilt from server-sent events; all user text goes in with textContent. */
(function () {
  "use strict";
  var el = Console.el;
  var received = null, receivedAt = 0;

  function takeForm(ticket) {
    var form = el("form", { method: "post", action: "/handoff/tickets/" + ticket.id + "/take" }, [
      el("input", { type: "hidden", name: "csrf_token", value: Console.csrf }),
      el("button", { type: "submit", text: "Take", "aria-label": "Take conversation " + ticket.id })
    ]);
    return form;
  }
  function waitingFor(ticket) {
    var elapsed = (Date.now() - receivedAt) / 1000;
    return Console.minutes(ticket.waiting_seconds + elapsed);
  }
  function renderWaiting(list) {
    var body = document.getElementById("waiting");
    body.replaceChildren();
    list.forEach(function (t) {
      body.appendChild(el("tr", { "data-ticket": String(t.id) }, [
        el("td", { text: String(t.id) }),
        el("td", { text: waitingFor(t), "class": "waited" }),
        el("td", { text: t.language_label }),
        el("td", { text: t.queue_label }),
        el("td", { text: t.reason_label }),
        el("td", { text: t.preview }),
        el("td", {}, [takeForm(t), el("a", { href: "/handoff/tickets/" + t.id, text: "Preview", "aria-label": "Preview conversation " + t.id })])
      ]));
    });
    document.getElementById("waiting-count").textContent = String(list.length);
    document.getElementById("waiting-empty").hidden = list.length > 0;
  }
  function renderMessages(list) {
    var body = document.getElementById("messages");
    body.replaceChildren();
    list.forEach(function (t) {
      body.appendChild(el("tr", {}, [
        el("td", { text: String(t.id) }),
        el("td", { text: t.kind === "callback" ? "Callback request" : "Message" }),
        el("td", { text: t.language_label }),
        el("td", { text: t.queue_label }),
        el("td", { text: t.message }),
        el("td", {}, [el("a", { href: "/handoff/tickets/" + t.id, text: "Open", "aria-label": "Open request " + t.id })])
      ]));
    });
    document.getElementById("messages-empty").hidden = list.length > 0;
  }
  function renderMine(list) {
    var ul = document.getElementById("mine");
    ul.replaceChildren();
    list.forEach(function (t) {
      ul.appendChild(el("li", {}, [el("a", { href: "/handoff/tickets/" + t.id,
        text: "Conversation " + t.id + " (" + t.language_label + ", " + t.queue_label + ")" })]));
    });
    document.getElementById("mine-empty").hidden = list.length > 0;
  }
  function render(state) {
    received = state; receivedAt = Date.now();
    renderWaiting(state.waiting); renderMessages(state.messages); renderMine(state.mine);
  }

  render(JSON.parse(document.getElementById("initial-state").textContent));
  Console.live("/handoff/stream", { queue: render }, document.getElementById("live-status"));
  setInterval(function () {  // waiting times tick without re-reading the server
    if (!received) return;
    document.querySelectorAll("#waiting tr").forEach(function (row, index) {
      var cell = row.querySelector(".waited");
      if (cell && received.waiting[index]) cell.textContent = waitingFor(received.waiting[index]);
    });
  }, 15000);
})();
