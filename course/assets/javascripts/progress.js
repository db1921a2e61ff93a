/*
 * Course progress, kept in this browser only (localStorage); nothing is sent anywhere.
 *
 * - Module pages carry a hidden ".aimed-read" block (rendered by hooks/course_features.py from
 *   the page's front matter): it is shown here and its checkbox records the module as read.
 * - Quiz answers are stored by mkdocs-quiz under "quiz_progress_<pathname>" as
 *   {"quiz-0": {"answered": true, "correct": false, ...}, ...}; we only read them.
 * - The home page's ".aimed-progress" table lists modules; each row names the module's pages
 *   in both languages (data-pages, relative links) and its number of questions (data-quizzes).
 *   A module is read if marked in either language; its quiz score is the better of the two;
 *   a quiz is passed with every question answered and two thirds right (see passMark).
 * - "Reset" removes our key and the quiz keys of the listed pages, nothing else.
 */
(function () {
  "use strict";

  var READ_KEY = "aimed_course_read"; // {"<module>": "<ISO date>"}
  var QUIZ_PREFIX = "quiz_progress_";
  var TEXT = {
    en: { yes: "Yes", no: "Not yet", notStarted: "not started", none: "—",
          inProgress: "in progress: {correct} of {total} correct",
          passed: "{correct} of {total} correct: passed",
          failed: "{correct} of {total} correct: not passed" },
    fr: { yes: "Oui", no: "Pas encore", notStarted: "pas commencé", none: "—",
          inProgress: "en cours : {correct} sur {total} justes",
          passed: "{correct} sur {total} justes : réussi",
          failed: "{correct} sur {total} justes : non réussi" },
  };

  function words() {
    var lang = (document.documentElement.getAttribute("lang") || "en").slice(0, 2);
    return TEXT[lang] || TEXT.en;
  }

  function load(key, fallback) {
    try {
      var raw = window.localStorage.getItem(key);
      var value = raw ? JSON.parse(raw) : fallback;
      return value && typeof value === "object" && !Array.isArray(value) ? value : fallback;
    } catch (error) {
      return fallback;
    }
  }

  function readModules() {
    return load(READ_KEY, {});
  }

  function setRead(module, isRead) {
    var read = readModules();
    if (isRead) {
      read[module] = new Date().toISOString();
    } else {
      delete read[module];
    }
    try {
      window.localStorage.setItem(READ_KEY, JSON.stringify(read));
    } catch (error) {
      /* storage disabled: the control simply does not persist */
    }
  }

  function pathnameOf(href) {
    return new URL(href, window.location.href).pathname;
  }

  function quizScore(pathname) {
    var answers = load(QUIZ_PREFIX + pathname, {});
    var answered = 0;
    var correct = 0;
    Object.keys(answers).forEach(function (id) {
      if (answers[id] && answers[id].answered) answered += 1;
      if (answers[id] && answers[id].correct) correct += 1;
    });
    return { answered: answered, correct: correct };
  }

  // A quiz is passed when every question is answered and at least two thirds are right at
  // the first attempt (mkdocs-quiz locks a question once answered; "reset" starts again).
  function passMark(total) {
    return Math.ceil((2 * total) / 3);
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) {
      return String(values[key]);
    });
  }

  function setUpReadControls() {
    document.querySelectorAll(".aimed-read").forEach(function (block) {
      var module = block.getAttribute("data-module");
      var box = block.querySelector("input[type=checkbox]");
      if (!module || !box) return;
      box.checked = Boolean(readModules()[module]);
      if (!box.dataset.aimedBound) {
        box.addEventListener("change", function () {
          setRead(module, box.checked);
        });
        box.dataset.aimedBound = "1";
      }
      block.hidden = false;
    });
  }

  function fillProgressTable(container) {
    var text = words();
    var read = readModules();
    container.querySelectorAll("tbody tr[data-module]").forEach(function (row) {
      var module = row.getAttribute("data-module");
      var total = parseInt(row.getAttribute("data-quizzes"), 10) || 0;
      var readCell = row.querySelector(".aimed-progress__read");
      var quizCell = row.querySelector(".aimed-progress__quiz");
      var isRead = Boolean(read[module]);
      readCell.textContent = isRead ? text.yes : text.no;
      row.dataset.read = isRead ? "yes" : "no";
      if (total === 0) {
        quizCell.textContent = text.none;
        return;
      }
      var best = { answered: 0, correct: 0 };
      (row.getAttribute("data-pages") || "").split(/\s+/).forEach(function (href) {
        if (!href) return;
        var score = quizScore(pathnameOf(href));
        if (score.correct > best.correct ||
            (score.correct === best.correct && score.answered > best.answered)) {
          best = score;
        }
      });
      var values = { correct: best.correct, total: total };
      var passed = best.answered >= total && best.correct >= passMark(total);
      row.dataset.correct = String(best.correct);
      row.dataset.passed = passed ? "yes" : "no";
      if (best.answered === 0) {
        quizCell.textContent = text.notStarted;
      } else if (best.answered < total) {
        quizCell.textContent = format(text.inProgress, values);
      } else {
        quizCell.textContent = format(passed ? text.passed : text.failed, values);
      }
    });
  }

  function resetProgress(container) {
    try {
      window.localStorage.removeItem(READ_KEY);
      container.querySelectorAll("tbody tr[data-pages]").forEach(function (row) {
        row.getAttribute("data-pages").split(/\s+/).forEach(function (href) {
          if (href) window.localStorage.removeItem(QUIZ_PREFIX + pathnameOf(href));
        });
      });
    } catch (error) {
      /* storage disabled: nothing was kept */
    }
    fillProgressTable(container);
  }

  function setUpProgressTables() {
    document.querySelectorAll(".aimed-progress").forEach(function (container) {
      var table = container.querySelector("table");
      var reset = container.querySelector(".aimed-progress__reset");
      var notice = container.querySelector(".aimed-progress__nojs");
      if (!table || !reset) return;
      fillProgressTable(container);
      if (!reset.dataset.aimedBound) {
        reset.addEventListener("click", function () {
          resetProgress(container);
        });
        reset.dataset.aimedBound = "1";
      }
      table.hidden = false;
      reset.hidden = false;
      if (notice) notice.hidden = true;
    });
  }

  function start() {
    setUpReadControls();
    setUpProgressTables();
  }

  // Works with and without material's instant navigation.
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(start);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
  // Another tab (e.g. a quiz answered elsewhere) changed the stored progress.
  window.addEventListener("storage", setUpProgressTables);
})();
