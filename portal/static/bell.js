// The bell's live count: follow the server-sent unread count (the count now, then after each
// new notification) and show it on the bell. No inline scripts (CSP).
(function () {
  "use strict";

  function show(bell, count) {
    var badge = bell.querySelector("[data-unread-count]");
    if (!badge) return;
    badge.textContent = String(count);
    badge.hidden = count <= 0;
    bell.setAttribute("data-unread", String(count));
  }

  function follow(bell) {
    if (!window.EventSource) return;
    var source = new EventSource(bell.dataset.bellSrc);
    source.addEventListener("unread", function (event) {
      var count = parseInt(event.data, 10);
      // The bell may have been swapped (mark all read): show it on the one in the page now.
      var current = document.getElementById("bell") || bell;
      if (!isNaN(count)) show(current, count);
    });
  }

  function start() {
    var bell = document.getElementById("bell");
    if (bell && bell.dataset.bellSrc) follow(bell);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
