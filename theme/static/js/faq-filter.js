/* FAQ filter on /faq/: narrows the list of questions as one types.
   Progressive enhancement: without JavaScript the box stays hidden and the
   whole list is shown. Matching ignores case and umlaut spelling
   ("Störung" = "Stoerung" = "Storung"), common endings ("kündigen" finds
   "kündige") and finds parts of compounds ("vertrag" finds "Vertragslaufzeit"). */
(function () {
  "use strict";

  var box = document.querySelector("[data-faq-filter]");
  if (!box) { return; }
  var input = box.querySelector("input");
  var status = box.querySelector("[role='status']");
  var none = document.querySelector("[data-faq-none]");
  var searchLink = document.querySelector("[data-faq-search-link]");
  var items = Array.prototype.slice.call(document.querySelectorAll("[data-faq-item]"));
  var sections = Array.prototype.slice.call(document.querySelectorAll("[data-faq-category]"));
  var searchHref = searchLink ? searchLink.getAttribute("href") : "";
  var announceTimer = null;

  function fold(text) {
    return text.toLowerCase()
      .replace(/ß/g, "ss")
      .replace(/ä|ae/g, "a").replace(/ö|oe/g, "o").replace(/ü|ue/g, "u")
      .normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/\s+/g, " ");
  }

  var haystacks = items.map(function (item) {
    return fold(item.textContent + " " + (item.getAttribute("data-faq-terms") || ""));
  });

  function plural(count, one, many) { return count === 1 ? one : many; }

  function announce(text) {
    window.clearTimeout(announceTimer);
    // Wait for a pause in typing, so screen readers are not flooded.
    announceTimer = window.setTimeout(function () { status.textContent = text; }, 500);
  }

  function apply() {
    var query = input.value.trim();
    // A word matches with or without a German ending: "kündigen" finds "kündige".
    var words = fold(query).split(" ").filter(Boolean).map(function (word) {
      return word.length > 5 ? word.slice(0, -2) : word;
    });
    var shown = 0;
    items.forEach(function (item, index) {
      var match = words.every(function (word) { return haystacks[index].indexOf(word) !== -1; });
      item.hidden = !match;
      if (match) { shown += 1; }
    });
    sections.forEach(function (section) {
      var visible = section.querySelector("[data-faq-item]:not([hidden])") !== null;
      section.hidden = !visible;
      var jump = document.querySelector("[data-faq-jump='" + section.id + "']");
      if (jump) { jump.hidden = !visible; }
    });
    if (none) { none.hidden = shown > 0; }
    if (searchLink) {
      searchLink.setAttribute("href", query ? searchHref + "?q=" + encodeURIComponent(query) : searchHref);
    }
    if (!words.length) {
      announce("");
    } else if (shown === 0) {
      announce("Keine Frage passt zu „" + query + "“.");
    } else {
      announce(shown + " von " + items.length + " " + plural(items.length, "Frage", "Fragen") +
               " " + plural(shown, "passt", "passen") + " zu „" + query + "“.");
    }
  }

  input.addEventListener("input", apply);
  box.hidden = false;
  if (input.value) { apply(); }  // the browser may restore a value on "back"
}());
