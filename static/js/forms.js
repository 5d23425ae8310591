/* After a failed submit, take the reader to the error summary: keyboard and screen-reader
   users land on the list of problems, each a link to its field (RGAA 11.10, WCAG 3.3.1).
   Without this script the summary is still the first thing in the form. */
(function () {
  "use strict";
  function focusSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }
  /* A summary link moves focus to the field itself, not only the scroll position. */
  function followLinks() {
    document.querySelectorAll("[data-error-summary] a[href^='#']").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var target = document.getElementById(link.getAttribute("href").slice(1));
        if (target && typeof target.focus === "function") {
          event.preventDefault();
          target.focus();
          target.scrollIntoView({ block: "center" });
        }
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { focusSummary(); followLinks(); });
  } else {
    focusSummary();
    followLinks();
  }
})();
