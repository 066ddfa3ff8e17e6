/* Shared by the console's pages: CSRF header for fetch, safe DOM building (text only, never HTML). */
var Console = (function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute("content") : "";
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }
  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) { data.status = response.status; return data; });
    });
  }
  function minutes(seconds) {
    var m = Math.floor(seconds / 60);
    return m < 1 ? "< 1 min" : m + " min";
  }
  function live(url, handlers, statusNode) {
    var source = new EventSource(url);
    Object.keys(handlers).forEach(function (name) {
      source.addEventListener(name, function (event) { handlers[name](JSON.parse(event.data)); });
    });
    source.onopen = function () { if (statusNode) statusNode.textContent = "Live."; };
    source.onerror = function () { if (statusNode) statusNode.textContent = "Reconnecting…"; };
    return source;
  }
  return { csrf: csrf, el: el, post: post, minutes: minutes, live: live };
})();
