/* Inside the clinic's iframe: keep the iframe's height fitted to this page, and
   tell the host page about progress. Messages go only to the host origin the
   server validated against EMBED_ALLOWED_ORIGINS (data-embed-origin), never "*".
   They carry an event name, a step number and id, or an outcome category:
   never an answer or anything personal.

   A page sends an event by carrying data-embed-event="name" on any element,
   with optional data-embed-step, data-embed-step-id, data-embed-total and
   data-embed-outcome; data-embed-settled-url="..." then replaces the page's URL
   (same origin only) so a reload does not send a one-time event again.
   Nothing here is needed for the check to work. */
(function () {
  "use strict";
  var root = document.documentElement;
  var origin = root.getAttribute("data-embed-origin");
  if (!origin || window.parent === window) { return; }

  var SOURCE = "microneedling-check";
  var EVENTS = ["started", "step_reached", "completed", "contact_requested"];
  var FIELDS = { embedStep: "step", embedStepId: "step_id", embedTotal: "total", embedOutcome: "outcome" };

  function send(message) {
    message.source = SOURCE;
    window.parent.postMessage(message, origin);
  }

  var lastHeight = 0;
  function sendHeight() {
    var height = Math.ceil(document.body.getBoundingClientRect().height);
    if (height !== lastHeight) {
      lastHeight = height;
      send({ type: "resize", height: height });
    }
  }

  function sendEvents() {
    // In the order of EVENTS, whatever the order of the elements on the page.
    var elements = [];
    EVENTS.forEach(function (name) {
      var found = document.querySelectorAll('[data-embed-event="' + name + '"]');
      for (var j = 0; j < found.length; j += 1) { elements.push(found[j]); }
    });
    for (var i = 0; i < elements.length; i += 1) {
      var message = { type: "event", event: elements[i].getAttribute("data-embed-event") };
      for (var key in FIELDS) {
        var value = elements[i].dataset[key];
        if (value !== undefined) {
          message[FIELDS[key]] = /^\d+$/.test(value) ? Number(value) : value;
        }
      }
      send(message);
    }
    // A page shown once after a POST (the contact confirmation) names its URL without
    // the one-time flag, so reloading it does not send the event again.
    var settled = document.querySelector("[data-embed-settled-url]");
    if (settled && window.history && window.history.replaceState) {
      var url = new URL(settled.getAttribute("data-embed-settled-url"), window.location.href);
      if (url.origin === window.location.origin) {
        window.history.replaceState(window.history.state, "", url.href);
      }
    }
  }

  // The element the page wants focused (a failed submit's error summary carries
  // autofocus). Chromium lets no page in a cross-origin iframe take the focus by
  // itself (autofocus, or focus() without a click in it since it loaded), so the
  // summary would not be announced: the frame asks the host page's embed.js,
  // which focuses the iframe element and answers "focus"; the frame then may.
  var wanted = null;
  function focusWanted() {
    var target = document.querySelector("[autofocus]");
    if (!target) { return; }
    target.focus();
    if (document.hasFocus() && document.activeElement === target) { return; }
    wanted = target;
    send({ type: "focus" });
  }
  window.addEventListener("message", function (event) {
    if (event.source !== window.parent || event.origin !== origin) { return; }
    var data = event.data;
    if (!wanted || !data || typeof data !== "object" || data.source !== SOURCE) { return; }
    if (data.type === "focus") {
      wanted.focus();
      wanted = null;
    }
  });

  function start() {
    send({ type: "page" });
    sendHeight();
    sendEvents();
    focusWanted();
    if (window.ResizeObserver) {
      new ResizeObserver(sendHeight).observe(document.body);
    } else {
      window.addEventListener("resize", sendHeight);
    }
    window.addEventListener("load", sendHeight);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
