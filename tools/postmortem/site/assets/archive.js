/* Archive table: sort by clicking a column header, filter by severity, service, year, tag and
 * text. The filters live in the URL (?severity=P1&service=cdn), so a filtered view can be
 * shared and Back returns to it. An archive of more than one page keeps its other rows in
 * archive.json, loaded only when a filter or a sort needs them; rows drawn from it follow
 * templates/postmortems/table.html.
 * Without JavaScript the table is still there, newest first, with pages, and the service, tag
 * and year pages do the filtering. No dependencies. */
(function () {
  "use strict";

  var STEP = 100; // rows drawn at a time from archive.json
  var FILTERS = ["q", "severity", "service", "year", "tag", "status"];

  function has(list, value) {
    return (list || "").split("|").indexOf(value) !== -1;
  }

  function rowFromDom(row) {
    var d = row.dataset;
    return {
      node: row,
      date: d.date || "", title: d.title || "", severity: d.severity || "",
      rank: Number(d.severityRank), services: (d.services || "").split("|"),
      tags: (d.tags || "").split("|"), year: d.year || "", status: d.status || "",
      ttr: Number(d.ttr), open: Number(d.open), text: row.textContent.toLowerCase()
    };
  }

  function rowFromData(fields, values) {
    var r = {};
    fields.forEach(function (name, i) { r[name] = values[i]; });
    var c = r.counts;
    r.year = r.date.slice(0, 4);
    r.open = c[2] * 10000 + c[1] + c[2];
    r.text = (r.title + " " + r.services.join(" ") + " " + r.tags.join(" ")).toLowerCase();
    r.title = String(r.title);
    return r;
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function sevClass(value) {
    return (value || "").toLowerCase().replace(/[^a-z0-9]/g, "") || "unknown";
  }

  function countsNode(c) {
    var cell = el("td", { "data-label": "Action items" });
    if (c[0] + c[1] + c[2] + c[3] === 0) {
      cell.appendChild(el("span", { "class": "pm-muted" }, "none"));
      return cell;
    }
    var parts = [["done", c[0], "done"], ["open", c[1], "open"], ["overdue", c[2], "overdue"],
      ["wont-do", c[3], "won't do"]];
    parts.forEach(function (p, i) {
      if (i > 0 && !p[1]) return;
      if (i > 0) cell.appendChild(document.createTextNode(" "));
      cell.appendChild(el("span", { "class": "pm-count pm-count--" + p[0] }, p[1] + " " + p[2]));
    });
    return cell;
  }

  function drawRow(r, serviceUrls) {
    if (r.node) return r.node;
    var tr = el("tr", { "data-date": r.date, "data-severity": r.severity });
    tr.appendChild(el("td", { "data-label": "Date" }, r.date ? r.date.slice(0, 10) : "–"));
    var title = el("td", { "data-label": "Title", "class": "pm-title" });
    title.appendChild(el("a", { href: r.href }, r.title));
    if (r.status !== "published") {
      title.appendChild(document.createTextNode(" "));
      title.appendChild(el("span", { "class": "pm-status pm-status--" + sevClass(r.status) }, r.status));
    }
    if (r.restricted) {
      title.appendChild(document.createTextNode(" "));
      title.appendChild(el("span", { "class": "pm-status pm-status--restricted" }, "restricted"));
    }
    tr.appendChild(title);
    var sev = el("td", { "data-label": "Severity" });
    sev.appendChild(el("span", { "class": "pm-sev pm-sev--" + sevClass(r.severity) }, r.severity || "?"));
    tr.appendChild(sev);
    var services = el("td", { "data-label": "Services" });
    r.services.forEach(function (s, i) {
      if (i) services.appendChild(document.createTextNode(", "));
      services.appendChild(el("a", { href: serviceUrls[s] || "#" }, s));
    });
    tr.appendChild(services);
    tr.appendChild(el("td", { "data-label": "Time to resolve" }, r.ttr_text));
    tr.appendChild(countsNode(r.counts));
    r.node = tr;
    return tr;
  }

  function matches(r, want) {
    var text = (want.q || "").toLowerCase();
    return (!want.severity || r.severity === want.severity) &&
      (!want.service || r.services.indexOf(want.service) !== -1) &&
      (!want.tag || r.tags.indexOf(want.tag) !== -1) &&
      (!want.year || r.year === want.year) &&
      (!want.status || r.status === want.status) &&
      (!text || r.text.indexOf(text) !== -1);
  }

  function sortKey(r, key) {
    switch (key) {
      case "date": return r.date;
      case "title": return r.title.toLowerCase();
      case "severity": return r.rank;
      case "ttr": return r.ttr;
      case "open": return r.open;
      default: return "";
    }
  }

  function setUp(table, form) {
    var body = table.tBodies[0];
    var wrap = table.closest(".pm-table-wrap") || table;
    var pager = wrap.parentNode.querySelector(".pm-pager");
    var nomatch = wrap.parentNode.querySelector(".pm-nomatch");
    var count = form && form.querySelector(".pm-filter-count");
    var pageRows = Array.prototype.map.call(body.querySelectorAll("tr:not(.pm-empty-row)"), rowFromDom);
    var dataUrl = table.dataset.pmAll;
    var total = Number(table.dataset.pmTotal) || pageRows.length;
    var allRows = dataUrl ? null : pageRows;
    var serviceUrls = {};
    var sort = { key: "date", ascending: false };
    var limit = STEP;
    var more = null;
    var moved = false; // rows of this page are out of their built order

    function wanted() {
      var want = {};
      if (!form) return want;
      FILTERS.forEach(function (name) {
        var field = form.elements.namedItem(name);
        if (field && field.value.trim()) want[name] = field.value.trim();
      });
      return want;
    }

    function load() {
      if (allRows) return Promise.resolve(allRows);
      return fetch(dataUrl).then(function (response) {
        if (!response.ok) throw new Error("archive.json: " + response.status);
        return response.json();
      }).then(function (data) {
        serviceUrls = data.services;
        allRows = data.rows.map(function (values) { return rowFromData(data.fields, values); });
        return allRows;
      });
    }

    function show(rows, all) {
      var want = wanted();
      var shown = rows.filter(function (r) { return matches(r, want); });
      if (sort.key !== "date" || sort.ascending) {
        shown = shown.slice().sort(function (a, b) {
          var x = sortKey(a, sort.key), y = sortKey(b, sort.key);
          var order = x < y ? -1 : x > y ? 1 : 0;
          return sort.ascending ? order : -order;
        });
      }
      if (!all) {
        // Every row is on this page: hide the ones that do not match, in place, and move
        // rows only when a sort asks for it (moving 100 rows costs a layout).
        var keep = new Set(shown);
        rows.forEach(function (r) { r.node.hidden = !keep.has(r); });
        var sorted = sort.key !== "date" || sort.ascending;
        if (sorted || moved) {
          (sorted ? shown : rows).forEach(function (r) { body.appendChild(r.node); });
          moved = sorted;
        }
      } else {
        var fragment = document.createDocumentFragment();
        shown.slice(0, limit).forEach(function (r) {
          var node = drawRow(r, serviceUrls);
          node.hidden = false;
          fragment.appendChild(node);
        });
        body.replaceChildren(fragment);
        if (more) more.remove();
        more = null;
        if (shown.length > limit) {
          more = el("button", { type: "button", "class": "pm-more" },
            "Show " + Math.min(STEP, shown.length - limit) + " more of " + (shown.length - limit));
          more.addEventListener("click", function () { limit += STEP; show(allRows, true); });
          wrap.after(more);
        }
      }
      if (pager) pager.hidden = all;
      if (nomatch) nomatch.hidden = shown.length !== 0;
      if (count) {
        count.textContent = Object.keys(want).length ? shown.length + " of " + (all ? allRows.length : total) + " shown" : "";
      }
    }

    function apply() {
      var active = Object.keys(wanted()).length > 0 || sort.key !== "date" || sort.ascending;
      if (!dataUrl || !active) {
        if (dataUrl) {
          // Back to this page's own rows, as built.
          if (more) { more.remove(); more = null; }
          body.replaceChildren.apply(body, pageRows.map(function (r) { r.node.hidden = false; return r.node; }));
        }
        show(pageRows, false);
        return;
      }
      load().then(function (rows) { show(rows, true); }, function (error) {
        if (count) count.textContent = "Filtering unavailable: " + error.message;
      });
    }

    function toUrl() {
      var params = new URLSearchParams(window.location.search);
      var want = wanted();
      FILTERS.forEach(function (name) {
        if (want[name]) params.set(name, want[name]); else params.delete(name);
      });
      var query = params.toString();
      var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
      if (url !== window.location.pathname + window.location.search + window.location.hash) {
        window.history.replaceState(null, "", url);
      }
    }

    function fromUrl() {
      if (!form) return;
      var params = new URLSearchParams(window.location.search);
      FILTERS.forEach(function (name) {
        var field = form.elements.namedItem(name);
        if (field) field.value = params.get(name) || "";
      });
    }

    table.querySelectorAll("th[data-sort]").forEach(function (th) {
      var button = document.createElement("button");
      button.type = "button";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var key = th.dataset.sort;
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("th[data-sort]").forEach(function (other) {
          other.removeAttribute("aria-sort");
        });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        sort = { key: key, ascending: ascending };
        limit = STEP;
        apply();
      });
    });

    if (form) {
      var changed = function () { limit = STEP; toUrl(); apply(); };
      form.addEventListener("input", changed);
      form.addEventListener("change", changed);
      form.addEventListener("submit", function (event) { event.preventDefault(); });
      form.addEventListener("reset", function () { window.setTimeout(changed, 0); });
      // Back, Forward and a page restored from the back-forward cache show what the URL says.
      window.addEventListener("popstate", function () { fromUrl(); apply(); });
      window.addEventListener("pageshow", function (event) {
        if (event.persisted) { fromUrl(); apply(); }
      });
      fromUrl();
    }
    apply();
  }

  function scrollables() {
    // A table wider than a phone scrolls sideways inside Material's wrapper: keyboard users
    // must be able to reach it.
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap, index) {
      if (wrap.scrollWidth > wrap.clientWidth + 1 && !wrap.hasAttribute("tabindex")) {
        wrap.tabIndex = 0;
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", "Table " + (index + 1) + " (scrolls sideways)");
      }
    });
  }

  function init() {
    scrollables();
    var form = document.querySelector("form.pm-filters");
    document.querySelectorAll("table.pm-archive, table.pm-listing").forEach(function (table) {
      if (table.dataset.pmReady) return;
      table.dataset.pmReady = "1";
      setUp(table, table.classList.contains("pm-archive") ? form : null);
    });
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(init);  // Material's instant navigation
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
