"use strict";
(function () {
  // The citations come as one JSON block; only the rows of the current page are drawn,
  // so a report of 100,000 citations opens as fast as one of a hundred. Sorting and
  // filtering work on the whole data set. Every value is set with textContent (or as an
  // href that the writer has already checked is http or https), never parsed as HTML.
  var table = document.getElementById("citations");
  var source = document.getElementById("lw-data");
  if (!table || !source) { return; }
  var data = JSON.parse(source.textContent);
  var col = {};
  data.columns.forEach(function (name, i) { col[name] = i; });
  var rows = data.rows;
  var lists = data.lists;
  var body = table.tBodies[0];
  var shown = document.getElementById("shown");
  var pageLabel = document.getElementById("page");
  var pageSize = document.getElementById("page-size");
  var prev = document.getElementById("page-prev");
  var next = document.getElementById("page-next");
  // Filter name -> [select element, column holding its value].
  var filters = {
    verdict: [document.getElementById("f-verdict"), col.verdict],
    source: [document.getElementById("f-source"), col.source],
    host: [document.getElementById("f-host"), col.host],
    report: [document.getElementById("f-report"), col.report]
  };
  var names = Object.keys(filters).filter(function (name) { return !!filters[name][0]; });
  var order = rows.map(function (_row, i) { return i; });
  var view = order;
  var page = 0;
  var sorted = { col: -1, dir: 1 };

  function text(row, name) {
    var value = row[col[name]];
    return lists[name] ? lists[name][value] : value;
  }

  // The values sent in short form (see DATA_COLUMNS in linkwatch/report/html.py).
  function citationText(row) {
    var value = row[col.citation];
    if (value !== 1) { return value; }
    var parts = [text(row, "source"), text(row, "date"), text(row, "location")].filter(Boolean);
    return parts.length ? row[col.id] + ": " + parts.join(", ") : row[col.id];
  }

  function captureHref(row) {
    var pre = text(row, "capture_pre");
    var post = row[col.capture_post];
    if (!pre) { return ""; }
    if (post === 0) { return pre; }
    return pre + row[col.capture_ts] + "/" + (post === 1 ? row[col.url] : post);
  }

  function captureLabel(row) {
    var by = text(row, "capture_by");
    var ts = String(row[col.capture_ts]).replace(/[^0-9]/g, "");
    var when = ts;
    if (ts.length >= 12) {
      when = ts.slice(0, 4) + "-" + ts.slice(4, 6) + "-" + ts.slice(6, 8) + " " +
        ts.slice(8, 10) + ":" + ts.slice(10, 12);
    } else if (ts.length >= 8) {
      when = ts.slice(0, 4) + "-" + ts.slice(4, 6) + "-" + ts.slice(6, 8);
    }
    return (by + " " + when).trim();
  }

  function field(row, name) {
    if (name === "citation") { return citationText(row); }
    return text(row, name);
  }

  // "" is "all"; a source, host or report is "=" and its value, so that "(none)" (the
  // empty value) can be chosen too.
  function wanted(name) {
    var value = filters[name][0].value;
    if (value === "") { return -1; }
    if (name === "verdict") { return data.verdicts.indexOf(value); }
    var at = lists[name].indexOf(value.slice(1));
    return at < 0 ? -2 : at;
  }

  function applyFilters() {
    var tests = [];
    names.forEach(function (name) {
      var want = wanted(name);
      if (want !== -1) { tests.push([filters[name][1], want]); }
    });
    view = tests.length === 0 ? order : order.filter(function (i) {
      var row = rows[i];
      for (var t = 0; t < tests.length; t += 1) {
        if (row[tests[t][0]] !== tests[t][1]) { return false; }
      }
      return true;
    });
    page = 0;
    draw();
  }

  function cell(tr, value, className) {
    var td = document.createElement("td");
    if (value !== undefined && value !== "") { td.textContent = value; }
    if (className) { td.className = className; }
    tr.appendChild(td);
    return td;
  }

  function link(parent, href, label) {
    var a = document.createElement("a");
    a.href = href;
    a.rel = "noopener noreferrer";
    a.textContent = label;
    parent.appendChild(a);
  }

  function note(parent, value) {
    var span = document.createElement("span");
    span.className = "reason";
    span.textContent = value;
    parent.appendChild(span);
  }

  function drawRow(row) {
    var tr = document.createElement("tr");
    var verdict = data.verdicts[row[col.verdict]];
    tr.setAttribute("data-id", row[col.id]);
    tr.setAttribute("data-verdict", verdict);
    tr.setAttribute("data-source", text(row, "source"));
    tr.setAttribute("data-host", text(row, "host"));
    var badge = document.createElement("span");
    badge.className = "v v-" + verdict;
    badge.textContent = verdict;
    cell(tr).appendChild(badge);
    var citation = cell(tr, citationText(row));
    if (row[col.title]) {
      citation.appendChild(document.createElement("br"));
      note(citation, row[col.title]);
    }
    cell(tr, text(row, "source"));
    cell(tr, text(row, "host"));
    var url = row[col.url];
    var href = row[col.href] === 1 ? url : row[col.href];
    var urlCell = cell(tr);
    if (href) { link(urlCell, href, url); } else if (url) { urlCell.textContent = url; }
    var live = cell(tr, text(row, "live") + (row[col.http] ? " (" + row[col.http] + ")" : ""));
    if (text(row, "reason")) {
      live.appendChild(document.createElement("br"));
      note(live, text(row, "reason"));
    }
    var capture = cell(tr);
    var captureLink = captureHref(row);
    var captureText = row[col.capture_ts] || text(row, "capture_by") ? captureLabel(row) : "";
    if (captureLink) {
      link(capture, captureLink, captureText);
      capture.appendChild(document.createElement("br"));
    } else if (captureText) {
      capture.appendChild(document.createTextNode(captureText));
      capture.appendChild(document.createElement("br"));
    }
    note(capture, text(row, "archive"));
    cell(tr, text(row, "change"));
    cell(tr, text(row, "action"));
    if (data.several) { cell(tr, text(row, "report")); }
    return tr;
  }

  function draw() {
    var size = Number(pageSize.value) || 100;
    var pages = Math.max(1, Math.ceil(view.length / size));
    page = Math.min(Math.max(page, 0), pages - 1);
    var fragment = document.createDocumentFragment();
    var end = Math.min(view.length, (page + 1) * size);
    for (var k = page * size; k < end; k += 1) { fragment.appendChild(drawRow(rows[view[k]])); }
    body.textContent = "";
    body.appendChild(fragment);
    shown.textContent = view.length + " of " + rows.length + " citations shown";
    pageLabel.textContent = "page " + (page + 1) + " of " + pages;
    prev.disabled = page === 0;
    next.disabled = page >= pages - 1;
    table.setAttribute("data-shown", String(view.length));
    table.setAttribute("data-page", String(page + 1));
  }

  // Sort keys per column, made once per column on first use.
  var keys = {};
  var sortColumns = ["verdict", "citation", "source", "host", "url", "live", "capture_ts",
    "change", "action", "report"];

  function keysFor(index) {
    if (!keys[index]) {
      var name = sortColumns[index];
      keys[index] = rows.map(function (row) {
        if (name === "verdict") { return row[col.verdict]; }
        var value = field(row, name);
        return value === null || value === undefined ? "" : String(value).toLowerCase();
      });
    }
    return keys[index];
  }

  function sortBy(button) {
    var index = Number(button.getAttribute("data-col"));
    var dir = sorted.col === index ? -sorted.dir : 1;
    sorted = { col: index, dir: dir };
    var k = keysFor(index);
    order = order.slice().sort(function (a, b) {
      var x = k[a];
      var y = k[b];
      if (x !== y) { return (x < y ? -1 : 1) * dir; }
      return a - b;
    });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      th.removeAttribute("aria-sort");
    });
    button.parentNode.setAttribute("aria-sort", dir > 0 ? "ascending" : "descending");
    applyFilters();
  }

  Array.prototype.forEach.call(table.querySelectorAll("thead button"), function (button) {
    button.addEventListener("click", function () { sortBy(button); });
  });
  names.forEach(function (name) {
    filters[name][0].addEventListener("change", applyFilters);
  });
  document.getElementById("f-clear").addEventListener("click", function () {
    names.forEach(function (name) { filters[name][0].value = ""; });
    applyFilters();
  });
  Array.prototype.forEach.call(document.querySelectorAll("button[data-report]"), function (b) {
    b.addEventListener("click", function () {
      names.forEach(function (name) { filters[name][0].value = ""; });
      filters.report[0].value = "=" + b.getAttribute("data-report");
      applyFilters();
      table.scrollIntoView();
    });
  });
  prev.addEventListener("click", function () { page -= 1; draw(); });
  next.addEventListener("click", function () { page += 1; draw(); });
  pageSize.addEventListener("change", function () { page = 0; draw(); });
  applyFilters();
  table.setAttribute("data-rendered-ms", String(Math.round(performance.now())));
}());
