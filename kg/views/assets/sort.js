/* kg tables: click a column header (or press Enter on it) to sort by that column; again to
   reverse. A cell's data-key, when present, is what is compared (dates across precisions,
   numbers); an empty key (undated, no value) always sorts last, in either direction. Only
   existing rows are moved and aria-sort set: no text is ever parsed as markup. */
(function () {
  "use strict";
  var collator = new Intl.Collator("zh-Hans-CN", { numeric: true });

  function keyOf(row, col) {
    var cell = row.cells[col];
    if (!cell) return "";
    return cell.hasAttribute("data-key") ? cell.getAttribute("data-key") : cell.textContent.trim();
  }

  function compare(a, b, numeric) {
    if (numeric) return parseFloat(a) - parseFloat(b);
    return collator.compare(a, b);
  }

  function sortBy(table, th) {
    var col = th.cellIndex;
    var numeric = th.getAttribute("data-type") === "number";
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows).map(function (r, i) {
      return { row: r, key: keyOf(r, col), at: i };
    });
    rows.sort(function (x, y) {
      if ((x.key === "") !== (y.key === "")) return x.key === "" ? 1 : -1;
      var c = x.key === "" ? 0 : compare(x.key, y.key, numeric);
      if (!ascending) c = -c;
      return c || x.at - y.at;  // stable: ties keep their current order
    });
    rows.forEach(function (r) { body.appendChild(r.row); });
    Array.prototype.forEach.call(th.parentNode.cells, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      th.tabIndex = 0;
      th.addEventListener("click", function () { sortBy(table, th); });
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(table, th); }
      });
    });
  });
  document.body.setAttribute("data-ready", "1");
})();
