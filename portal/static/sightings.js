// Feed cards report that a signed-in resident saw them: a card at least half on screen for a
// second is queued, and the queue goes to POST /posts/seen every five seconds and when the page is
// hidden, with the session's CSRF token. Cards nobody looked at are never reported; each card
// once per page. No inline scripts (CSP).
(function () {
  "use strict";
  if (!("IntersectionObserver" in window) || !window.fetch) return;

  var queued = [];
  var reported = {};
  var timers = {};

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRF-Token"] || "";
    } catch (e) {
      return "";
    }
  }

  function send() {
    if (!queued.length) return;
    var posts = queued.splice(0, 50);
    fetch("/posts/seen", {
      method: "POST",
      credentials: "same-origin",
      keepalive: true,
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken() },
      body: JSON.stringify({ posts: posts }),
    }).catch(function () {});
  }

  var observer = new IntersectionObserver(
    function (entries) {
      entries.forEach(function (entry) {
        var id = parseInt(entry.target.getAttribute("data-sighting"), 10);
        if (!id || reported[id]) return;
        if (entry.isIntersecting) {
          timers[id] = setTimeout(function () {
            reported[id] = true;
            queued.push(id);
            observer.unobserve(entry.target);
          }, 1000);
        } else {
          clearTimeout(timers[id]);
        }
      });
    },
    { threshold: 0.5 }
  );

  function watch(root) {
    if (!root || !root.querySelectorAll) return;
    root.querySelectorAll("[data-sighting]").forEach(function (card) {
      observer.observe(card);
    });
  }

  watch(document);
  document.addEventListener("htmx:load", function (event) {
    watch(event.detail && event.detail.elt);
  });
  setInterval(send, 5000);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") send();
  });
})();
