/* Abbreviations carry their meaning in a title, which a mouse shows on hover but a touch screen
 * never does. A tap (or click) on an abbreviation writes its meaning out after it, as real text
 * that screen readers and zoom read too; a second tap, a tap elsewhere or Escape removes it.
 * Inside a quiz option a tap picks the option and expands nothing: the meaning could give the
 * answer away (quiz-access.js removes those titles). */
(function () {
  "use strict";

  var OPEN = "aimed-abbr--open";

  function close(except) {
    document.querySelectorAll("abbr." + OPEN).forEach(function (abbr) {
      if (abbr === except) return;
      abbr.classList.remove(OPEN);
      var shown = abbr.nextElementSibling;
      if (shown && shown.classList.contains("aimed-abbr__meaning")) shown.remove();
    });
  }

  function open(abbr) {
    var meaning = document.createElement("span");
    meaning.className = "aimed-abbr__meaning";
    meaning.textContent = " (" + abbr.getAttribute("title") + ")";
    abbr.classList.add(OPEN);
    abbr.after(meaning);
  }

  document.addEventListener("click", function (event) {
    var abbr = event.target.closest ? event.target.closest("abbr[title]") : null;
    if (abbr && abbr.closest("a")) abbr = null; // an abbreviation inside a link: follow the link
    // Inside a quiz option the click picks the option and explains nothing (quiz-access.js).
    if (abbr && abbr.closest(".quiz fieldset")) abbr = null;
    close(abbr);
    if (!abbr) return;
    event.preventDefault(); // in a <label>: do not pick the answer
    if (abbr.classList.contains(OPEN)) close(null);
    else open(abbr);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") close(null);
  });
})();
