/* Site search on /suche/ with Pagefind (index built by plugins/search).

   Progressive enhancement: the page first explains that search needs
   JavaScript and links the FAQ and the archive; only when the Pagefind
   bundle has loaded is the form shown. The query and the filters live in the
   address (?q=…&typ=…&kategorie=…&thema=…), so the search box in the site
   header, the back button and shared links all work. */
(function () {
  "use strict";

  var root = document.querySelector("[data-search]");
  if (!root) { return; }

  var PAGE_SIZE = 10;
  var TYPE_ORDER = ["Artikel", "FAQ", "Störungsmeldung"];
  var form = root.querySelector("[data-search-form]");
  var input = form.querySelector("input[name='q']");
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
  var fallback = root.querySelector("[data-search-fallback]");
  var fallbackReason = root.querySelector("[data-search-fallback-reason]");
  var status = root.querySelector("[data-search-status]");
  var empty = root.querySelector("[data-search-empty]");
  var heading = root.querySelector("[data-search-heading]");
  var list = root.querySelector("[data-search-results]");
  var moreWrap = root.querySelector("[data-search-more-wrap]");
  var moreButton = root.querySelector("[data-search-more]");

  var pagefind = null;
  var ticket = 0;
  var results = [];
  var shown = 0;
  var terms = [];
  var typingTimer = null;
  var loadingMore = false;

  /* Same spelling rules as the index: case, umlauts written as ä or ae, ß as ss. */
  function fold(text) {
    return String(text).toLowerCase()
      .replace(/ß/g, "ss")
      .replace(/ä|ae/g, "a").replace(/ö|oe/g, "o").replace(/ü|ue/g, "u")
      .normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  /* Pagefind's text is HTML-escaped; turn a piece of it into plain text.
     DOMParser makes an inert document (nothing in it runs or loads), and
     only its text is used: data never reaches the page as HTML. The <body>
     in front keeps leading spaces, which the parser drops before a body. */
  var parser = new DOMParser();
  function decode(fragment) {
    return parser.parseFromString("<body>" + fragment, "text/html").body.textContent;
  }

  function element(name, className, text) {
    var node = document.createElement(name);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  /* A word of the text matches a search term when the folded term (minus a
     possible ending) occurs in it: "Vertrauen" marks "Kundenvertrauen". */
  function matches(word) {
    var folded = fold(word);
    return terms.some(function (term) {
      var needle = fold(term);
      if (needle.length > 5) { needle = needle.slice(0, needle.length - 2); }
      return needle.length >= 3 && folded.indexOf(needle) !== -1;
    });
  }

  /* Excerpt around the first matching word, for results found through the
     parts of a compound (Pagefind marks only whole words it indexed). */
  function ownExcerpt(content) {
    var words = content.split(/\s+/);
    var first = -1;
    for (var i = 0; i < words.length; i += 1) {
      if (matches(words[i])) { first = i; break; }
    }
    if (first === -1) { return null; }
    var start = Math.max(0, first - 10);
    var end = Math.min(words.length, start + 30);
    var parts = words.slice(start, end).map(function (word) {
      return matches(word) ? "<mark>" + word + "</mark>" : word;
    });
    return (start > 0 ? "… " : "") + parts.join(" ") + (end < words.length ? " …" : "");
  }

  function fillExcerpt(target, data) {
    var content = data.content || "";
    var text = data.excerpt || "";
    if (text.indexOf("<mark>") === -1) {
      text = ownExcerpt(content) || text;
    } else {
      // Pagefind cuts the text without saying so; show where it was cut.
      var plain = text.replace(/<\/?mark>/g, "");
      var at = content.indexOf(plain);
      if (at > 0) { text = "… " + text; }
      if (at !== -1 && at + plain.length < content.length) { text += " …"; }
    }
    text.split(/(<mark>[\s\S]*?<\/mark>)/).forEach(function (piece) {
      if (!piece) { return; }
      if (piece.indexOf("<mark>") === 0) {
        target.appendChild(element("mark", "", decode(piece.slice(6, -7))));
      } else {
        target.appendChild(document.createTextNode(decode(piece)));
      }
    });
  }

  function resultItem(data) {
    var item = element("li", "search-result");
    var title = element("h3", "search-result-title");
    var link = element("a", "", (data.meta && data.meta.title) || data.url);
    link.href = data.url;
    title.appendChild(link);
    item.appendChild(title);

    var filters = data.filters || {};
    var kind = (filters.Typ || [])[0] || "";
    var meta = element("p", "search-result-meta");
    if (kind) { meta.appendChild(element("span", "search-result-type", kind)); }
    var details = [];
    if ((filters.Kategorie || [])[0]) { details.push(filters.Kategorie[0]); }
    if (data.meta && data.meta.datum) {
      details.push((kind === "Artikel" ? "" : "aktualisiert am ") + data.meta.datum);
    }
    if (details.length) { meta.appendChild(document.createTextNode(" " + details.join(" · "))); }
    item.appendChild(meta);

    var excerpt = element("p", "search-result-excerpt");
    fillExcerpt(excerpt, data);
    item.appendChild(excerpt);
    return item;
  }

  function selectedFilters() {
    var chosen = {};
    selects.forEach(function (select) {
      if (select.value) { chosen[select.getAttribute("data-filter")] = select.value; }
    });
    return chosen;
  }

  function describeFilters(chosen) {
    var names = Object.keys(chosen).map(function (key) { return key + ": " + chosen[key]; });
    return names.length ? " (" + names.join(", ") + ")" : "";
  }

  function rememberInAddress(query) {
    var params = new URLSearchParams();
    if (query) { params.set("q", query); }
    selects.forEach(function (select) {
      if (select.value) { params.set(select.name, select.value); }
    });
    var search = params.toString();
    history.replaceState(null, "", location.pathname + (search ? "?" + search : ""));
  }

  function updateMoreButton() {
    var left = results.length - shown;
    moreWrap.hidden = left <= 0;
    moreButton.textContent = "Weitere Treffer anzeigen (noch " + left + ")";
  }

  async function showMore(myTicket, moveFocus) {
    var slice = results.slice(shown, shown + PAGE_SIZE);
    var data = await Promise.all(slice.map(function (result) { return result.data(); }));
    if (myTicket !== ticket) { return; }
    var firstNew = null;
    data.forEach(function (entry) {
      var item = resultItem(entry);
      if (!firstNew) { firstNew = item; }
      list.appendChild(item);
    });
    shown += slice.length;
    updateMoreButton();
    if (moveFocus && firstNew) { firstNew.querySelector("a").focus(); }
  }

  function clearResults() {
    results = [];
    shown = 0;
    list.textContent = "";
    heading.hidden = true;
    empty.hidden = true;
    moreWrap.hidden = true;
  }

  async function run() {
    var myTicket = ++ticket;
    var query = input.value.trim();
    var chosen = selectedFilters();
    rememberInAddress(query);
    terms = query.split(/\s+/).filter(Boolean);
    if (!query && !Object.keys(chosen).length) {
      clearResults();
      status.textContent = "";
      return;
    }
    list.setAttribute("aria-busy", "true");
    var options = { filters: chosen };
    if (!query) { options.sort = { datum: "desc" }; }
    var search = await pagefind.search(query || null, options);
    if (myTicket !== ticket) { return; }
    clearResults();
    results = search.results;
    var quoted = query ? " für „" + query + "“" : "";
    if (!results.length) {
      status.textContent = "Keine Treffer" + quoted + describeFilters(chosen) + ".";
      empty.hidden = false;
    } else {
      heading.hidden = false;
      await showMore(myTicket, false);
      if (myTicket !== ticket) { return; }
      status.textContent = results.length + " Treffer" + quoted + describeFilters(chosen) + ".";
    }
    list.removeAttribute("aria-busy");
  }

  function fillSelect(select, counts) {
    var key = select.getAttribute("data-filter");
    var values = Object.keys(counts || {});
    values.sort(function (a, b) {
      if (key === "Typ") { return TYPE_ORDER.indexOf(a) - TYPE_ORDER.indexOf(b); }
      return a.localeCompare(b, "de");
    });
    values.forEach(function (value) {
      var option = element("option", "", value + " (" + counts[value] + ")");
      option.value = value;
      select.appendChild(option);
    });
  }

  function showUnavailable() {
    fallbackReason.textContent = "Die Suche ist gerade nicht verfügbar. Bitte versuchen Sie es später noch einmal.";
    fallback.hidden = false;
  }

  async function start() {
    try {
      var bundle = new URL(root.getAttribute("data-bundle"), document.baseURI).href;
      pagefind = await import(bundle);
      await pagefind.options({ excerptLength: 30 });
      await pagefind.init();
      var available = await pagefind.filters();
      selects.forEach(function (select) {
        fillSelect(select, available[select.getAttribute("data-filter")]);
      });
    } catch (error) {
      showUnavailable();
      return;
    }

    var params = new URLSearchParams(location.search);
    input.value = params.get("q") || "";
    selects.forEach(function (select) {
      var wanted = params.get(select.name);
      if (wanted && Array.prototype.some.call(select.options, function (o) { return o.value === wanted; })) {
        select.value = wanted;
      }
    });

    fallback.hidden = true;
    form.hidden = false;

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      window.clearTimeout(typingTimer);
      run();
    });
    input.addEventListener("input", function () {
      window.clearTimeout(typingTimer);
      typingTimer = window.setTimeout(run, 250);
    });
    selects.forEach(function (select) { select.addEventListener("change", run); });
    moreButton.addEventListener("click", function () {
      if (loadingMore) { return; }  // a second click while the next results load
      loadingMore = true;
      showMore(ticket, true).finally(function () { loadingMore = false; });
    });

    if (input.value || Object.keys(selectedFilters()).length) { run(); }
  }

  start();
}());
