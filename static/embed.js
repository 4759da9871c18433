/* The clinic's one-line snippet loads this script:
     <script src="https://APP/embed.js" data-accent="#1d5c63" data-font="serif" async></script>
   It puts the questionnaire in an iframe right after the script tag, keeps the
   iframe's height fitted to its content, and re-dispatches the check's events
   as DOM CustomEvents on the script element (they bubble to document):
     microneedling:started, microneedling:step_reached (detail.step, .step_id, .total),
     microneedling:completed (detail.outcome), microneedling:contact_requested.
   step_reached is dispatched once per step of a check (not again when the person
   goes back to it, or it is shown again with errors); a new check (started) counts
   afresh. When a page in the frame asks for the focus (its error summary, after a
   failed submit), this script focuses the iframe and tells the frame it may take it:
   Chromium lets no cross-origin frame take the focus by itself.
   Only messages from the app's own origin and from this very iframe are read.
   No inline script or style: it runs under a strict Content-Security-Policy
   (script-src and frame-src naming the app's origin; see docs/embedding.md). */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) { return; }

  var appOrigin = new URL(script.src).origin;
  var SOURCE = "microneedling-check";
  var EVENTS = ["started", "step_reached", "completed", "contact_requested"];
  var DETAIL = ["step", "step_id", "total", "outcome"];

  var params = new URLSearchParams();
  params.set("origin", window.location.origin);
  ["accent", "font", "lang"].forEach(function (name) {
    var value = script.getAttribute("data-" + name);
    if (value) { params.set(name, value.replace(/^#/, "")); }
  });

  var iframe = document.createElement("iframe");
  iframe.src = appOrigin + "/embed/?" + params.toString();
  iframe.title = script.getAttribute("data-title") || "Acne scar microneedling check";
  iframe.setAttribute("scrolling", "no");
  iframe.className = "microneedling-check-frame";
  iframe.style.display = "block";
  iframe.style.width = "100%";
  iframe.style.border = "0";
  iframe.style.overflow = "hidden";
  iframe.style.height = (parseInt(script.getAttribute("data-min-height"), 10) || 600) + "px";
  script.parentNode.insertBefore(iframe, script.nextSibling);

  var pages = 0;
  var reached = {};  // the steps already reported since the check started

  function firstTime(data) {
    if (data.event === "started") { reached = {}; }
    if (data.event !== "step_reached") { return true; }
    var key = String(data.step_id);
    if (Object.prototype.hasOwnProperty.call(reached, key)) { return false; }
    reached[key] = true;
    return true;
  }

  function lendFocus() {
    // Only while the person is in the check: never take the focus from the host's own page.
    var active = document.activeElement;
    if (active && active !== iframe && active !== document.body) { return; }
    iframe.focus();
    iframe.contentWindow.postMessage({ source: SOURCE, type: "focus" }, appOrigin);
  }
  window.addEventListener("message", function (event) {
    if (event.origin !== appOrigin || event.source !== iframe.contentWindow) { return; }
    var data = event.data;
    if (!data || typeof data !== "object" || data.source !== SOURCE) { return; }
    if (data.type === "resize" && typeof data.height === "number" && data.height > 0) {
      iframe.style.height = Math.ceil(data.height) + "px";
    } else if (data.type === "page") {
      pages += 1;
      // A new step inside the frame: bring its top into view, as a page load would.
      if (pages > 1 && iframe.getBoundingClientRect().top < 0) { iframe.scrollIntoView(); }
    } else if (data.type === "focus") {
      lendFocus();
    } else if (data.type === "event" && EVENTS.indexOf(data.event) !== -1 && firstTime(data)) {
      var detail = {};
      DETAIL.forEach(function (key) { if (key in data) { detail[key] = data[key]; } });
      script.dispatchEvent(new CustomEvent("microneedling:" + data.event, { detail: detail, bubbles: true }));
    }
  });
})();
