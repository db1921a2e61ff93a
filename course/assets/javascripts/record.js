/*
 * The final assessment and the record of completion, from this browser's storage only.
 * Nothing is sent anywhere. Storage is read and written through window.aimedProgress
 * (progress.js, loaded first).
 *
 * Final assessment (".aimed-assessment", rendered by hooks/course_record.py): mkdocs-quiz shows
 * each answer's feedback as soon as it is submitted, and has no mode that defers it to the end
 * of a page. So on this page the per-question "Submit" buttons are hidden and their forms
 * cannot be submitted one by one; "Submit my answers" submits every question at once through
 * mkdocs-quiz (which stores the answers under quiz_progress_<path> and shows each feedback and
 * explanation), then shows the score against the pass mark and records the best result.
 *
 * Record (".aimed-record"): the name the learner types (kept in this browser only), the modules
 * read, the quizzes passed with their dates, and the final assessment's best result; a print
 * button (the browser's print dialogue also saves a PDF).
 */
(function () {
  "use strict";

  var LOCALES = { en: "en-GB", fr: "fr-FR" };
  var TEXT = {
    en: {
      unanswered: "Not answered yet: {list}. Choose an answer to every question, then press " +
        "“Submit my answers” again.",
      question: "question {n}",
      more: " and {count} more",
      score: "Your score: {correct} of {total} correct ({percent}). The pass mark is {pass}.",
      passed: "You passed the final assessment.",
      failed: "You did not reach the pass mark this time. Read the explanations, go back to the " +
        "modules concerned, and take the assessment again when you are ready.",
      explanations: "Each question now shows the right answer and its explanation.",
      best: "Your record keeps your best result: {correct} of {total} correct, on {date}.",
      resultPassed: "{correct} of {total} correct ({percent}), pass mark {pass}: passed on {date}",
      resultFailed: "{correct} of {total} correct ({percent}), pass mark {pass}: not passed " +
        "(taken on {date})",
      attempts: " — best of {attempts} attempts",
      notTaken: "not taken yet",
      none: "—",
    },
    fr: {
      unanswered: "Sans réponse pour l'instant\u202f: {list}. Choisissez une réponse à chaque " +
        "question, puis appuyez de nouveau sur «\u00a0Valider mes réponses\u00a0».",
      question: "question {n}",
      more: " et {count}\u00a0autres",
      score: "Votre score\u202f: {correct} {answers} sur {total} ({percent}). Le seuil de " +
        "réussite est de {pass}.",
      passed: "Vous avez réussi l'évaluation finale.",
      failed: "Vous n'avez pas atteint le seuil de réussite cette fois. Lisez les explications, " +
        "revenez aux modules concernés et repassez l'évaluation quand vous le souhaitez.",
      explanations: "Chaque question affiche maintenant la bonne réponse et son explication.",
      best: "Votre attestation conserve votre meilleur résultat\u202f: {correct} {answers} " +
        "sur {total}, le {date}.",
      resultPassed: "{correct} {answers} sur {total} ({percent}), seuil {pass}\u202f: " +
        "réussie le {date}",
      resultFailed: "{correct} {answers} sur {total} ({percent}), seuil {pass}\u202f: " +
        "non réussie (passée le {date})",
      attempts: " — meilleur résultat sur {attempts}\u00a0tentatives",
      notTaken: "pas encore passée",
      none: "—",
    },
  };

  var progress = window.aimedProgress;
  var submitting = false; // true while "Submit my answers" submits the questions' forms

  function lang() {
    return progress ? progress.language() : "en";
  }

  function words() {
    return TEXT[lang()] || TEXT.en;
  }

  // Fills {names}; {answers} agrees with {correct} in French ("0 bonne réponse", "2 bonnes").
  function format(template, values) {
    var all = Object.assign({
      answers: values.correct > 1 ? "bonnes réponses" : "bonne réponse",
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

  // ------------------------------------------------------------ final assessment

  function storedAnswers() {
    return progress.load(progress.QUIZ_PREFIX + window.location.pathname, {});
  }

  function isAnswered(quiz, stored) {
    return Boolean(stored[quiz.id] && stored[quiz.id].answered);
  }

  function hasChoice(quiz) {
    return Boolean(quiz.querySelector("input[name=answer]:checked"));
  }

  function showResult(block, quizzes, moveFocus) {
    var text = words();
    var total = quizzes.length;
    var pass = parseInt(block.getAttribute("data-pass"), 10) || total;
    var score = progress.quizScore(window.location.pathname);
    var status = block.querySelector(".aimed-assessment__status");
    var values = { correct: score.correct, total: total, pass: pass,
                   percent: percent(score.correct, total) };
    var passed = score.correct >= pass;
    status.replaceChildren();
    var headline = paragraph(format(text.score, values), "aimed-assessment__score");
    headline.dataset.passed = passed ? "yes" : "no";
    status.appendChild(headline);
    status.appendChild(paragraph(passed ? text.passed : text.failed, "aimed-assessment__verdict"));
    status.appendChild(paragraph(text.explanations));
    var best = progress.assessmentResult(block.getAttribute("data-assessment"));
    if (best && (best.correct !== score.correct || best.total !== total)) {
      status.appendChild(paragraph(format(text.best, {
        correct: best.correct, total: best.total, date: progress.formatDate(best.date),
      })));
    }
    block.dataset.state = passed ? "passed" : "failed";
    block.querySelector(".aimed-assessment__submit").hidden = true;
    block.querySelector(".aimed-assessment__after").hidden = false;
    if (moveFocus) status.focus();
  }

  function submitAll(block, quizzes) {
    var text = words();
    var stored = storedAnswers();
    var status = block.querySelector(".aimed-assessment__status");
    var missing = quizzes.filter(function (quiz) {
      return !isAnswered(quiz, stored) && !hasChoice(quiz);
    });
    if (missing.length) {
      status.replaceChildren();
      var message = document.createElement("p");
      message.className = "aimed-assessment__missing";
      var parts = format(text.unanswered, { list: "\u0000" }).split("\u0000");
      message.appendChild(document.createTextNode(parts[0]));
      // Links to the first ten questions left (a whole page of links helps nobody).
      missing.slice(0, 10).forEach(function (quiz, index) {
        if (index) message.appendChild(document.createTextNode(", "));
        var link = document.createElement("a");
        link.href = "#" + quiz.id;
        link.textContent = format(text.question, { n: quizzes.indexOf(quiz) + 1 });
        message.appendChild(link);
      });
      if (missing.length > 10) {
        message.appendChild(document.createTextNode(format(text.more, {
          count: missing.length - 10,
        })));
      }
      message.appendChild(document.createTextNode(parts[1]));
      status.appendChild(message);
      status.focus();
      return;
    }
    submitting = true;
    try {
      quizzes.forEach(function (quiz) {
        if (isAnswered(quiz, stored)) return;
        var form = quiz.querySelector("form");
        form.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
      });
    } finally {
      submitting = false;
    }
    var score = progress.quizScore(window.location.pathname);
    var pass = parseInt(block.getAttribute("data-pass"), 10) || quizzes.length;
    progress.recordAssessment(block.getAttribute("data-assessment"), score.correct,
                              quizzes.length, pass);
    showResult(block, quizzes, true);
  }

  function startAgain() {
    progress.remove(progress.QUIZ_PREFIX + window.location.pathname);
    window.scrollTo(0, 0);
    window.location.reload();
  }

  function setUpAssessment(block) {
    if (block.dataset.aimedBound) return;
    block.dataset.aimedBound = "1";
    var quizzes = Array.prototype.slice.call(document.querySelectorAll(".md-content .quiz"));
    document.body.classList.add("aimed-assessment-page");
    // One question at a time must not reveal its answer: only "Submit my answers" submits.
    document.addEventListener("submit", function (event) {
      if (!submitting && event.target.closest && event.target.closest(".quiz")) {
        event.preventDefault();
        event.stopPropagation();
      }
    }, true);
    block.querySelector(".aimed-assessment__submit").addEventListener("click", function () {
      submitAll(block, quizzes);
    });
    block.querySelector(".aimed-assessment__again").addEventListener("click", startAgain);
    var notice = document.querySelector(".aimed-assessment__nojs");
    if (notice) notice.hidden = true;
    block.hidden = false;
    var stored = storedAnswers();
    if (quizzes.length && quizzes.every(function (quiz) { return isAnswered(quiz, stored); })) {
      showResult(block, quizzes, false);
    }
  }

  // ------------------------------------------------------------ record of completion

  // The trainer's file, read here and never sent: an Open Badge PNG baked by
  // "aimed trainer attest" (a signed assertion in its "openbadges" iTXt chunk) or its HTML
  // attestation. Returns {issuer, date, kind} or null when the file is neither.
  function base64urlText(part) {
    var binary = atob(part.replace(/-/g, "+").replace(/_/g, "/"));
    var bytes = Uint8Array.from(binary, function (c) { return c.charCodeAt(0); });
    return new TextDecoder().decode(bytes);
  }

  function hostOf(url) {
    try {
      return new URL(url).host;
    } catch (error) {
      return "";
    }
  }

  function readBadge(buffer) {
    var bytes = new Uint8Array(buffer);
    var signature = [137, 80, 78, 71, 13, 10, 26, 10];
    if (bytes.length < 8 || signature.some(function (b, i) { return bytes[i] !== b; })) return null;
    var view = new DataView(buffer);
    var decoder = new TextDecoder();
    for (var at = 8; at + 8 <= bytes.length;) {
      var length = view.getUint32(at);
      var type = decoder.decode(bytes.subarray(at + 4, at + 8));
      var data = bytes.subarray(at + 8, at + 8 + length);
      at += 12 + length;
      if (type !== "iTXt") continue;
      var zero = data.indexOf(0);
      if (decoder.decode(data.subarray(0, zero)) !== "openbadges" || data[zero + 1] !== 0) continue;
      var rest = data.subarray(zero + 3);
      rest = rest.subarray(rest.indexOf(0) + 1); // language tag
      rest = rest.subarray(rest.indexOf(0) + 1); // translated keyword
      var token = decoder.decode(rest).trim();
      try {
        var assertion = JSON.parse(token.charAt(0) === "{" ? token : base64urlText(token.split(".")[1]));
        var verification = assertion.verification || {};
        var issuer = hostOf(verification.creator) || hostOf(assertion.badge);
        if (assertion.type !== "Assertion" || !issuer || !assertion.issuedOn) return null;
        return { issuer: issuer, date: String(assertion.issuedOn), kind: "badge" };
      } catch (error) {
        return null;
      }
    }
    return null;
  }

  function readAttestation(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var facts = {};
    doc.querySelectorAll("main dl dt").forEach(function (dt) {
      var dd = dt.nextElementSibling;
      if (dd && dd.tagName === "DD") facts[dt.textContent.trim()] = dd.textContent.trim();
    });
    var issuer = facts["Issued by"] || facts["Délivrée par"];
    var day = facts["Date of issue"] || facts["Date de délivrance"];
    var title = doc.querySelector("h1");
    var known = title && /^(Attestation of training|Attestation de formation)$/.test(
      title.textContent.trim());
    if (!known || !issuer || !/^\d{4}-\d{2}-\d{2}$/.test(day || "")) return null;
    return { issuer: cleanName(issuer), date: day, kind: "attestation" };
  }

  function storedAttachment() {
    var value = progress.load(progress.ATTACHMENT_KEY, null);
    return value && value.file && value.issuer && value.date ? value : null;
  }

  function showAttachment(record) {
    var attached = storedAttachment();
    var target = record.querySelector(".aimed-record__attachment");
    target.textContent = attached ? format(target.getAttribute("data-text"), {
      file: cleanName(attached.file), issuer: cleanName(attached.issuer),
      date: progress.formatDate(attached.date) || cleanName(attached.date),
    }) : target.getAttribute("data-none");
    target.dataset.attached = attached ? "yes" : "no";
    record.querySelector(".aimed-record__proves").hidden = !attached;
    record.querySelector(".aimed-record__file-remove").hidden = !attached;
  }

  function attach(record, file) {
    var status = record.querySelector(".aimed-record__file-status");
    status.textContent = "";
    if (!file) return;
    var refuse = function () {
      status.textContent = status.getAttribute("data-error");
    };
    if (file.size > 5 * 1024 * 1024) {
      refuse();
      return;
    }
    var png = /\.png$/i.test(file.name) || file.type === "image/png";
    (png ? file.arrayBuffer() : file.text()).then(function (content) {
      var found = png ? readBadge(content) : readAttestation(content);
      if (!found) {
        refuse();
        return;
      }
      found.file = cleanName(file.name);
      progress.save(progress.ATTACHMENT_KEY, found);
      showAttachment(record);
      status.textContent = record.querySelector(".aimed-record__attachment").textContent;
    }, refuse);
  }

  // Completed, by the rule stated on the page: every module read, every module quiz passed
  // and the final assessment passed.
  function isCompleted(record) {
    var rows = Array.prototype.slice.call(record.querySelectorAll("tbody tr[data-module]"));
    var holders = Array.prototype.slice.call(record.querySelectorAll("[data-assessment]"));
    return rows.length > 0 && rows.every(function (row) {
      return row.dataset.read === "yes" &&
        (row.getAttribute("data-quizzes") === "0" || row.dataset.passed === "yes");
    }) && holders.every(function (holder) {
      return holder.dataset.passed === "yes";
    });
  }

  // The name as typed, without control characters, at most 120 characters, never as HTML.
  function cleanName(value) {
    return String(value || "").replace(/[\u0000-\u001f\u007f]/g, " ").trim().slice(0, 120);
  }

  function storedName() {
    try {
      return cleanName(window.localStorage.getItem(progress.NAME_KEY));
    } catch (error) {
      return "";
    }
  }

  function showName(record, name) {
    var target = record.querySelector(".aimed-record__name");
    target.textContent = name || target.getAttribute("data-missing");
    target.dataset.given = name ? "yes" : "no";
  }

  function assessmentText(holder) {
    var text = words();
    var result = progress.assessmentResult(holder.getAttribute("data-assessment"));
    if (!result) return { text: text.notTaken, taken: false, passed: false };
    var values = {
      correct: result.correct, total: result.total, pass: result.pass,
      percent: percent(result.correct, result.total),
      date: progress.formatDate(result.date) || text.none,
    };
    var line = format(result.passed ? text.resultPassed : text.resultFailed, values);
    if (result.attempts > 1) line += format(text.attempts, { attempts: result.attempts });
    return { text: line, taken: true, passed: Boolean(result.passed) };
  }

  function fillRecord(record) {
    var text = words();
    var read = progress.readModules();
    var dates = progress.quizDates();
    var anything = false;
    record.querySelectorAll("tbody tr[data-module]").forEach(function (row) {
      var module = row.getAttribute("data-module");
      var quiz = progress.moduleQuiz(row);
      var readDay = read[module] ? progress.formatDate(read[module]) : "";
      var passedDay = quiz.passed ? progress.formatDate(dates[module]) : "";
      row.querySelector(".aimed-record__read").textContent = readDay || text.none;
      row.querySelector(".aimed-record__quiz").textContent = quiz.text;
      row.querySelector(".aimed-record__passed").textContent = passedDay || text.none;
      row.dataset.read = read[module] ? "yes" : "no";
      row.dataset.passed = quiz.passed ? "yes" : "no";
      if (read[module] || quiz.answered) anything = true;
    });
    record.querySelectorAll("[data-assessment]").forEach(function (holder) {
      var result = assessmentText(holder);
      holder.querySelector(".aimed-record__assessment-result").textContent = result.text;
      holder.dataset.passed = result.passed ? "yes" : "no";
      if (result.taken) anything = true;
    });
    record.querySelector(".aimed-record__today").textContent =
      progress.formatDate(new Date().toISOString());
    record.querySelector(".aimed-record__empty").hidden = anything;
    record.querySelector(".aimed-record__modules").hidden = !anything;
    record.dataset.empty = anything ? "no" : "yes";
    var completed = record.querySelector(".aimed-record__completed");
    var done = isCompleted(record);
    completed.textContent = completed.getAttribute(done ? "data-yes" : "data-no");
    completed.dataset.completed = done ? "yes" : "no";
    showAttachment(record);
    showName(record, storedName());
  }

  function setUpRecord(record) {
    var input = record.querySelector(".aimed-record__name-input");
    if (!record.dataset.aimedBound) {
      record.dataset.aimedBound = "1";
      input.value = storedName();
      input.addEventListener("input", function () {
        var name = cleanName(input.value);
        if (name) {
          try {
            window.localStorage.setItem(progress.NAME_KEY, name);
          } catch (error) {
            /* storage disabled: the name still shows on this page until it is left */
          }
        } else {
          progress.remove(progress.NAME_KEY);
        }
        showName(record, name);
      });
      var file = record.querySelector(".aimed-record__file-input");
      file.addEventListener("change", function () {
        attach(record, file.files && file.files[0]);
      });
      record.querySelector(".aimed-record__file-remove").addEventListener("click", function () {
        progress.remove(progress.ATTACHMENT_KEY);
        file.value = "";
        record.querySelector(".aimed-record__file-status").textContent = "";
        showAttachment(record);
        file.focus();
      });
      record.querySelector(".aimed-record__print").addEventListener("click", function () {
        window.print();
      });
    }
    fillRecord(record);
    var nameNow = cleanName(input.value);
    if (nameNow) showName(record, nameNow);
    record.querySelector(".aimed-record__nojs").hidden = true;
    record.querySelector(".aimed-record__form").hidden = false;
    record.querySelector(".aimed-record__sheet").hidden = false;
  }

  function start() {
    if (!progress) return;
    document.querySelectorAll(".aimed-assessment").forEach(setUpAssessment);
    document.querySelectorAll(".aimed-record").forEach(setUpRecord);
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(start);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
  // Another tab changed the stored progress (or cleared it): the record follows.
  window.addEventListener("storage", function () {
    document.querySelectorAll(".aimed-record").forEach(setUpRecord);
  });
})();
