/*
 * The final assessment, drawn from a bank, kept in this browser until it is submitted.
 * Nothing is sent anywhere (inside an LMS, scorm.js forwards the storage; see there).
 *
 * The page (rendered by hooks/course_record.py) holds every version of every situation as
 * mkdocs-quiz 1.7.1 renders a quiz ("quiz-<n>", options input[name=answer][value=<source
 * index>]); its ".aimed-assessment" block carries the bank (data-bank: situations, the quiz
 * numbers of their versions, the modules' titles and links), the key (data-key, masked: a
 * static page cannot hide it, the page says so) and the course's version and build date.
 * mkdocs-quiz never grades here: its per-question submit is blocked and its storage unused.
 *
 * - An attempt draws one version of each situation and shuffles its options, both from a seed
 *   kept with the attempt, so a reload shows the same attempt; the next attempt prefers the
 *   versions the last one did not show, then the least shown.
 * - The attempt ("aimed_assessment_current": {<assessment>: attempt}) names versions and
 *   options by identity (situation order of the bank, version letter, option value), never by
 *   text: the English and French pages are the same attempt. Every choice is saved at once;
 *   another tab on the same attempt follows through the "storage" event.
 * - "Submit my answers" scores the attempt, adds it to "aimed_assessment_history" (date,
 *   score, course version) and to the best result progress.js keeps. A fail names the modules
 *   to revisit, never the right option; a pass opens every explanation.
 * - Discarding an unsubmitted attempt asks first, on the page.
 * - Opened as "?check=placement" (the link on the orientation page), the page is the placement
 *   check: one situation per module, not graded, no key shown, kept under the name "placement".
 *   The placement check and the final assessment never draw a version the other has shown
 *   (where the bank has another); each attempt keeps its score per module, which the record
 *   compares (before / after).
 */
(function () {
  "use strict";

  var CURRENT_KEY = "aimed_assessment_current";
  var HISTORY_KEY = "aimed_assessment_history";
  var PLACEMENT = "placement"; // the name of the placement check's attempts
  var NOT_ASKED = "-"; // in a draw: a situation the placement check does not ask
  var HISTORY_LIMIT = 20; // attempts kept: the record lists them, the LMS's suspend data too
  var SALT = "aimed-assessment"; // course_record.KEY_SALT
  var LOCALES = { en: "en-GB", fr: "fr-FR" };
  var TEXT = {
    en: {
      unanswered: "Not answered yet: {list}. Choose an answer to every question, then press " +
        "“Submit my answers” again.",
      question: "question {n}",
      more: " and {count} more",
      score: "Your score: {correct} of {total} correct ({percent}). The pass mark is {pass}.",
      passed: "You passed the final assessment.",
      failed: "You did not reach the pass mark this time. The right answers are not shown: go " +
        "back to the modules below, then take the assessment again when you are ready; it " +
        "will give you other versions of the questions.",
      revisit: "Modules to revisit:",
      missed: "{missed} of {total} questions missed",
      explanations: "Each question now shows the right answer and its explanation.",
      best: "Your record keeps your best result: {correct} of {total} correct, on {date}.",
      right: "Correct.",
      wrong: "Not this one: the right answer is marked.",
      discard: "This discards the {count} answers you have chosen and starts a new attempt " +
        "with other questions. Discard them?",
      discardYes: "Discard and start again",
      discardNo: "Keep my answers",
      restarted: "This attempt could not be resumed (the course has changed): a new one starts.",
      placementScore: "You answered {correct} of {total} questions correctly. This check is not " +
        "graded and shows no answers: your record compares it, module by module, with your " +
        "final assessment.",
    },
    fr: {
      unanswered: "Sans réponse pour l'instant\u202f: {list}. Choisissez une réponse à chaque " +
        "question, puis appuyez de nouveau sur «\u00a0Valider mes réponses\u00a0».",
      question: "question {n}",
      more: " et {count}\u00a0autres",
      score: "Votre score\u202f: {correct} {answers} sur {total} ({percent}). Le seuil de " +
        "réussite est de {pass}.",
      passed: "Vous avez réussi l'évaluation finale.",
      failed: "Vous n'avez pas atteint le seuil de réussite cette fois. Les bonnes réponses ne " +
        "sont pas affichées\u202f: revenez aux modules ci-dessous, puis repassez l'évaluation " +
        "quand vous le souhaitez\u202f; elle vous proposera d'autres versions des questions.",
      revisit: "Modules à revoir\u202f:",
      missed: "{missed}\u00a0question{plural} manquée{plural} sur {total}",
      explanations: "Chaque question affiche maintenant la bonne réponse et son explication.",
      best: "Votre attestation conserve votre meilleur résultat\u202f: {correct} {answers} " +
        "sur {total}, le {date}.",
      right: "Bonne réponse.",
      wrong: "Ce n'est pas celle-ci\u202f: la bonne réponse est signalée.",
      discard: "Vos {count}\u00a0réponses seront effacées et une nouvelle tentative commencera, " +
        "avec d'autres questions. Les effacer\u202f?",
      discardYes: "Effacer et recommencer",
      discardNo: "Garder mes réponses",
      restarted: "Cette tentative ne peut pas être reprise (le cours a changé)\u202f: une " +
        "nouvelle commence.",
      placementScore: "Vous avez répondu juste à {correct} question{plural} sur {total}. Ce test " +
        "n'est pas noté et n'affiche aucune réponse\u202f: votre attestation le compare, module " +
        "par module, à votre évaluation finale.",
    },
  };

  var progress = window.aimedProgress;

  function lang() {
    return progress ? progress.language() : "en";
  }

  function words() {
    return TEXT[lang()] || TEXT.en;
  }

  // Fills {names}; in French {answers} agrees with {correct}, {plural} with {missed}.
  function format(template, values) {
    var all = Object.assign({
      answers: values.correct > 1 ? "bonnes réponses" : "bonne réponse",
      plural: values.missed > 1 ? "s" : "",
    }, values);
    return template.replace(/\{(\w+)\}/g, function (_, key) {
      return String(all[key]);
    });
  }

  function percent(correct, total) {
    return new Intl.NumberFormat(LOCALES[lang()], { style: "percent", maximumFractionDigits: 0 })
      .format(total ? correct / total : 0);
  }

  function paragraph(text, className) {
    var p = document.createElement("p");
    p.textContent = text;
    if (className) p.className = className;
    return p;
  }

  // ------------------------------------------------------------ seeded draws

  function hash(text) {
    var h = 2166136261;
    for (var i = 0; i < text.length; i += 1) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 16777619) >>> 0;
    }
    return h >>> 0;
  }

  // mulberry32: the same seed gives the same sequence in every browser.
  function random(seed) {
    var state = seed >>> 0;
    return function () {
      state = (state + 0x6d2b79f5) >>> 0;
      var t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  function letter(index) {
    return String.fromCharCode(97 + index);
  }

  // ------------------------------------------------------------ the page's bank and key

  function readBank(block) {
    try {
      var bank = JSON.parse(block.getAttribute("data-bank") || "{}");
      if (!Array.isArray(bank.situations) || !bank.situations.length) return null;
      bank.modules = bank.modules || {};
      // The bank's identity: its situations and their number of versions, in order.
      bank.fingerprint = hash(bank.situations.map(function (s) {
        return s.id + ":" + s.versions.length;
      }).join(" ")).toString(36);
      return bank;
    } catch (error) {
      return null;
    }
  }

  function readKey(block) {
    try {
      var bytes = atob(block.getAttribute("data-key") || "");
      var plain = new Uint8Array(bytes.length);
      for (var i = 0; i < bytes.length; i += 1) {
        plain[i] = bytes.charCodeAt(i) ^ SALT.charCodeAt(i % SALT.length);
      }
      var key = JSON.parse(new TextDecoder().decode(plain));
      return key && typeof key === "object" ? key : {};
    } catch (error) {
      return {};
    }
  }

  // ------------------------------------------------------------ storage

  function loadAll(key) {
    return progress.load(key, {});
  }

  function currentAttempt(name, bank) {
    var attempt = loadAll(CURRENT_KEY)[name];
    var valid = attempt && typeof attempt === "object" && typeof attempt.id === "string" &&
      attempt.bank === bank.fingerprint && typeof attempt.draw === "string" &&
      attempt.draw.length === bank.situations.length && Array.isArray(attempt.answers) &&
      bank.situations.every(function (s, i) {
        var v = attempt.draw.charCodeAt(i) - 97;
        return (v >= 0 && v < s.versions.length) ||
          (name === PLACEMENT && attempt.draw.charAt(i) === NOT_ASKED);
      });
    return valid ? attempt : null;
  }

  function saveAttempt(name, attempt) {
    var all = loadAll(CURRENT_KEY);
    all[name] = attempt;
    progress.save(CURRENT_KEY, all);
  }

  function history(name) {
    var list = loadAll(HISTORY_KEY)[name];
    return Array.isArray(list) ? list : [];
  }

  function addToHistory(name, entry) {
    var all = loadAll(HISTORY_KEY);
    var list = Array.isArray(all[name]) ? all[name] : [];
    list.push(entry);
    all[name] = list.slice(-HISTORY_LIMIT);
    progress.save(HISTORY_KEY, all);
  }

  // The versions the other kind of attempt has drawn (placement <-> final), per situation.
  function shownElsewhere(name, bank) {
    var other = name === PLACEMENT ? "final" : PLACEMENT;
    var draws = history(other).map(function (entry) { return entry.draw; });
    var current = loadAll(CURRENT_KEY)[other];
    if (current && current.bank === bank.fingerprint) draws.push(current.draw);
    return bank.situations.map(function (_, i) {
      return draws.filter(function (draw) { return typeof draw === "string"; })
        .map(function (draw) { return draw.charAt(i); });
    });
  }

  // A new attempt: for each situation, a version the last attempt did not show (where there is
  // one), the least shown so far, then chosen by the attempt's seed. Versions the placement
  // check showed are never drawn for the final assessment (and the other way), where the bank
  // has another. The placement check asks one situation of each module.
  function newAttempt(name, bank) {
    var seed = Math.floor(Math.random() * 4294967296) >>> 0;
    var pick = random(seed);
    var elsewhere = shownElsewhere(name, bank);
    var asked = bank.situations.map(function () { return true; });
    if (name === PLACEMENT) {
      var byModule = {};
      bank.situations.forEach(function (situation, i) {
        (byModule[situation.module] = byModule[situation.module] || []).push(i);
        asked[i] = false;
      });
      Object.keys(byModule).forEach(function (module) {
        var list = byModule[module];
        asked[list[Math.floor(pick() * list.length)]] = true;
      });
    }
    var past = history(name);
    var previous = loadAll(CURRENT_KEY)[name];
    var last = past.length ? past[past.length - 1].draw : "";
    if (previous && previous.bank === bank.fingerprint && !previous.submitted &&
        typeof previous.draw === "string") {
      last = previous.draw; // an attempt discarded before it was submitted
    }
    var draw = bank.situations.map(function (situation, i) {
      if (!asked[i]) return NOT_ASKED;
      var count = situation.versions.length;
      var all = [];
      for (var v = 0; v < count; v += 1) all.push(v);
      var fresh = all.filter(function (v) { return elsewhere[i].indexOf(letter(v)) < 0; });
      if (fresh.length) all = fresh;
      var candidates = all.filter(function (v) {
        return typeof last !== "string" || last.charAt(i) !== letter(v);
      });
      if (!candidates.length) candidates = all;
      var shown = candidates.map(function (v) {
        return past.filter(function (entry) {
          return typeof entry.draw === "string" && entry.draw.charAt(i) === letter(v);
        }).length;
      });
      var least = Math.min.apply(null, shown);
      candidates = candidates.filter(function (_, k) { return shown[k] === least; });
      return letter(candidates[Math.floor(pick() * candidates.length)]);
    }).join("");
    var attempt = {
      id: seed.toString(36) + "-" + Date.now().toString(36),
      seed: seed,
      bank: bank.fingerprint,
      started: new Date().toISOString(),
      draw: draw,
      answers: bank.situations.map(function () { return ""; }),
      submitted: "",
    };
    saveAttempt(name, attempt);
    return attempt;
  }

  // ------------------------------------------------------------ the page

  function placementMode() {
    return new URLSearchParams(window.location.search).get("check") === PLACEMENT;
  }

  function Assessment(block) {
    this.block = block;
    this.name = placementMode() ? PLACEMENT : block.getAttribute("data-assessment") || "final";
    this.bank = readBank(block);
    this.key = readKey(block);
    this.pass = parseInt(block.getAttribute("data-pass"), 10) || 0;
    this.status = block.querySelector(".aimed-assessment__status");
  }

  Assessment.prototype.quiz = function (index) {
    return document.getElementById("quiz-" + index);
  };

  // The quiz shown for situation i in this attempt.
  Assessment.prototype.drawn = function (i) {
    var situation = this.bank.situations[i];
    if (this.attempt.draw.charAt(i) === NOT_ASKED) return null;
    return this.quiz(situation.versions[this.attempt.draw.charCodeAt(i) - 97]);
  };

  Assessment.prototype.asked = function () {
    var draw = this.attempt.draw;
    return this.bank.situations.map(function (_, i) { return i; }).filter(function (i) {
      return draw.charAt(i) !== NOT_ASKED;
    });
  };

  // Right / asked per module, kept with the attempt for the record's before / after.
  Assessment.prototype.byModule = function () {
    var self = this;
    var out = {};
    this.asked().forEach(function (i) {
      var module = self.bank.situations[i].module;
      if (!module) return;
      out[module] = out[module] || [0, 0];
      out[module][1] += 1;
      if (self.isRight(i)) out[module][0] += 1;
    });
    return out;
  };

  Assessment.prototype.inputs = function (quiz) {
    return Array.prototype.slice.call(quiz.querySelectorAll("input[name=answer]"));
  };

  Assessment.prototype.render = function () {
    var self = this;
    var number = 0;
    this.bank.situations.forEach(function (situation, i) {
      var chosen = self.attempt.draw.charAt(i) === NOT_ASKED ? -1 :
        self.attempt.draw.charCodeAt(i) - 97;
      situation.versions.forEach(function (index, v) {
        var quiz = self.quiz(index);
        if (!quiz) return;
        quiz.hidden = v !== chosen;
        quiz.dataset.situation = situation.id;
        quiz.dataset.version = letter(v);
        if (v !== chosen) return;
        number += 1;
        var heading = quiz.querySelector(".quiz-number");
        if (heading) heading.textContent = heading.textContent.replace(/\d+/, String(number));
        // The options in the attempt's own order.
        var fieldset = quiz.querySelector("fieldset");
        var options = Array.prototype.slice.call(fieldset.querySelectorAll(":scope > div"));
        options.sort(function (a, b) {
          return Number(a.querySelector("input").value) - Number(b.querySelector("input").value);
        });
        var pick = random(self.attempt.seed ^ hash(situation.id + ":" + letter(v)));
        for (var k = options.length - 1; k > 0; k -= 1) {
          var j = Math.floor(pick() * (k + 1));
          var swap = options[k];
          options[k] = options[j];
          options[j] = swap;
        }
        options.forEach(function (option) { fieldset.appendChild(option); });
      });
    });
    this.showAnswers();
  };

  // The attempt's choices on the page (after a reload, a language switch, another tab).
  Assessment.prototype.showAnswers = function () {
    var self = this;
    this.bank.situations.forEach(function (_, i) {
      var quiz = self.drawn(i);
      if (!quiz) return;
      var chosen = String(self.attempt.answers[i] || "");
      self.inputs(quiz).forEach(function (input) {
        input.checked = chosen.split(",").indexOf(input.value) >= 0;
      });
    });
    this.showRestart();
  };

  Assessment.prototype.answeredCount = function () {
    return this.attempt.answers.filter(function (a) { return a; }).length;
  };

  Assessment.prototype.showRestart = function () {
    var restart = this.block.querySelector(".aimed-assessment__restart");
    if (restart) restart.hidden = Boolean(this.attempt.submitted) || this.answeredCount() === 0;
  };

  // A choice is saved at once, into the attempt as stored now (another tab may have added some).
  Assessment.prototype.choose = function (quiz) {
    var i = this.bank.situations.findIndex(function (s) { return s.id === quiz.dataset.situation; });
    if (i < 0 || this.attempt.submitted) return;
    var stored = currentAttempt(this.name, this.bank);
    if (!stored || stored.id !== this.attempt.id || stored.submitted) return;
    stored.answers[i] = this.inputs(quiz).filter(function (input) {
      return input.checked;
    }).map(function (input) { return input.value; }).join(",");
    saveAttempt(this.name, stored);
    this.attempt = stored;
    this.showRestart();
  };

  Assessment.prototype.isRight = function (i) {
    var index = this.bank.situations[i].versions[this.attempt.draw.charCodeAt(i) - 97];
    var right = (this.key[String(index)] || []).slice().sort().join(",");
    var given = String(this.attempt.answers[i] || "").split(",").filter(Boolean).sort().join(",");
    return right !== "" && right === given;
  };

  Assessment.prototype.score = function () {
    var self = this;
    return this.asked().filter(function (i) { return self.isRight(i); }).length;
  };

  Assessment.prototype.submit = function () {
    var self = this;
    var text = words();
    var stored = currentAttempt(this.name, this.bank);
    if (stored && stored.id === this.attempt.id) this.attempt = stored;
    if (this.attempt.submitted) {
      this.showResult(true);
      return;
    }
    var missing = [];
    this.asked().forEach(function (i) {
      if (!self.attempt.answers[i]) missing.push(i);
    });
    if (missing.length) {
      this.status.replaceChildren();
      var message = document.createElement("p");
      message.className = "aimed-assessment__missing";
      var parts = format(text.unanswered, { list: "\u0000" }).split("\u0000");
      message.appendChild(document.createTextNode(parts[0]));
      // Links to the first ten questions left (a whole page of links helps nobody).
      missing.slice(0, 10).forEach(function (i, n) {
        if (n) message.appendChild(document.createTextNode(", "));
        var link = document.createElement("a");
        link.href = "#" + self.drawn(i).id;
        link.textContent = format(text.question, { n: self.asked().indexOf(i) + 1 });
        message.appendChild(link);
      });
      if (missing.length > 10) {
        message.appendChild(document.createTextNode(format(text.more, {
          count: missing.length - 10,
        })));
      }
      message.appendChild(document.createTextNode(parts[1]));
      this.status.appendChild(message);
      this.status.focus();
      return;
    }
    var total = this.asked().length;
    var correct = this.score();
    this.attempt.submitted = new Date().toISOString();
    this.attempt.correct = correct;
    saveAttempt(this.name, this.attempt);
    addToHistory(this.name, {
      date: this.attempt.submitted, correct: correct, total: total, pass: this.pass,
      passed: this.name !== PLACEMENT && correct >= this.pass, draw: this.attempt.draw,
      version: this.block.getAttribute("data-version") || "",
      built: this.block.getAttribute("data-built") || "", modules: this.byModule(),
    });
    if (this.name !== PLACEMENT) progress.recordAssessment(this.name, correct, total, this.pass);
    this.showResult(true);
  };

  Assessment.prototype.showResult = function (moveFocus) {
    var self = this;
    var text = words();
    var total = this.asked().length;
    var correct = this.score();
    if (this.name === PLACEMENT) {
      this.asked().forEach(function (i) {
        self.inputs(self.drawn(i)).forEach(function (input) { input.disabled = true; });
      });
      this.status.replaceChildren(paragraph(format(text.placementScore, {
        correct: correct, total: total, missed: correct,
      }), "aimed-assessment__score"));
      this.block.dataset.state = "placed";
      this.block.querySelector(".aimed-assessment__submit").hidden = true;
      this.showRestart();
      this.block.querySelector(".aimed-assessment__discard").hidden = true;
      this.block.querySelector(".aimed-assessment__again").hidden = true;
      this.block.querySelector(".aimed-assessment__after").hidden = false;
      if (moveFocus) this.status.focus();
      return;
    }
    var passed = correct >= this.pass;
    var values = { correct: correct, total: total, pass: this.pass,
                   percent: percent(correct, total) };
    this.status.replaceChildren();
    var headline = paragraph(format(text.score, values), "aimed-assessment__score");
    headline.dataset.passed = passed ? "yes" : "no";
    this.status.appendChild(headline);
    this.status.appendChild(paragraph(passed ? text.passed : text.failed,
                                      "aimed-assessment__verdict"));
    this.asked().forEach(function (i) {
      var quiz = self.drawn(i);
      if (!quiz) return;
      var right = self.isRight(i);
      var index = Number(quiz.id.replace("quiz-", ""));
      var key = self.key[String(index)] || [];
      self.inputs(quiz).forEach(function (input) {
        input.disabled = true;
        var option = input.parentElement;
        option.classList.remove("correct", "wrong");
        if (!passed) return;
        if (key.indexOf(input.value) >= 0) option.classList.add("correct");
        else if (input.checked) option.classList.add("wrong");
      });
      var feedback = quiz.querySelector(".quiz-feedback");
      var explanation = quiz.querySelector("section.content");
      if (passed) {
        feedback.replaceChildren();
        var item = document.createElement("div");
        item.className = "quiz-feedback-item " + (right ? "correct" : "incorrect");
        var content = document.createElement("div");
        content.className = "quiz-feedback-item-content";
        content.textContent = right ? text.right : text.wrong;
        item.appendChild(content);
        feedback.appendChild(item);
        feedback.classList.remove("hidden");
        if (explanation) explanation.classList.remove("hidden");
      } else {
        feedback.classList.add("hidden");
        if (explanation) explanation.classList.add("hidden");
      }
    });
    if (passed) {
      this.status.appendChild(paragraph(text.explanations));
    } else {
      this.status.appendChild(this.revisit());
    }
    var best = progress.assessmentResult(this.name);
    if (best && (best.correct !== correct || best.total !== total)) {
      this.status.appendChild(paragraph(format(text.best, {
        correct: best.correct, total: best.total, date: progress.formatDate(best.date),
      })));
    }
    this.block.dataset.state = passed ? "passed" : "failed";
    this.block.querySelector(".aimed-assessment__submit").hidden = true;
    this.showRestart();
    this.block.querySelector(".aimed-assessment__discard").hidden = true;
    this.block.querySelector(".aimed-assessment__after").hidden = false;
    if (moveFocus) this.status.focus();
  };

  // After a fail: the modules of the situations missed, with links, never the key.
  Assessment.prototype.revisit = function () {
    var self = this;
    var text = words();
    var counts = {};
    var order = [];
    this.asked().forEach(function (i) {
      var module = self.bank.situations[i].module;
      if (!module || !self.bank.modules[module]) return;
      if (!counts[module]) {
        counts[module] = { missed: 0, total: 0 };
        order.push(module);
      }
      counts[module].total += 1;
      if (!self.isRight(i)) counts[module].missed += 1;
    });
    var box = document.createElement("div");
    box.className = "aimed-assessment__revisit";
    var missedModules = order.filter(function (module) { return counts[module].missed > 0; });
    if (!missedModules.length) return box;
    box.appendChild(paragraph(text.revisit));
    var list = document.createElement("ul");
    missedModules.forEach(function (module) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = self.bank.modules[module].href;
      link.textContent = self.bank.modules[module].title;
      item.appendChild(link);
      item.appendChild(document.createTextNode(" (" + format(text.missed, counts[module]) + ")"));
      list.appendChild(item);
    });
    box.appendChild(list);
    return box;
  };

  Assessment.prototype.startAgain = function () {
    newAttempt(this.name, this.bank);
    window.scrollTo(0, 0);
    window.location.reload();
  };

  // Before an unsubmitted attempt is discarded: a question on the page, answered by a button.
  Assessment.prototype.askDiscard = function () {
    var self = this;
    var text = words();
    var box = this.block.querySelector(".aimed-assessment__discard");
    box.replaceChildren();
    box.setAttribute("role", "alertdialog");
    var question = paragraph(format(text.discard, { count: this.answeredCount() }));
    question.id = "aimed-assessment-discard-question";
    box.setAttribute("aria-labelledby", question.id);
    var yes = document.createElement("button");
    yes.type = "button";
    yes.className = "md-button md-button--primary aimed-assessment__discard-yes";
    yes.textContent = text.discardYes;
    yes.addEventListener("click", function () { self.startAgain(); });
    var no = document.createElement("button");
    no.type = "button";
    no.className = "md-button aimed-assessment__discard-no";
    no.textContent = text.discardNo;
    no.addEventListener("click", function () {
      box.hidden = true;
      self.block.querySelector(".aimed-assessment__restart").focus();
    });
    var buttons = document.createElement("p");
    buttons.appendChild(yes);
    buttons.appendChild(document.createTextNode(" "));
    buttons.appendChild(no);
    box.appendChild(question);
    box.appendChild(buttons);
    box.hidden = false;
    no.focus();
  };

  // Another tab changed the attempt: the same attempt follows; a new one is loaded.
  Assessment.prototype.follow = function () {
    var stored = currentAttempt(this.name, this.bank);
    if (!stored || stored.id !== this.attempt.id) {
      window.location.reload();
      return;
    }
    this.attempt = stored;
    if (stored.submitted) {
      this.showAnswers();
      this.showResult(false);
    } else {
      this.showAnswers();
    }
  };

  // The page as the placement check: its own title and rules.
  Assessment.prototype.asPlacement = function () {
    var rules = document.querySelector(".aimed-assessment-rules");
    var own = document.querySelector(".aimed-assessment-placement");
    if (!own) return;
    if (rules) rules.hidden = true;
    own.hidden = false;
    var title = document.querySelector(".md-content h1");
    var name = own.getAttribute("data-title");
    if (title && name) {
      title.textContent = name;
      document.title = name + " - " + document.title.split(" - ").slice(1).join(" - ");
    }
  };

  Assessment.prototype.start = function () {
    var self = this;
    var block = this.block;
    document.body.classList.add("aimed-assessment-page");
    if (this.name === PLACEMENT) this.asPlacement();
    this.attempt = currentAttempt(this.name, this.bank);
    var resumed = this.attempt;
    var stale = loadAll(CURRENT_KEY)[this.name];
    if (!this.attempt) this.attempt = newAttempt(this.name, this.bank);
    this.render();
    block.querySelector(".aimed-assessment__submit").addEventListener("click", function () {
      self.submit();
    });
    block.querySelector(".aimed-assessment__again").addEventListener("click", function () {
      self.startAgain();
    });
    block.querySelector(".aimed-assessment__restart").addEventListener("click", function () {
      self.askDiscard();
    });
    document.addEventListener("change", function (event) {
      var quiz = event.target.closest ? event.target.closest(".quiz[data-situation]") : null;
      if (quiz && event.target.name === "answer") self.choose(quiz);
    });
    window.addEventListener("storage", function (event) {
      if (event.key === CURRENT_KEY || event.key === null) self.follow();
    });
    var notice = document.querySelector(".aimed-assessment__nojs");
    if (notice) notice.hidden = true;
    block.hidden = false;
    if (this.attempt.submitted) {
      this.showResult(false);
    } else if (!resumed && stale && !stale.submitted) {
      this.status.replaceChildren(paragraph(words().restarted));
    }
  };

  // One question at a time must never be graded by mkdocs-quiz on this page.
  document.addEventListener("submit", function (event) {
    var target = event.target;
    if (document.querySelector(".aimed-assessment") && target.closest && target.closest(".quiz")) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);

  function start() {
    if (!progress) return;
    document.querySelectorAll(".aimed-assessment").forEach(function (block) {
      if (block.dataset.aimedBound) return;
      var assessment = new Assessment(block);
      if (!assessment.bank) return;
      block.dataset.aimedBound = "1";
      assessment.start();
      window.aimedAssessment = assessment; // for the tests
    });
  }

  window.aimedAssessmentStore = { CURRENT_KEY: CURRENT_KEY, HISTORY_KEY: HISTORY_KEY,
                                  history: history };

  window.aimedProgress.onPage(start);
})();
