/*
 * Course progress, kept in this browser only (localStorage); nothing is sent anywhere.
 *
 * - Module pages carry a hidden ".aimed-read" block (rendered by hooks/course_features.py from
 *   the page's front matter): it is shown here and its checkbox records the module as read.
 * - Quiz answers are stored by mkdocs-quiz under "quiz_progress_<pathname>" as
 *   {"quiz-0": {"answered": true, "correct": false, ...}, ...}; we only read them.
 * - The date a module's quiz is first passed is kept under "aimed_quiz_dates" (mkdocs-quiz keeps
 *   no dates); it is noted on the module page, when the quiz is answered.
 * - The final assessment's best result is kept under "aimed_assessment_results" by assessment.js
 *   (through recordAssessment below), its attempts under ATTEMPT_KEYS; the name typed on the
 *   record page under "aimed_record_name".
 * - The home page's ".aimed-progress" table lists modules; each row names the module's pages
 *   in both languages (data-pages, relative links) and its number of questions (data-quizzes).
 *   A module is read if marked in either language; its quiz score is the better of the two;
 *   a quiz is passed with every question answered and two thirds right (see passMark). The
 *   table's last row is the final assessment (data-assessment, with its own pass mark).
 * - "Reset" removes our keys and the quiz keys of the listed pages, nothing else.
 * - window.aimedProgress gives record.js the same reading of the storage.
 */
(function () {
  "use strict";

  var READ_KEY = "aimed_course_read"; // {"<module>": "<ISO date>"}
  var QUIZ_DATES_KEY = "aimed_quiz_dates"; // {"<module>": "<ISO date the quiz was first passed>"}
  var ASSESSMENT_KEY = "aimed_assessment_results"; // {"<assessment>": best result, see below}
  var NAME_KEY = "aimed_record_name"; // the learner's name, typed on the record page
  // The trainer's file attached on the record page: {file, issuer, date, kind} read from it.
  var ATTACHMENT_KEY = "aimed_record_attachment";
  // The final assessment's attempt in progress and every attempt (assessment.js), and the
  // automation-bias check's two attempts (bias-check.js).
  var ATTEMPT_KEYS = ["aimed_assessment_current", "aimed_assessment_history", "aimed_bias_check"];
  var QUIZ_PREFIX = "quiz_progress_";
  var LOCALES = { en: "en-GB", fr: "fr-FR" };
  var TEXT = {
    en: { yes: "Yes", no: "Not yet", notStarted: "not started", none: "—",
          inProgress: "in progress: {correct} of {total} correct",
          passed: "{correct} of {total} correct: passed",
          failed: "{correct} of {total} correct: not passed",
          readOn: "read on {date}", quizPassedOn: "quiz passed on {date}",
          notTaken: "not taken yet",
          assessmentPassed: "{correct} of {total} correct: passed",
          assessmentFailed: "{correct} of {total} correct: not passed",
          passedOn: "passed on {date}", takenOn: "taken on {date}" },
    fr: { yes: "Oui", no: "Pas encore", notStarted: "pas commencé", none: "—",
          inProgress: "en cours : {correct} sur {total} justes",
          passed: "{correct} sur {total} justes : réussi",
          failed: "{correct} sur {total} justes : non réussi",
          readOn: "lu le {date}", quizPassedOn: "quiz réussi le {date}",
          notTaken: "pas encore passée",
          assessmentPassed: "{correct} sur {total} justes : réussie",
          assessmentFailed: "{correct} sur {total} justes : non réussie",
          passedOn: "réussie le {date}", takenOn: "passée le {date}" },
  };

  function language() {
    var lang = (document.documentElement.getAttribute("lang") || "en").slice(0, 2);
    return TEXT[lang] ? lang : "en";
  }

  function words() {
    return TEXT[language()];
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

  function save(key, value) {
    try {
      window.localStorage.setItem(key, JSON.stringify(value));
    } catch (error) {
      /* storage disabled or full: the control simply does not persist */
    }
  }

  function remove(key) {
    try {
      window.localStorage.removeItem(key);
    } catch (error) {
      /* storage disabled: nothing was kept */
    }
  }

  function readModules() {
    return load(READ_KEY, {});
  }

  function quizDates() {
    return load(QUIZ_DATES_KEY, {});
  }

  function assessmentResults() {
    return load(ASSESSMENT_KEY, {});
  }

  function setRead(module, isRead) {
    var read = readModules();
    if (isRead) {
      read[module] = new Date().toISOString();
    } else {
      delete read[module];
    }
    save(READ_KEY, read);
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

  // A stored ISO date as the reader of the page's language writes it ("" if it is not one).
  function formatDate(iso) {
    var day = new Date(iso);
    if (typeof iso !== "string" || isNaN(day.getTime())) return "";
    return new Intl.DateTimeFormat(LOCALES[language()], {
      day: "numeric", month: "long", year: "numeric",
    }).format(day);
  }

  // The better score of a module's pages (one per language): data-pages of its row.
  function bestScore(row) {
    var best = { answered: 0, correct: 0 };
    (row.getAttribute("data-pages") || "").split(/\s+/).forEach(function (href) {
      if (!href) return;
      var score = quizScore(pathnameOf(href));
      if (score.correct > best.correct ||
          (score.correct === best.correct && score.answered > best.answered)) {
        best = score;
      }
    });
    return best;
  }

  // What a module row says about its quiz: {status: "none"|"notStarted"|..., text, passed}.
  function moduleQuiz(row) {
    var text = words();
    var total = parseInt(row.getAttribute("data-quizzes"), 10) || 0;
    if (total === 0) return { status: "none", text: text.none, passed: false, correct: 0 };
    var best = bestScore(row);
    var values = { correct: best.correct, total: total };
    var passed = best.answered >= total && best.correct >= passMark(total);
    var status = best.answered === 0 ? "notStarted"
      : best.answered < total ? "inProgress" : passed ? "passed" : "failed";
    return {
      status: status,
      text: status === "notStarted" ? text.notStarted : format(text[status], values),
      passed: passed,
      correct: best.correct,
      answered: best.answered,
    };
  }

  // The best result of an assessment: passed beats not passed, then the higher share right;
  // a tie keeps the earlier date. Every submission counts as an attempt.
  function recordAssessment(name, correct, total, pass) {
    var results = assessmentResults();
    var before = results[name];
    var now = {
      correct: correct, total: total, pass: pass, passed: correct >= pass,
      date: new Date().toISOString(),
      attempts: (before && before.attempts ? before.attempts : 0) + 1,
    };
    var better = !before || typeof before.correct !== "number" || !before.total ||
      (now.passed && !before.passed) ||
      (now.passed === Boolean(before.passed) && correct / total > before.correct / before.total);
    if (!better) {
      before.attempts = now.attempts;
      now = before;
    }
    results[name] = now;
    save(ASSESSMENT_KEY, results);
    return now;
  }

  function assessmentResult(name) {
    var result = assessmentResults()[name];
    var valid = result && typeof result.correct === "number" && typeof result.total === "number" &&
      result.total > 0;
    return valid ? result : null;
  }

  // On a module page: note the day its quiz is first passed (kept even if it is reset later).
  function notePassedQuiz() {
    var block = document.querySelector(".aimed-read[data-module]");
    var total = document.querySelectorAll(".quiz").length;
    if (!block || total === 0) return;
    var module = block.getAttribute("data-module");
    var score = quizScore(window.location.pathname);
    var dates = quizDates();
    if (score.answered >= total && score.correct >= passMark(total) && !dates[module]) {
      dates[module] = new Date().toISOString();
      save(QUIZ_DATES_KEY, dates);
    }
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

  function fillAssessmentRow(row) {
    var text = words();
    var result = assessmentResult(row.getAttribute("data-assessment"));
    var quizCell = row.querySelector(".aimed-progress__quiz");
    var datesCell = row.querySelector(".aimed-progress__dates");
    row.dataset.passed = result && result.passed ? "yes" : "no";
    if (!result) {
      quizCell.textContent = text.notTaken;
      if (datesCell) datesCell.textContent = "";
      return;
    }
    var values = { correct: result.correct, total: result.total };
    quizCell.textContent = format(result.passed ? text.assessmentPassed : text.assessmentFailed,
                                  values);
    var day = formatDate(result.date);
    if (datesCell) {
      datesCell.textContent = day ? format(result.passed ? text.passedOn : text.takenOn,
                                           { date: day }) : "";
    }
  }

  function fillProgressTable(container) {
    var text = words();
    var read = readModules();
    var dates = quizDates();
    container.querySelectorAll("tbody tr[data-module]").forEach(function (row) {
      var module = row.getAttribute("data-module");
      var readCell = row.querySelector(".aimed-progress__read");
      var quizCell = row.querySelector(".aimed-progress__quiz");
      var datesCell = row.querySelector(".aimed-progress__dates");
      var isRead = Boolean(read[module]);
      readCell.textContent = isRead ? text.yes : text.no;
      row.dataset.read = isRead ? "yes" : "no";
      var quiz = moduleQuiz(row);
      quizCell.textContent = quiz.text;
      if (quiz.status !== "none") {
        row.dataset.correct = String(quiz.correct);
        row.dataset.passed = quiz.passed ? "yes" : "no";
      }
      if (!datesCell) return;
      var parts = [];
      var readDay = isRead ? formatDate(read[module]) : "";
      var passedDay = quiz.passed ? formatDate(dates[module]) : "";
      if (readDay) parts.push(format(text.readOn, { date: readDay }));
      if (passedDay) parts.push(format(text.quizPassedOn, { date: passedDay }));
      datesCell.textContent = parts.join("; ");
    });
    container.querySelectorAll("tbody tr[data-assessment]").forEach(fillAssessmentRow);
  }

  // Everything this course keeps in the browser, and nothing else: our keys and the quiz
  // answers of the listed pages (another course's quiz keys on the same host are kept).
  function resetProgress(container) {
    [READ_KEY, QUIZ_DATES_KEY, ASSESSMENT_KEY, NAME_KEY, ATTACHMENT_KEY].concat(
      ATTEMPT_KEYS).forEach(remove);
    container.querySelectorAll("tbody tr[data-pages]").forEach(function (row) {
      row.getAttribute("data-pages").split(/\s+/).forEach(function (href) {
        if (href) remove(QUIZ_PREFIX + pathnameOf(href));
      });
    });
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

  // Run ``start`` on every page shown: at load, and after each page change of material's
  // instant navigation where it is on. The scripts after this one use it too.
  function onPage(start) {
    if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
      window.document$.subscribe(start);
    } else if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", start);
    } else {
      start();
    }
  }

  window.aimedProgress = {
    onPage: onPage,
    language: language,
    load: load,
    save: save,
    remove: remove,
    format: format,
    formatDate: formatDate,
    pathnameOf: pathnameOf,
    quizScore: quizScore,
    readModules: readModules,
    quizDates: quizDates,
    moduleQuiz: moduleQuiz,
    assessmentResult: assessmentResult,
    recordAssessment: recordAssessment,
    QUIZ_PREFIX: QUIZ_PREFIX,
    NAME_KEY: NAME_KEY,
    ATTACHMENT_KEY: ATTACHMENT_KEY,
  };

  function start() {
    setUpReadControls();
    notePassedQuiz();
    setUpProgressTables();
  }

  onPage(start);
  // mkdocs-quiz reports every answer on this page: a quiz may just have been passed.
  window.addEventListener("quizProgressUpdate", notePassedQuiz);
  // Another tab (e.g. a quiz answered elsewhere) changed the stored progress.
  window.addEventListener("storage", setUpProgressTables);
})();
