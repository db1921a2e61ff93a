/*
 * The course inside an institution's LMS, through SCORM 1.2. Inert on the web.
 *
 * The SCORM package (site/scorm.py) opens "aimed-launch.html", the only page that talks to the
 * LMS: it finds the LMS's API (window.parent, then window.opener, and their parents), calls
 * LMSInitialize once, and shows the course's pages in a frame below it. The pages keep their
 * progress in localStorage as on the web (progress.js, record.js, mkdocs-quiz); the launch page
 * sees every change (the "storage" event of a same-origin document) and sends it on:
 *
 * - cmi.suspend_data: the modules read, quiz answers, the dates a quiz was passed, the final
 *   assessment's best result, its attempt in progress and past attempts (assessment.js), the
 *   automation-bias check's two attempts (bias-check.js), and the name on the record,
 *   encoded compactly (at most 4,096 characters: if more, the oldest attempts are left out,
 *   then the quiz answers of pages other than the final assessment, then the name); it is
 *   written back to this browser's storage when the course is launched again, on any device,
 *   and replaces what another learner left in this browser;
 * - cmi.core.lesson_status: passed or failed once the final assessment is taken, else completed
 *   when every module is read, else incomplete; cmi.core.score.raw/min/max: the assessment's
 *   best result in percent;
 * - cmi.core.lesson_location: the page open, where the next launch starts;
 * then LMSCommit. Leaving (the LMS closes the frame or the window) sends the time spent and
 * LMSFinish. Without an API the launch page simply opens the course. In the launch page's
 * frame, links to other hosts (sandbox, exercises) open in a new tab.
 */
(function () {
  "use strict";

  var root = document.documentElement;
  var start = root.getAttribute("data-aimed-scorm-launch");
  if (!start) {
    // A course page. Inside the launch page's frame, a link to another host (the sandbox, the
    // exercise server, a source) opens in a new tab, so the LMS's frame keeps the course.
    var launched = false;
    try {
      launched = window.parent !== window && Boolean(window.parent.aimedScorm);
    } catch (error) {
      launched = false; // a parent of another origin: not our launch page
    }
    if (!launched) return;
    document.querySelectorAll("a[href]").forEach(function (link) {
      if (link.origin && link.origin !== window.location.origin &&
          /^https?:$/.test(link.protocol)) {
        link.target = "_blank";
        link.rel = "noopener";
      }
    });
    return;
  }

  var KEYS = { read: "aimed_course_read", dates: "aimed_quiz_dates",
               results: "aimed_assessment_results", name: "aimed_record_name",
               current: "aimed_assessment_current", history: "aimed_assessment_history",
               bias: "aimed_bias_check" };
  var QUIZ_PREFIX = "quiz_progress_";
  var LIMIT = 4096; // SCORM 1.2's CMIString4096
  var FORMAT = "a1"; // the suspend data's own version, first field
  var modules = (root.getAttribute("data-aimed-modules") || "").split(/\s+/).filter(Boolean);
  var assessment = root.getAttribute("data-aimed-assessment") || "final";
  var assessmentPage = root.getAttribute("data-aimed-assessment-pages") || "";
  var base = new URL(".", window.location.href).pathname; // the package's root folder

  // ------------------------------------------------------------ the LMS's API

  function findAPI() {
    function climb(win) {
      for (var hops = 0; win && hops < 10; hops += 1) {
        try {
          if (win.API && typeof win.API.LMSInitialize === "function") return win.API;
        } catch (error) {
          /* another origin: no API reachable there */
        }
        if (!win.parent || win.parent === win) break;
        win = win.parent;
      }
      return null;
    }
    return (window.parent !== window && climb(window.parent)) ||
      (window.opener && climb(window.opener)) || null;
  }

  var api = findAPI();

  function get(name) {
    try {
      return String(api.LMSGetValue(name) || "");
    } catch (error) {
      return "";
    }
  }

  function set(name, value) {
    try {
      return String(api.LMSSetValue(name, String(value))) === "true";
    } catch (error) {
      return false;
    }
  }

  // ------------------------------------------------------------ this browser's storage

  function storage() {
    try {
      return window.localStorage;
    } catch (error) {
      return null;
    }
  }

  function readJSON(key) {
    try {
      var value = JSON.parse(storage().getItem(key) || "null");
      return value && typeof value === "object" && !Array.isArray(value) ? value : {};
    } catch (error) {
      return {};
    }
  }

  function write(key, value) {
    try {
      storage().setItem(key, typeof value === "string" ? value : JSON.stringify(value));
    } catch (error) {
      /* storage disabled or full: the pages work without it */
    }
  }

  // The course's keys in this browser: ours and the quiz answers of this package's pages.
  function courseKeys() {
    var store = storage();
    // The trainer's file attached on the record page is cleared at launch, never sent.
    var keys = [KEYS.read, KEYS.dates, KEYS.results, KEYS.name, "aimed_record_attachment",
                KEYS.current, KEYS.history, KEYS.bias];
    if (!store) return keys;
    for (var i = 0; i < store.length; i += 1) {
      var key = store.key(i);
      if (key && key.indexOf(QUIZ_PREFIX + base) === 0) keys.push(key);
    }
    return keys;
  }

  // ------------------------------------------------------------ compact encoding

  // Dates to the minute, in base 36 (7 characters instead of 24).
  function packDate(iso) {
    var time = Date.parse(iso);
    return isNaN(time) ? "" : Math.floor(time / 60000).toString(36);
  }

  function unpackDate(text) {
    var minutes = parseInt(text, 36);
    return isNaN(minutes) ? null : new Date(minutes * 60000).toISOString();
  }

  // A module's slug as its number in the course ("3"), or itself if the course lacks it.
  function packModule(slug) {
    var index = modules.indexOf(slug);
    return index < 0 ? slug : String(index);
  }

  function unpackModule(key) {
    return /^\d+$/.test(key) && modules[Number(key)] ? modules[Number(key)] : key;
  }

  function packDates(map) {
    var out = {};
    Object.keys(map).forEach(function (slug) {
      var day = packDate(map[slug]);
      if (day) out[packModule(slug)] = day;
    });
    return out;
  }

  function unpackDates(map) {
    var out = {};
    Object.keys(map || {}).forEach(function (key) {
      var day = typeof map[key] === "string" ? unpackDate(map[key]) : null;
      if (day) out[unpackModule(key)] = day;
    });
    return out;
  }

  // A page's answers: "quiz-N" -> [N, correct (1/0), chosen values...]; other ids kept whole.
  function packAnswers(answers) {
    var out = [];
    Object.keys(answers).forEach(function (id) {
      var answer = answers[id];
      if (!answer || !answer.answered) return;
      var number = /^quiz-(\d+)$/.exec(id);
      var chosen = Array.isArray(answer.selectedValues) ? answer.selectedValues.map(String) : [];
      out.push([number ? Number(number[1]) : id, answer.correct ? 1 : 0].concat(chosen));
    });
    return out;
  }

  function unpackAnswers(list) {
    var out = {};
    (Array.isArray(list) ? list : []).forEach(function (entry) {
      if (!Array.isArray(entry) || entry.length < 2) return;
      var id = typeof entry[0] === "number" ? "quiz-" + entry[0] : String(entry[0]);
      out[id] = { answered: true, correct: entry[1] === 1,
                  selectedValues: entry.slice(2).map(String) };
    });
    return out;
  }

  // Everything the course keeps, from this browser's storage.
  function collect() {
    var state = { read: readJSON(KEYS.read), dates: readJSON(KEYS.dates),
                  results: readJSON(KEYS.results), name: "", pages: {},
                  attempts: { current: readJSON(KEYS.current), history: readJSON(KEYS.history) },
                  bias: readJSON(KEYS.bias) };
    var store = storage();
    if (!store) return state;
    state.name = store.getItem(KEYS.name) || "";
    courseKeys().forEach(function (key) {
      if (key.indexOf(QUIZ_PREFIX) !== 0) return;
      var answers = packAnswers(readJSON(key));
      if (answers.length) state.pages[key.slice((QUIZ_PREFIX + base).length)] = answers;
    });
    return state;
  }

  function encode(state) {
    var results = {};
    Object.keys(state.results).forEach(function (name) {
      var r = state.results[name];
      if (!r || typeof r.correct !== "number" || typeof r.total !== "number") return;
      results[name] = [r.correct, r.total, r.pass, r.attempts || 1, packDate(r.date)];
    });
    var data = [FORMAT, packDates(state.read), packDates(state.dates), results, state.name,
                state.pages, packAttempts(state.attempts), packBias(state.bias)];
    var text = JSON.stringify(data);
    // Too long: the oldest attempts go first (the best result stays in data[3]).
    var kept = data[6].history;
    Object.keys(kept).forEach(function (name) {
      while (text.length > LIMIT && Array.isArray(kept[name]) && kept[name].length > 1) {
        kept[name].shift();
        text = JSON.stringify(data);
      }
    });
    // Too long: the answers of pages other than the final assessment go first, then the name.
    var pages = Object.keys(state.pages).filter(function (page) {
      return assessmentPage.split(" ").indexOf(page) < 0;
    });
    while (text.length > LIMIT && pages.length) {
      delete data[5][pages.pop()];
      text = JSON.stringify(data);
    }
    if (text.length > LIMIT) {
      data[4] = "";
      text = JSON.stringify(data);
    }
    return text.length > LIMIT ? JSON.stringify([FORMAT, data[1], data[2], data[3], "", {}]) : text;
  }

  // The final assessment's attempt in progress and its past attempts (assessment.js), dates
  // packed; assessment.js checks them again when it reads them.
  function packAttempts(attempts) {
    var out = { current: {}, history: {} };
    Object.keys(attempts.current).forEach(function (name) {
      var a = attempts.current[name];
      if (!a || typeof a !== "object" || typeof a.draw !== "string") return;
      out.current[name] = [a.id, a.seed, a.bank, packDate(a.started), a.draw, a.answers,
                           a.submitted ? packDate(a.submitted) : "", a.correct];
    });
    Object.keys(attempts.history).forEach(function (name) {
      var list = attempts.history[name];
      if (!Array.isArray(list)) return;
      out.history[name] = list.filter(function (e) {
        return e && typeof e.correct === "number";
      }).map(function (e) {
        return [e.correct, e.total, e.pass, packDate(e.date), e.draw, e.version, e.built];
      });
    });
    return out;
  }

  // The automation-bias check's attempts (bias-check.js): per stage [series, started,
  // submitted or "", answers as one letter per case (c, p or -), commission, omission, right].
  function packBias(bias) {
    var out = {};
    ["before", "after"].forEach(function (stage) {
      var a = bias[stage];
      if (!a || typeof a !== "object" || !a.answers || typeof a.answers !== "object") return;
      var letters = "";
      for (var n = 1; n <= 40; n += 1) {
        var answer = a.answers[String(n)];
        letters += answer === "clear" ? "c" : answer === "problem" ? "p" : "-";
      }
      out[stage] = [a.series, packDate(a.started), a.submitted ? packDate(a.submitted) : "",
                    letters.replace(/-+$/, ""), a.commission, a.omission, a.correct];
    });
    return out;
  }

  function unpackBias(data) {
    var out = {};
    var given = data && typeof data === "object" && !Array.isArray(data) ? data : {};
    ["before", "after"].forEach(function (stage) {
      var a = given[stage];
      if (!Array.isArray(a) || typeof a[0] !== "number" || typeof a[3] !== "string") return;
      var answers = {};
      a[3].slice(0, 40).split("").forEach(function (letter, i) {
        if (letter === "c" || letter === "p") {
          answers[String(i + 1)] = letter === "c" ? "clear" : "problem";
        }
      });
      out[stage] = { series: a[0], started: unpackDate(a[1]) || new Date().toISOString(),
                     submitted: a[2] ? unpackDate(a[2]) || "" : "", answers: answers,
                     commission: a[4], omission: a[5], correct: a[6] };
    });
    if (Object.keys(out).length) write(KEYS.bias, out);
  }

  function unpackAttempts(data) {
    var current = {};
    var history = {};
    var given = data && typeof data === "object" ? data : {};
    var stored = given.current && typeof given.current === "object" ? given.current : {};
    Object.keys(stored).forEach(function (name) {
      var a = stored[name];
      if (!Array.isArray(a) || typeof a[0] !== "string" || typeof a[4] !== "string" ||
          !Array.isArray(a[5])) return;
      current[name] = { id: a[0], seed: Number(a[1]) >>> 0, bank: String(a[2]),
                        started: unpackDate(a[3]) || new Date().toISOString(), draw: a[4],
                        answers: a[5].map(String), submitted: a[6] ? unpackDate(a[6]) || "" : "",
                        correct: typeof a[7] === "number" ? a[7] : undefined };
    });
    var past = given.history && typeof given.history === "object" ? given.history : {};
    Object.keys(past).forEach(function (name) {
      if (!Array.isArray(past[name])) return;
      history[name] = past[name].filter(function (e) {
        return Array.isArray(e) && typeof e[0] === "number" && typeof e[1] === "number" && e[1];
      }).map(function (e) {
        return { correct: e[0], total: e[1], pass: e[2], passed: e[0] >= e[2],
                 date: unpackDate(e[3]) || new Date().toISOString(), draw: String(e[4] || ""),
                 version: String(e[5] || ""), built: String(e[6] || "") };
      });
    });
    if (Object.keys(current).length) write(KEYS.current, current);
    if (Object.keys(history).length) write(KEYS.history, history);
  }

  // The suspend data back into storage; anything malformed is dropped, never trusted.
  function restore(text) {
    var data;
    try {
      data = JSON.parse(text);
    } catch (error) {
      data = null;
    }
    if (!Array.isArray(data) || data[0] !== FORMAT) data = [FORMAT, {}, {}, {}, "", {}];
    courseKeys().forEach(function (key) {
      try {
        storage().removeItem(key);
      } catch (error) {
        /* storage disabled */
      }
    });
    var read = unpackDates(data[1]);
    var dates = unpackDates(data[2]);
    if (Object.keys(read).length) write(KEYS.read, read);
    if (Object.keys(dates).length) write(KEYS.dates, dates);
    var results = {};
    var stored = data[3] && typeof data[3] === "object" ? data[3] : {};
    Object.keys(stored).forEach(function (name) {
      var r = stored[name];
      if (!Array.isArray(r) || typeof r[0] !== "number" || typeof r[1] !== "number" || !r[1]) {
        return;
      }
      results[name] = { correct: r[0], total: r[1], pass: r[2], passed: r[0] >= r[2],
                        attempts: r[3] || 1, date: unpackDate(r[4]) || new Date().toISOString() };
    });
    if (Object.keys(results).length) write(KEYS.results, results);
    if (typeof data[4] === "string" && data[4]) write(KEYS.name, data[4].slice(0, 120));
    var pages = data[5] && typeof data[5] === "object" ? data[5] : {};
    Object.keys(pages).forEach(function (page) {
      if (!/^[\w\-./]+\.html$/.test(page) || page.indexOf("..") >= 0) return;
      var answers = unpackAnswers(pages[page]);
      if (Object.keys(answers).length) write(QUIZ_PREFIX + base + page, answers);
    });
    unpackAttempts(data[6]);
    unpackBias(data[7]);
  }

  // ------------------------------------------------------------ what the LMS is told

  function status(state) {
    var result = state.results[assessment];
    if (result && typeof result.correct === "number" && result.total > 0) {
      return result.correct >= result.pass ? "passed" : "failed";
    }
    var all = modules.length > 0 && modules.every(function (slug) { return state.read[slug]; });
    return all ? "completed" : "incomplete";
  }

  var sent = { suspend: null, status: null, score: null, location: null };

  function sync() {
    if (!api || finished) return;
    var state = collect();
    var changed = false;
    var suspend = encode(state);
    if (suspend !== sent.suspend && set("cmi.suspend_data", suspend)) {
      sent.suspend = suspend;
      changed = true;
    }
    var result = state.results[assessment];
    if (result && typeof result.correct === "number" && result.total > 0) {
      var score = String(Math.round((100 * result.correct) / result.total));
      if (score !== sent.score) {
        set("cmi.core.score.min", "0");
        set("cmi.core.score.max", "100");
        if (set("cmi.core.score.raw", score)) sent.score = score;
        changed = true;
      }
    }
    var now = status(state);
    if (now !== sent.status && set("cmi.core.lesson_status", now)) {
      sent.status = now;
      changed = true;
    }
    var location = currentPage();
    if (location && location !== sent.location && location.length <= 255 &&
        set("cmi.core.lesson_location", location)) {
      sent.location = location;
      changed = true;
    }
    if (changed) api.LMSCommit("");
  }

  var timer = null;

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(sync, 300);
  }

  // ------------------------------------------------------------ the course's frame

  var frame = null;

  // The page open in the frame, from the package's root ("modules/x.html"), if it is one.
  function currentPage() {
    try {
      var path = frame.contentWindow.location.pathname;
      return path.indexOf(base) === 0 ? path.slice(base.length) : "";
    } catch (error) {
      return "";
    }
  }

  function safePage(page) {
    return /^[\w\-./]+\.html$/.test(page) && page.indexOf("..") < 0 ? page : "";
  }

  function openCourse(page) {
    var opening = document.querySelector(".aimed-scorm-opening");
    if (opening) opening.remove();
    frame = document.createElement("iframe");
    frame.title = document.title;
    frame.src = page;
    frame.addEventListener("load", function () {
      try {
        document.title = frame.contentDocument.title || document.title;
      } catch (error) {
        /* a page of another origin: the LMS's title stays */
      }
      later();
    });
    document.body.appendChild(frame);
  }

  var began = Date.now();
  var finished = false;

  function sessionTime() {
    var seconds = Math.floor((Date.now() - began) / 1000);
    var hours = Math.floor(seconds / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return (hours < 1000 ? ("000" + hours).slice(-4) : String(hours)) + ":" + two(minutes) +
      ":" + two(seconds % 60);
  }

  function finish() {
    if (!api || finished) return;
    window.clearTimeout(timer);
    sync();
    finished = true;
    set("cmi.core.session_time", sessionTime());
    set("cmi.core.exit", sent.status === "passed" ? "" : "suspend");
    try {
      api.LMSCommit("");
      api.LMSFinish("");
    } catch (error) {
      /* the LMS has already gone */
    }
  }

  function begin() {
    if (!api || String(api.LMSInitialize("")) !== "true") {
      api = null;
      window.location.replace(start); // no LMS: the course as on the web
      return;
    }
    restore(get("cmi.suspend_data"));
    var lmsName = get("cmi.core.student_name");
    if (lmsName && storage() && !storage().getItem(KEYS.name)) {
      // SCORM 1.2 gives "Last, First": the record prints "First Last".
      var parts = lmsName.split(",");
      var name = parts.length === 2 ? parts[1].trim() + " " + parts[0].trim() : lmsName.trim();
      write(KEYS.name, name.replace(/[\u0000-\u001f\u007f]/g, " ").slice(0, 120));
    }
    sent.suspend = get("cmi.suspend_data");
    if (get("cmi.core.lesson_status") === "not attempted") {
      set("cmi.core.lesson_status", "incomplete");
    }
    window.addEventListener("storage", later);
    window.addEventListener("pagehide", finish);
    window.addEventListener("beforeunload", finish);
    window.aimedScorm = { sync: sync, finish: finish }; // for the pages and the tests
    openCourse(safePage(get("cmi.core.lesson_location")) || start);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", begin);
  } else {
    begin();
  }
})();
