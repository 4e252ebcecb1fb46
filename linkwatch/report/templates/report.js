"use strict";
(function () {
  var table = document.getElementById("citations");
  if (!table) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var filters = {
    verdict: document.getElementById("f-verdict"),
    source: document.getElementById("f-source"),
    host: document.getElementById("f-host")
  };
  var shown = document.getElementById("shown");
  var sorted = { col: -1, dir: 1 };

  function applyFilters() {
    var count = 0;
    rows.forEach(function (row) {
      var keep = Object.keys(filters).every(function (name) {
        var want = filters[name].value;
        return want === "" || row.getAttribute("data-" + name) === want;
      });
      row.hidden = !keep;
      if (keep) { count += 1; }
    });
    shown.textContent = count + " of " + rows.length + " citations shown";
    table.setAttribute("data-shown", String(count));
  }

  function cellKey(row, col) {
    var cell = row.cells[col];
    var key = cell.getAttribute("data-key");
    return key !== null ? key : cell.textContent.trim().toLowerCase();
  }

  function sortBy(button) {
    var col = Number(button.getAttribute("data-col"));
    var numeric = button.getAttribute("data-type") === "num";
    var dir = sorted.col === col ? -sorted.dir : 1;
    sorted = { col: col, dir: dir };
    var keyed = rows.map(function (row, index) {
      return { row: row, key: cellKey(row, col), index: index };
    });
    keyed.sort(function (a, b) {
      var order;
      if (numeric) {
        order = (parseFloat(a.key) || 0) - (parseFloat(b.key) || 0);
      } else {
        order = a.key.localeCompare(b.key);
      }
      return order !== 0 ? order * dir : a.index - b.index;
    });
    keyed.forEach(function (item) { body.appendChild(item.row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      th.removeAttribute("aria-sort");
    });
    button.parentNode.setAttribute("aria-sort", dir > 0 ? "ascending" : "descending");
  }

  Array.prototype.forEach.call(table.querySelectorAll("thead button"), function (button) {
    button.addEventListener("click", function () { sortBy(button); });
  });
  Object.keys(filters).forEach(function (name) {
    filters[name].addEventListener("change", applyFilters);
  });
  document.getElementById("f-clear").addEventListener("click", function () {
    Object.keys(filters).forEach(function (name) { filters[name].value = ""; });
    applyFilters();
  });
  applyFilters();
}());
