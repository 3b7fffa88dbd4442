/* The 413 page's "Back to the form" button: the browser's Back, which shows the form with what was typed in it (a
   link to the form's address opens it empty). It is hidden until this script runs, and stays hidden when there is no
   page to go back to; without JavaScript the page's text says to use the browser's Back button. */
(function () {
  "use strict";
  if (window.history.length < 2) {
    return;
  }
  document.querySelectorAll("[data-lms-history-back]").forEach(function (wrapper) {
    var button = wrapper.querySelector("button");
    if (!button) {
      return;
    }
    button.addEventListener("click", function () {
      window.history.back();
    });
    wrapper.hidden = false;
  });
}());
