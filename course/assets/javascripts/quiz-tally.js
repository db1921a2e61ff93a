/* mkdocs-quiz's progress sidebar counts right answers out of the questions answered, so before
 * the first answer it reads "Correct: 0 / 0 (0%)". That line (and its Reset link, with nothing
 * to reset) stays hidden until a question of the page has been answered. */
(function () {
  "use strict";

  function answered(sidebar) {
    var total = sidebar.querySelector(".quiz-progress-score-total");
    return total ? Number(total.textContent.trim()) || 0 : 0;
  }

  function sync(sidebar) {
    var none = answered(sidebar) === 0;
    var score = sidebar.querySelector(".quiz-progress-score");
    var line = score ? score.closest(".md-ellipsis") || score.parentElement : null;
    var hide = [line].concat(Array.prototype.slice.call(sidebar.querySelectorAll(".quiz-reset-all-link")));
    hide.forEach(function (element) {
      if (element) element.style.display = none ? "none" : "";
    });
  }

  function watch() {
    ["quiz-progress-sidebar", "quiz-progress-mobile"].forEach(function (id) {
      var sidebar = document.getElementById(id);
      if (!sidebar || sidebar.dataset.aimedTally) return;
      sidebar.dataset.aimedTally = "1";
      sync(sidebar);
      new MutationObserver(function () {
        sync(sidebar);
      }).observe(sidebar, { subtree: true, childList: true, characterData: true });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", watch);
  } else {
    watch();
  }
})();
