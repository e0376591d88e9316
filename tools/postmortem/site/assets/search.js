/* Search box of the post-mortem archive, on Pagefind's static index (pagefind/ in the built
 * site). Nothing is downloaded until the reader focuses the box; then Pagefind fetches only
 * the index chunks of the words typed and the fragments of the results shown. */
(function () {
  "use strict";

  var SHOWN = 8; // results drawn (each one fetches its fragment)

  function init() {
    var box = document.querySelector(".pm-search");
    if (!box || box.dataset.ready) return;
    box.dataset.ready = "1";
    var toggle = box.querySelector(".pm-search__toggle");
    var input = box.querySelector(".pm-search__input");
    var results = box.querySelector(".pm-search__results");
    var bundle = new URL(box.dataset.pmPagefind, window.location.href).href;
    var root = new URL(box.dataset.pmRoot + "/", window.location.href).pathname.replace(/\/+$/, "/");
    var engine = null;
    var timer = null;
    var latest = 0;

    function load() {
      if (!engine) {
        engine = import(bundle).then(function (pagefind) {
          return pagefind.options({ baseUrl: root }).then(function () {
            pagefind.init();
            return pagefind;
          });
        });
      }
      return engine;
    }

    function el(tag, attrs, text) {
      var node = document.createElement(tag);
      Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
      if (text !== undefined) node.textContent = text;
      return node;
    }

    // Pagefind's excerpt is the page's text with <, > escaped and <mark> around the words
    // found: it is rebuilt here as text nodes and <mark> elements, never parsed as HTML.
    var ENTITIES = { "&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": "\"", "&#39;": "'" };
    function excerpt(text) {
      var node = el("span", { "class": "pm-search__excerpt" });
      text.split(/(<\/?mark>)/).reduce(function (marked, part) {
        if (part === "<mark>") return true;
        if (part === "</mark>") return false;
        var plain = part.replace(/&(?:lt|gt|amp|quot|#39);/g, function (e) { return ENTITIES[e]; });
        node.appendChild(marked ? el("mark", {}, plain) : document.createTextNode(plain));
        return marked;
      }, false);
      return node;
    }

    function close() {
      box.classList.remove("pm-search--open");
      toggle.setAttribute("aria-expanded", "false");
      results.hidden = true;
    }

    function render(query, found, items) {
      results.replaceChildren();
      results.hidden = false;
      var count = found.results.length;
      results.appendChild(el("p", { "class": "pm-search__meta" },
        count === 0 ? "No post-mortem matches \u201c" + query + "\u201d."
          : count === 1 ? "1 matching page"
            : count + " matching pages" + (count > SHOWN ? ", the best " + SHOWN + " shown" : "")));
      var list = el("ol", { "class": "pm-search__list" });
      items.forEach(function (item) {
        var li = el("li");
        var link = el("a", { href: item.url, "class": "pm-search__link" });
        link.appendChild(el("span", { "class": "pm-search__title" }, (item.meta && item.meta.title) || item.url));
        link.appendChild(excerpt(item.excerpt || ""));
        li.appendChild(link);
        list.appendChild(li);
      });
      results.appendChild(list);
    }

    function search() {
      var query = input.value.trim();
      var ticket = ++latest;
      if (!query) { results.hidden = true; return; }
      load().then(function (pagefind) {
        return pagefind.search(query).then(function (found) {
          return Promise.all(found.results.slice(0, SHOWN).map(function (r) { return r.data(); }))
            .then(function (items) { if (ticket === latest) render(query, found, items); });
        });
      }).catch(function (error) {
        results.hidden = false;
        results.textContent = "Search is unavailable: " + error.message;
      });
    }

    toggle.addEventListener("click", function () {
      var open = !box.classList.contains("pm-search--open");
      box.classList.toggle("pm-search--open", open);
      toggle.setAttribute("aria-expanded", String(open));
      if (open) input.focus(); else close();
    });
    input.addEventListener("focus", load, { once: true });
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 120);
    });
    box.querySelector("form").addEventListener("submit", function (event) {
      event.preventDefault();
      var first = results.querySelector("a");
      if (first) first.click(); else search();
    });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { close(); input.blur(); }
    });
    document.addEventListener("click", function (event) {
      if (!box.contains(event.target)) results.hidden = true;
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
