/* The language menu links each page to its translation; these links also carry the section
 * being read (#anchor), so switching language does not send the reader back to the top. Anchors
 * shared by both languages (glossary terms, quiz questions) land on the same place. */
(function () {
  "use strict";

  var LINKS = ".md-select__link[hreflang]";

  function carryHash() {
    document.querySelectorAll(LINKS).forEach(function (link) {
      if (!link.dataset.aimedHref) link.dataset.aimedHref = link.getAttribute("href");
      link.setAttribute("href", link.dataset.aimedHref.split("#")[0] + window.location.hash);
    });
  }

  carryHash();
  window.addEventListener("hashchange", carryHash);
  // The hash may also change without an event (history API): read it again on the way out.
  document.addEventListener(
    "click",
    function (event) {
      if (event.target.closest && event.target.closest(LINKS)) carryHash();
    },
    true
  );
})();
