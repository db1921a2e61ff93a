/*
 * The record of completion, from this browser's storage only. Nothing is sent anywhere.
 * Storage is read and written through window.aimedProgress (progress.js, loaded first); the
 * final assessment is assessment.js.
 *
 * Record (".aimed-record"): the name the learner types (kept in this browser only), the modules
 * read, the quizzes passed with their dates, and the final assessment's best result with every
 * attempt (date, score, the course's version), the automation-bias check's two attempts and
 * their difference (bias-check.js); a print button (the browser's print dialogue also saves a
 * PDF) and a download of the results a trainer's cohort report reads ("aimed trainer gain").
 */
(function () {
  "use strict";

  var LOCALES = { en: "en-GB", fr: "fr-FR" };
  var TEXT = {
    en: {
      resultPassed: "{correct} of {total} correct ({percent}), pass mark {pass}: passed on {date}",
      resultFailed: "{correct} of {total} correct ({percent}), pass mark {pass}: not passed " +
        "(taken on {date})",
      attempts: " — best of {attempts} attempts",
      attempt: "{date}: {correct} of {total} correct ({percent}), {verdict}; course version " +
        "{version} of {built}",
      attemptPassed: "passed",
      attemptFailed: "not passed",
      notTaken: "not taken yet",
      none: "—",
    },
    fr: {
      resultPassed: "{correct} {answers} sur {total} ({percent}), seuil {pass}\u202f: " +
        "réussie le {date}",
      resultFailed: "{correct} {answers} sur {total} ({percent}), seuil {pass}\u202f: " +
        "non réussie (passée le {date})",
      attempts: " — meilleur résultat sur {attempts}\u00a0tentatives",
      attempt: "{date}\u202f: {correct} {answers} sur {total} ({percent}), {verdict}\u202f; " +
        "version {version} du cours, du {built}",
      attemptPassed: "réussie",
      attemptFailed: "non réussie",
      notTaken: "pas encore passée",
      none: "—",
    },
  };

  var progress = window.aimedProgress;

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

  // Every attempt at an assessment (assessment.js keeps them): date, score, course version.
  function fillAttempts(holder) {
    var text = words();
    var target = holder.querySelector(".aimed-record__attempts");
    if (!target) return;
    var kept = progress.load("aimed_assessment_history", {})[holder.getAttribute("data-assessment")];
    var attempts = Array.isArray(kept) ? kept : [];
    var list = document.createElement("ol");
    attempts.forEach(function (entry) {
      if (!entry || typeof entry.correct !== "number" || !entry.total) return;
      var item = document.createElement("li");
      item.textContent = format(text.attempt, {
        date: progress.formatDate(entry.date) || text.none,
        correct: entry.correct, total: entry.total,
        percent: percent(entry.correct, entry.total),
        verdict: entry.passed ? text.attemptPassed : text.attemptFailed,
        version: String(entry.version || text.none).slice(0, 40),
        built: progress.formatDate(entry.built) || text.none,
      });
      list.appendChild(item);
    });
    target.replaceChildren(list);
    target.hidden = list.children.length === 0;
  }

  // Before / after per module: the first placement check against the last final attempt.
  function fillGain(record) {
    var box = record.querySelector(".aimed-record__gain");
    if (!box) return;
    var kept = progress.load("aimed_assessment_history", {});
    var before = Array.isArray(kept.placement) ? kept.placement[0] : null;
    var finals = Array.isArray(kept.final) ? kept.final : [];
    var after = finals.length ? finals[finals.length - 1] : null;
    var body = box.querySelector("tbody");
    body.replaceChildren();
    function cell(entry, module) {
      var td = document.createElement("td");
      var score = entry && entry.modules && entry.modules[module];
      td.textContent = Array.isArray(score) ? score[0] + " / " + score[1] : words().none;
      return td;
    }
    if (before && before.modules) {
      record.querySelectorAll(".aimed-record__modules tbody tr[data-module]").forEach(function (row) {
        var module = row.getAttribute("data-module");
        if (!before.modules[module] && !(after && after.modules && after.modules[module])) return;
        var tr = document.createElement("tr");
        tr.dataset.module = module;
        var th = document.createElement("th");
        th.scope = "row";
        th.textContent = row.querySelector("th").textContent;
        tr.appendChild(th);
        tr.appendChild(cell(before, module));
        tr.appendChild(cell(after, module));
        body.appendChild(tr);
      });
    }
    box.hidden = body.children.length === 0;
  }

  // The automation-bias check's two attempts (bias-check.js keeps them) and their difference:
  // errors counted on the cases that measure them, same denominators on both attempts.
  function fillBias(record) {
    var box = record.querySelector(".aimed-record__bias");
    var check = window.aimedBiasCheck;
    if (!box || !check) return false;
    var before = check.result("before");
    var after = check.result("after");
    var text = words();
    function show(stage, date, commission, omission) {
      var row = box.querySelector("tr[data-stage=" + stage + "]");
      row.querySelector(".aimed-record__bias-date").textContent = date;
      row.querySelector(".aimed-record__bias-commission").textContent = commission;
      row.querySelector(".aimed-record__bias-omission").textContent = omission;
      row.hidden = !commission;
    }
    [["before", before], ["after", after]].forEach(function (pair) {
      var entry = pair[1];
      show(pair[0], entry ? progress.formatDate(entry.submitted) || text.none : "",
           entry ? entry.commission[0] + " / " + entry.commission[1] : "",
           entry ? entry.omission[0] + " / " + entry.omission[1] : "");
    });
    var both = before && after;
    show("difference", "", both ? check.signed(after.commission[0] - before.commission[0]) : "",
         both ? check.signed(after.omission[0] - before.omission[0]) : "");
    box.hidden = !(before || after);
    return !box.hidden;
  }

  // What the learner returns to a trainer ("aimed trainer gain" reads it): the placement
  // check and the last final attempt per module, and the automation-bias check's attempts.
  function resultsFile(record) {
    var kept = progress.load("aimed_assessment_history", {});
    function attempt(entry) {
      if (!entry || typeof entry.correct !== "number" || !entry.total) return null;
      return { date: entry.date, correct: entry.correct, total: entry.total,
               modules: entry.modules && typeof entry.modules === "object" ? entry.modules : {} };
    }
    var placements = Array.isArray(kept.placement) ? kept.placement : [];
    var finals = Array.isArray(kept.final) ? kept.final : [];
    var bias = {};
    var check = window.aimedBiasCheck;
    (check ? check.STAGES : []).forEach(function (stage) {
      var entry = check.result(stage);
      if (entry) {
        bias[stage] = { date: entry.submitted, series: entry.series, commission: entry.commission,
                        omission: entry.omission, correct: entry.correct };
      }
    });
    return {
      format: "aimed-record", version: 1,
      course_version: record.getAttribute("data-version") || "",
      exported: new Date().toISOString(),
      name: storedName(),
      placement: attempt(placements[0]),
      final: attempt(finals[finals.length - 1]),
      automation_bias: bias,
    };
  }

  function download(record) {
    var data = JSON.stringify(resultsFile(record), null, 2);
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([data], { type: "application/json" }));
    link.download = "aimed-record-" + new Date().toISOString().slice(0, 10) + ".json";
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 0);
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
      fillAttempts(holder);
      fillGain(record);
      if (result.taken) anything = true;
    });
    if (fillBias(record)) anything = true;
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
      record.querySelector(".aimed-record__download").addEventListener("click", function () {
        download(record);
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
    document.querySelectorAll(".aimed-record").forEach(setUpRecord);
  }

  window.aimedProgress.onPage(start);
  // Another tab changed the stored progress (or cleared it): the record follows.
  window.addEventListener("storage", function () {
    document.querySelectorAll(".aimed-record").forEach(setUpRecord);
  });
})();
