/*
 * The automation-bias check, taken before module 7 and at the end of the course. Nothing is
 * sent anywhere (inside an LMS, scorm.js forwards the storage).
 *
 * The page (site/hooks/course_bias_check.py) holds one series of the course's pair, drawn at
 * build time by the core engine; its ".aimed-bias-check" block carries the stage ("before" or
 * "after"), the series number and, masked in data-key (course_record.encode_key: a static page
 * cannot hide it, the page says so), each case's condition, right answer and AI suggestion.
 *
 * - Every choice is kept at once under "aimed_bias_check" ({before: attempt, after: attempt});
 *   a reload or the other language's page shows the same answers.
 * - "See my result" with every case answered tallies as aimed.engines.automation_bias.score
 *   does: commission = wrong suggestions followed, over the wrong suggestions; omission =
 *   problems answered "clear" when the AI was silent, over the silent cases with a problem;
 *   right answers over all cases. The result is kept with its date, and the record (record.js)
 *   shows both stages and their difference. Once submitted, an attempt is final: the cases
 *   then show the right answer and the rule's result.
 */
(function () {
  "use strict";

  var KEY = "aimed_bias_check";
  var SALT = "aimed-assessment"; // course_record.KEY_SALT
  var STAGES = ["before", "after"];
  var progress = window.aimedProgress;

  function decodeKey(encoded) {
    try {
      var binary = atob(encoded);
      var bytes = new Uint8Array(binary.length);
      for (var i = 0; i < binary.length; i += 1) {
        bytes[i] = binary.charCodeAt(i) ^ SALT.charCodeAt(i % SALT.length);
      }
      var data = JSON.parse(new TextDecoder().decode(bytes));
      return data && typeof data === "object" ? data : null;
    } catch (error) {
      return null;
    }
  }

  function loadAll() {
    return progress.load(KEY, {});
  }

  // A stored attempt, if it is one: answers by case number, tallies as [hits, total].
  function storedAttempt(stage) {
    var attempt = loadAll()[stage];
    if (!attempt || typeof attempt !== "object" || typeof attempt.answers !== "object" ||
        !attempt.answers || Array.isArray(attempt.answers)) return null;
    return attempt;
  }

  function saveAttempt(stage, attempt) {
    var all = loadAll();
    all[stage] = attempt;
    progress.save(KEY, all);
  }

  // The engine's tallies (aimed.engines.automation_bias.scoring.summarise) on these answers.
  function tally(key, answers) {
    var out = { commission: [0, 0], omission: [0, 0], correct: [0, 0] };
    Object.keys(key).forEach(function (number) {
      var answer = answers[number];
      if (answer !== "clear" && answer !== "problem") return;
      var condition = key[number][0];
      var right = key[number][1];
      var suggestion = key[number][2];
      out.correct[1] += 1;
      if (answer === right) out.correct[0] += 1;
      if (condition === "ai_wrong") {
        out.commission[1] += 1;
        if (answer === suggestion) out.commission[0] += 1;
      }
      if (condition === "ai_silent" && right === "problem") {
        out.omission[1] += 1;
        if (answer !== right) out.omission[0] += 1;
      }
    });
    return out;
  }

  function validTally(pair) {
    return Array.isArray(pair) && pair.length === 2 && pair.every(function (n) {
      return typeof n === "number" && n >= 0 && Math.floor(n) === n;
    }) && pair[0] <= pair[1];
  }

  // A submitted attempt's result, checked: {date, commission, omission, correct} or null.
  function result(stage) {
    var attempt = storedAttempt(stage);
    if (!attempt || !attempt.submitted || !validTally(attempt.commission) ||
        !validTally(attempt.omission) || !validTally(attempt.correct)) return null;
    return attempt;
  }

  // "+1", "−1" (a minus sign) or "0".
  function signed(number) {
    return number > 0 ? "+" + number : number < 0 ? "\u2212" + -number : "0";
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, name) {
      return String(values[name]);
    });
  }

  function Check(block) {
    this.block = block;
    this.stage = block.getAttribute("data-stage");
    this.series = Number(block.getAttribute("data-series"));
    this.key = decodeKey(block.getAttribute("data-key") || "");
    this.texts = block.querySelector(".aimed-bias-check__texts");
    this.status = block.querySelector(".aimed-bias-check__status");
  }

  Check.prototype.attempt = function () {
    var attempt = storedAttempt(this.stage);
    if (attempt && attempt.submitted && !result(this.stage)) attempt = null; // tallies damaged
    if (attempt && attempt.series === this.series) return attempt;
    if (attempt && attempt.submitted) return attempt; // another series, kept: its result stands
    return { series: this.series, started: new Date().toISOString(), answers: {}, submitted: "" };
  };

  Check.prototype.cases = function () {
    return Array.prototype.slice.call(this.block.querySelectorAll(".aimed-bias-check__case"));
  };

  Check.prototype.showAnswers = function () {
    var attempt = this.attempt();
    var locked = Boolean(attempt.submitted);
    this.cases().forEach(function (item) {
      var chosen = attempt.answers[item.getAttribute("data-case")];
      item.querySelectorAll("input[type=radio]").forEach(function (input) {
        input.checked = input.value === chosen;
        input.disabled = locked;
      });
    });
  };

  Check.prototype.choose = function (input) {
    var attempt = this.attempt();
    if (attempt.submitted) return;
    var item = input.closest(".aimed-bias-check__case");
    attempt.answers[item.getAttribute("data-case")] = input.value;
    saveAttempt(this.stage, attempt);
  };

  Check.prototype.submit = function () {
    var self = this;
    var attempt = this.attempt();
    if (attempt.submitted) return;
    var missing = this.cases().filter(function (item) {
      var answer = attempt.answers[item.getAttribute("data-case")];
      return answer !== "clear" && answer !== "problem";
    });
    if (missing.length) {
      var message = document.createElement("p");
      message.className = "aimed-bias-check__missing";
      message.appendChild(document.createTextNode(format(
        this.status.getAttribute("data-unanswered"), { count: missing.length })));
      var link = document.createElement("a");
      link.href = "#" + missing[0].id;
      link.textContent = missing[0].querySelector("legend").textContent;
      message.appendChild(link);
      message.appendChild(document.createTextNode(")."));
      this.status.replaceChildren(message);
      this.status.focus();
      return;
    }
    var counts = tally(this.key, attempt.answers);
    attempt.submitted = new Date().toISOString();
    attempt.commission = counts.commission;
    attempt.omission = counts.omission;
    attempt.correct = counts.correct;
    saveAttempt(this.stage, attempt);
    this.status.replaceChildren();
    this.showAnswers();
    this.showResult(true);
    self.block.dataset.state = "done";
  };

  Check.prototype.showResult = function (moveFocus) {
    var self = this;
    var attempt = this.attempt();
    var box = this.block.querySelector(".aimed-bias-check__result");
    var of = this.texts.getAttribute("data-of");
    ["commission", "omission", "correct"].forEach(function (name) {
      var cell = box.querySelector(".aimed-bias-check__" + name);
      cell.textContent = format(of, { hits: attempt[name][0], total: attempt[name][1] });
      cell.dataset.hits = String(attempt[name][0]);
      cell.dataset.total = String(attempt[name][1]);
    });
    var difference = box.querySelector(".aimed-bias-check__difference");
    var before = result("before");
    var after = result("after");
    if (before && after) {
      difference.textContent = format(difference.getAttribute("data-text"), {
        commission: signed(after.commission[0] - before.commission[0]),
        omission: signed(after.omission[0] - before.omission[0]),
      });
      difference.dataset.commission = String(after.commission[0] - before.commission[0]);
      difference.dataset.omission = String(after.omission[0] - before.omission[0]);
    } else {
      difference.textContent = difference.getAttribute("data-missing");
    }
    // Each case: the learner's answer, then the right one with the rule's result.
    if (attempt.series === this.series) {
      this.cases().forEach(function (item) {
        var number = item.getAttribute("data-case");
        var entry = self.key[number];
        var feedback = item.querySelector(".aimed-bias-check__feedback");
        if (!entry || !feedback) return;
        var chosen = item.querySelector("input[value=\"" + attempt.answers[number] + "\"]");
        var yours = chosen ? chosen.parentNode.textContent.trim() : "";
        feedback.textContent = format(self.texts.getAttribute("data-yours"), { answer: yours }) +
          " " + format(self.texts.getAttribute("data-right"), { answer: entry[3], rule: entry[4] });
        feedback.dataset.right = attempt.answers[number] === entry[1] ? "yes" : "no";
        feedback.hidden = false;
      });
    }
    this.block.querySelector(".aimed-bias-check__submit").hidden = true;
    box.hidden = false;
    this.block.dataset.state = "done";
    if (moveFocus) box.querySelector("h2").focus();
  };

  Check.prototype.start = function () {
    var self = this;
    this.showAnswers();
    this.block.addEventListener("change", function (event) {
      if (event.target.type === "radio") self.choose(event.target);
    });
    this.block.querySelector(".aimed-bias-check__submit").addEventListener("click", function () {
      self.submit();
    });
    window.addEventListener("storage", function (event) {
      if (event.key !== KEY && event.key !== null) return;
      self.showAnswers();
      if (self.attempt().submitted) self.showResult(false);
    });
    var notice = document.querySelector(".aimed-bias-check__nojs");
    if (notice) notice.hidden = true;
    this.block.hidden = false;
    if (this.attempt().submitted) this.showResult(false);
  };

  function start() {
    if (!progress) return;
    document.querySelectorAll(".aimed-bias-check").forEach(function (block) {
      if (block.dataset.aimedBound) return;
      var check = new Check(block);
      if (!check.key || STAGES.indexOf(check.stage) < 0) return;
      block.dataset.aimedBound = "1";
      check.start();
    });
  }

  // For record.js: the checked results of both stages.
  window.aimedBiasCheck = { KEY: KEY, STAGES: STAGES, result: result, signed: signed };

  window.aimedProgress.onPage(start);
})();
