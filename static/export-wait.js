/* A workbook being prepared (templates/staff/leads/export_job.html): without JavaScript the
   page has a "Check again" link. With it, the page asks again every few seconds and, once
   the workbook is ready (or failed), puts the new status in place of the old one: a status
   region, so a screen reader says it, and no reload that would move anyone's focus (a
   timed meta refresh would, which WCAG 2.2.1 rules out). */
(function () {
  "use strict";
  var status = document.getElementById("export-status");
  if (!status || !window.fetch || !window.DOMParser) { return; }
  var seconds = parseInt(status.getAttribute("data-check-every"), 10) || 5;
  function check() {
    fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("export-status");
        if (fresh && !fresh.hasAttribute("data-check-every")) {
          status.innerHTML = fresh.innerHTML;
          status.removeAttribute("data-check-every");
          return;
        }
        window.setTimeout(check, seconds * 1000);
      })
      .catch(function () { window.setTimeout(check, seconds * 1000); });
  }
  window.setTimeout(check, seconds * 1000);
})();
