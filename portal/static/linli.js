// Photo upload for the share form: POST /api/uploads with the session's CSRF token, show a
// preview, and keep the returned id in a hidden `imageIds` field. No inline scripts (CSP).
// An input may name its hidden field (`data-upload-name`, e.g. a group's `coverImageId`) and
// keep a single image (`data-upload-single`: a new upload replaces the previous one).
(function () {
  "use strict";

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRF-Token"] || "";
    } catch (e) {
      return "";
    }
  }

  function preview(input, target, body) {
    if (input.hasAttribute("data-upload-single")) target.replaceChildren();
    var figure = document.createElement("figure");
    figure.className = "preview";
    var hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = input.dataset.uploadName || "imageIds";
    hidden.value = body.id;
    var img = document.createElement("img");
    img.src = body.url;
    img.alt = "";
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "link remove-row";
    remove.textContent = target.getAttribute("data-remove-label") || "×";
    remove.addEventListener("click", function () { figure.remove(); });
    figure.append(hidden, img, remove);
    target.append(figure);
  }

  async function upload(input) {
    var target = document.querySelector(input.dataset.uploadTo);
    var status = document.getElementById("upload-status");
    var files = Array.prototype.slice.call(input.files || []);
    for (var i = 0; i < files.length; i++) {
      if (status) status.textContent = "正在上传…";
      var data = new FormData();
      data.append("file", files[i]);
      var response = await fetch("/api/uploads", {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRF-Token": csrfToken() },
      });
      var body = await response.json().catch(function () { return {}; });
      if (response.ok) {
        preview(input, target, body);
        if (status) status.textContent = "已上传";
      } else if (status) {
        status.textContent = body.message || "上传失败，请重试";
      }
    }
    input.value = "";
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (input instanceof HTMLInputElement && input.dataset.uploadTo) upload(input);
  });
})();

// Live tally bars on a campaign page: follow the server-sent tally (at most one a second) and
// move each entry's bar and count. Hidden results send no counts, so nothing moves.
(function () {
  "use strict";

  function apply(root, tally) {
    if (!tally.visible) return;
    var counts = tally.counts || {};
    var most = 1;
    Object.keys(counts).forEach(function (id) { most = Math.max(most, counts[id]); });
    root.querySelectorAll("progress[data-tally-for]").forEach(function (bar) {
      var n = counts[bar.dataset.tallyFor] || 0;
      most = Math.max(most, n);
    });
    root.querySelectorAll("progress[data-tally-for]").forEach(function (bar) {
      var n = counts[bar.dataset.tallyFor] || 0;
      bar.max = most;
      bar.value = n;
    });
    root.querySelectorAll("[data-count-for]").forEach(function (label) {
      label.textContent = String(counts[label.dataset.countFor] || 0);
    });
  }

  function follow(root) {
    if (!window.EventSource) return;
    var source = new EventSource(root.dataset.tallySrc);
    source.addEventListener("tally", function (event) {
      try {
        apply(root, JSON.parse(event.data));
      } catch (e) { /* a malformed event changes nothing */ }
    });
  }

  function start() {
    document.querySelectorAll("[data-tally-src]").forEach(follow);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

// 回到顶部: the link shows once the page has scrolled a screen down, and scrolls back up
// (smoothly unless the resident asked for less motion).
(function () {
  "use strict";

  function start() {
    var link = document.getElementById("to-top");
    if (!link) return;
    var ticking = false;
    function update() {
      ticking = false;
      link.hidden = window.scrollY < window.innerHeight;
    }
    window.addEventListener("scroll", function () {
      if (!ticking) {
        ticking = true;
        window.requestAnimationFrame(update);
      }
    }, { passive: true });
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      window.scrollTo({ top: 0, behavior: still ? "auto" : "smooth" });
      var main = document.querySelector("main");
      if (main) {
        main.setAttribute("tabindex", "-1");
        main.focus({ preventScroll: true });
      }
    });
    update();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
