/* A page drawn in answer to a form post (a step or the contact form shown again
   with its errors) leaves that POST in the browser's history: going Back to it
   later makes the browser ask to send the form again, or show an error page.
   This gives the entry the page's plain address instead (data-page-url: the step
   or the result, with the answers token), so Back simply loads it. Without
   JavaScript the browser asks, and nothing is lost either way. */
(function () {
  "use strict";
  var url = document.documentElement.getAttribute("data-page-url");
  if (url && window.history && window.history.replaceState) {
    window.history.replaceState(window.history.state, "", url);
  }
})();
