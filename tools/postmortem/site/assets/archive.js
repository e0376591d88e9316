/* Archive table: sort by clicking a column header, filter by severity, service, year, tag and
 * text. Without JavaScript the table is still there, newest first, and the service, tag and
 * year pages do the filtering. No dependencies. */
(function () {
  "use strict";

  function sortValue(row, key) {
    switch (key) {
      case "date": return row.dataset.date || "";
      case "title": return row.dataset.title || "";
      case "severity": return Number(row.dataset.severityRank);
      case "ttr": return Number(row.dataset.ttr);
      case "open": return Number(row.dataset.open);
      default: return "";
    }
  }

  function setUpSorting(table) {
    var body = table.tBodies[0];
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
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = sortValue(a, key), y = sortValue(b, key);
          var order = x < y ? -1 : x > y ? 1 : 0;
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  function setUpFilters(form, table) {
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var count = form.querySelector(".pm-filter-count");
    function has(list, value) {
      return (list || "").split("|").indexOf(value) !== -1;
    }
    function apply() {
      var want = {};
      form.querySelectorAll("[data-filter]").forEach(function (field) {
        want[field.dataset.filter] = field.value.trim();
      });
      var text = (want.text || "").toLowerCase();
      var shown = 0;
      rows.forEach(function (row) {
        var d = row.dataset;
        var ok = (!want.severity || d.severity === want.severity) &&
          (!want.service || has(d.services, want.service)) &&
          (!want.tag || has(d.tags, want.tag)) &&
          (!want.year || d.year === want.year) &&
          (!want.status || d.status === want.status) &&
          (!text || row.textContent.toLowerCase().indexOf(text) !== -1 ||
            (d.tags || "").toLowerCase().indexOf(text) !== -1);
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      if (count) count.textContent = shown + " of " + rows.length + " shown";
    }
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
    // Filters can be linked to: index.html?service=orders-api&year=2025
    var params = new URLSearchParams(window.location.search);
    form.querySelectorAll("[data-filter]").forEach(function (field) {
      var value = params.get(field.dataset.filter);
      if (value !== null) field.value = value;
    });
    form.hidden = false;
    apply();
  }

  function init() {
    document.querySelectorAll("table.pm-table").forEach(function (table) {
      if (table.tBodies.length && table.querySelector("th[data-sort]")) setUpSorting(table);
    });
    var form = document.querySelector("form.pm-filters");
    var archive = document.querySelector("table.pm-archive");
    if (form && archive) setUpFilters(form, archive);
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(init);  // Material's instant navigation
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
