/* Copy buttons for what is shown once to be copied elsewhere: a set-password link, a new
   API token, recovery codes (templates/staff/accounts/_copy.html). Without JavaScript the
   text sits in a read-only box, or a list one click selects, and is copied by hand; the
   button stays hidden. With the clipboard API, each button shows, copies its target's
   text (an input's value, or each code of a list one a line) and says "Copied" in a
   status region beside it, so a screen reader hears it too. No inline script: the
   strict CSP allows only files from this site. */
(function () {
  "use strict";
  if (!navigator.clipboard || !window.isSecureContext) { return; }
  function textOf(target) {
    if ("value" in target && typeof target.value === "string") { return target.value; }
    var items = target.querySelectorAll("li");
    if (items.length) {
      return Array.prototype.map.call(items, function (li) { return li.textContent.trim(); }).join("\n");
    }
    return target.textContent.trim();
  }
  Array.prototype.forEach.call(document.querySelectorAll("button[data-copy]"), function (button) {
    var target = document.getElementById(button.getAttribute("data-copy"));
    var status = document.getElementById(button.getAttribute("data-copy") + "-copied");
    if (!target || !status) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(textOf(target)).then(
        function () { status.textContent = button.getAttribute("data-copied"); },
        function () { status.textContent = button.getAttribute("data-failed"); }
      );
    });
  });
})();
