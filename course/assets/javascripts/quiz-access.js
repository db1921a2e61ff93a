/*
 * Module quizzes for every hand: the smallest override of mkdocs-quiz 1.7.1 (pinned in
 * pyproject.toml; tests/site/test_quiz_keyboard_browser.py fails if its version or the code
 * relied on here changes). mkdocs-quiz submits a single-answer question on every "change" of a
 * radio, so an arrow key or Space answers (and locks) the question at once, and it offers no
 * way back after a wrong answer. Here:
 *
 * - a click or tap on an option (anywhere on it, its abbreviations too) still answers at once,
 *   as mkdocs-quiz does; a choice made from the keyboard or a screen reader (arrows, Space, an
 *   activation without a pointer) only selects, and Enter or the "Check" button confirms;
 * - abbreviations inside the options lose their expansion (it could hint at the answer);
 * - after a wrong answer and its explanation, "Try again" lets the learner answer again for
 *   practice. mkdocs-quiz never sees the retry: its storage (quiz_progress_<path>, read by
 *   progress.js, record.js and scorm.js) keeps the first answer, the one the tally counts.
 */
(function () {
  "use strict";

  var TEXT = {
    en: {
      check: "Check",
      again: "Try again",
      choose: "Choose an answer first.",
      right: "Right. This attempt is for practice: your progress keeps your first answer.",
      wrong: "Not this one. Read the explanation again, then try again. Your progress keeps " +
        "your first answer.",
    },
    fr: {
      check: "Vérifier",
      again: "Réessayer",
      choose: "Choisissez d'abord une réponse.",
      right: "Exact. Cette tentative sert à vous exercer\u202f: votre progression garde votre " +
        "première réponse.",
      wrong: "Ce n'est pas celle-ci. Relisez l'explication, puis réessayez. Votre progression " +
        "garde votre première réponse.",
    },
  };
  var QUIZ = ".quiz[data-auto-submit]";
  var pointerOption = null; // the option a mouse, pen or finger pressed last

  function words() {
    var lang = (document.documentElement.getAttribute("lang") || "en").slice(0, 2);
    return TEXT[lang] || TEXT.en;
  }

  function optionOf(node) {
    return node && node.closest ? node.closest(QUIZ + " fieldset > div") : null;
  }

  function firstAnswers() {
    try {
      var stored = JSON.parse(localStorage.getItem("quiz_progress_" + location.pathname));
      return stored && typeof stored === "object" ? stored : {};
    } catch (error) {
      return {};
    }
  }

  function feedback(quiz, className, text) {
    var box = quiz.querySelector(".quiz-feedback");
    box.replaceChildren();
    var item = document.createElement("div");
    item.className = "quiz-feedback-item " + className;
    var content = document.createElement("div");
    content.className = "quiz-feedback-item-content";
    content.textContent = text;
    item.appendChild(content);
    box.appendChild(item);
    box.classList.remove("hidden");
    box.setAttribute("tabindex", "-1");
    box.focus();
  }

  function inputs(quiz) {
    return Array.prototype.slice.call(quiz.querySelectorAll("input[name=answer]"));
  }

  // mkdocs-quiz's buttons are shown by its stylesheet: its own "hidden" class hides them.
  function hide(button, hidden) {
    button.hidden = hidden;
    button.classList.toggle("hidden", hidden);
  }

  // The buttons this script adds to a question (once), and their state from the storage.
  function sync(quiz, stored) {
    var form = quiz.querySelector("form");
    if (!form || quiz.getAttribute("data-quiz-type") === "fill-blank") return;
    var check = form.querySelector(".aimed-quiz-check");
    var again = form.querySelector(".aimed-quiz-again");
    if (!check) {
      check = document.createElement("button");
      check.type = "submit";
      check.className = "quiz-button aimed-quiz-check";
      check.textContent = words().check;
      again = document.createElement("button");
      again.type = "button";
      again.className = "quiz-button aimed-quiz-again";
      again.textContent = words().again;
      again.addEventListener("click", function () {
        retry(quiz);
      });
      form.appendChild(check);
      form.appendChild(again);
    }
    var first = stored[quiz.id];
    var answered = Boolean(first && first.answered);
    if (!answered) delete quiz.dataset.aimedRetry;
    var practising = quiz.dataset.aimedRetry === "open";
    hide(check, answered && !practising);
    hide(again, !answered || practising || (first.correct && quiz.dataset.aimedRetry !== "wrong"));
  }

  function syncAll() {
    var stored = firstAnswers();
    document.querySelectorAll(QUIZ).forEach(function (quiz) {
      sync(quiz, stored);
    });
  }

  // Unlock the question for another go; the explanation closes until the next answer.
  function retry(quiz) {
    inputs(quiz).forEach(function (input) {
      input.checked = false;
      input.disabled = false;
      input.parentElement.classList.remove("correct", "wrong");
    });
    quiz.querySelector(".quiz-feedback").classList.add("hidden");
    var section = quiz.querySelector("section.content");
    if (section) section.classList.add("hidden");
    quiz.dataset.aimedRetry = "open";
    sync(quiz, firstAnswers());
    var first = quiz.querySelector("input[name=answer]");
    if (first) first.focus();
  }

  // A retry is graded here, never stored: mkdocs-quiz does not see it.
  function gradeRetry(quiz) {
    var all = inputs(quiz);
    var right = all.every(function (input) {
      return input.checked === input.hasAttribute("data-correct");
    });
    all.forEach(function (input) {
      if (input.checked) input.parentElement.classList.add(right ? "correct" : "wrong");
      input.disabled = true;
    });
    var section = quiz.querySelector("section.content");
    if (section) section.classList.remove("hidden");
    quiz.dataset.aimedRetry = right ? "right" : "wrong";
    feedback(quiz, right ? "correct" : "incorrect", right ? words().right : words().wrong);
    sync(quiz, firstAnswers());
  }

  document.addEventListener("pointerdown", function (event) {
    pointerOption = optionOf(event.target);
  }, true);

  // A click on an option's padding, outside its label, picks the option too.
  document.addEventListener("click", function (event) {
    var option = optionOf(event.target);
    if (!option || event.target !== option) return;
    var input = option.querySelector("input[name=answer]");
    if (input && !input.disabled) input.click();
  });

  // Before mkdocs-quiz's own listener on the radio: a choice without a pointer only selects.
  window.addEventListener("change", function (event) {
    var option = optionOf(event.target);
    if (!option || event.target.type !== "radio") return;
    var byPointer = pointerOption === option;
    pointerOption = null;
    if (!byPointer) event.stopImmediatePropagation();
  }, true);

  window.addEventListener("submit", function (event) {
    var quiz = event.target.closest ? event.target.closest(QUIZ) : null;
    if (!quiz || quiz.getAttribute("data-quiz-type") === "fill-blank") return;
    var chosen = quiz.querySelector("input[name=answer]:checked");
    var practising = quiz.dataset.aimedRetry === "open";
    if (!chosen || practising || quiz.querySelector("input[name=answer]:disabled")) {
      event.preventDefault();
      event.stopImmediatePropagation();
      if (!chosen && !quiz.querySelector("input[name=answer]:disabled")) {
        feedback(quiz, "incorrect", words().choose);
      } else if (chosen && practising) {
        gradeRetry(quiz);
      }
      return;
    }
    var check = quiz.querySelector(".aimed-quiz-check");
    if (check) hide(check, true); // mkdocs-quiz answers now; sync() follows its update
  }, true);

  // Enter on an option confirms it (the same as "Check"), whatever the browser's own habits.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !optionOf(event.target) || event.target.name !== "answer") return;
    event.preventDefault();
    var form = event.target.form;
    if (form) form.requestSubmit();
  });

  // No expansion of an abbreviation inside an option: its meaning could give the answer away.
  function plainOptions() {
    document.querySelectorAll(".quiz fieldset abbr[title]").forEach(function (abbr) {
      abbr.removeAttribute("title");
    });
  }

  function start() {
    plainOptions();
    syncAll();
  }

  // After mkdocs-quiz has set up the page (its own DOMContentLoaded listener comes first).
  function later() {
    window.setTimeout(start, 0);
  }
  window.aimedProgress.onPage(later);
  window.addEventListener("quizProgressUpdate", function () {
    window.setTimeout(syncAll, 0);
  });
})();
