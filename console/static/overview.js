/* Supervisor overview: re-reads the figures every 5 seconds. */
(function () {
  "use strict";
  var el = Console.el;
  var status = document.getElementById("live-status");
  function set(id, value) { document.getElementById(id).textContent = String(value); }
  function refresh() {
    fetch("/handoff/api/overview", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (d) {
        set("s-waiting", d.waiting); set("s-median", d.median_wait_minutes); set("s-longest", d.longest_wait_minutes);
        set("s-handled", d.handled_today); set("s-abandoned", d.abandoned_today); set("s-messages", d.messages_waiting);
        var body = document.getElementById("agents");
        body.replaceChildren();
        Object.keys(d.active_by_agent).forEach(function (agent) {
          body.appendChild(el("tr", {}, [el("td", { text: agent }), el("td", { text: String(d.active_by_agent[agent]) })]));
        });
        document.querySelectorAll("#queues [data-queue]").forEach(function (cell) {
          cell.textContent = String(d.waiting_by_queue[cell.dataset.queue] || 0);
        });
        status.textContent = "";
      })
      .catch(function () { status.textContent = "Could not refresh."; });
  }
  setInterval(refresh, 5000);
})();
