// The query page, enhanced: CodeMirror with SPARQL highlighting, completion of prefixes,
// classes and properties (/api/terms), the syntax error marked before running
// (/api/parse), examples, a run with a cancel, sortable and paged results, the query kept
// in the URL. Without JavaScript the plain form does all but the extras.
(function () {
  "use strict";
  var form = document.getElementById("query-form");
  var area = document.getElementById("query");
  if (!form || !area) { return; }
  var examples = document.getElementById("examples");
  var status = document.getElementById("parse-status");
  var running = document.getElementById("running");
  var cancel = document.getElementById("cancel");
  var terms = { prefixes: {}, classes: [], properties: [] };
  var PAGE = 50;
  var KEYWORDS = ["SELECT", "DISTINCT", "WHERE", "FILTER", "OPTIONAL", "UNION", "GRAPH",
    "ORDER BY", "GROUP BY", "LIMIT", "OFFSET", "CONSTRUCT", "DESCRIBE", "ASK", "VALUES", "BIND",
    "MINUS", "EXISTS", "NOT EXISTS", "COUNT", "SAMPLE", "GROUP_CONCAT", "LANG", "STR", "REGEX",
    "CONTAINS", "LCASE", "HAVING", "AS", "PREFIX", "SERVICE"];

  function fetchJson(url, options) {
    return fetch(url, options).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.json();
    });
  }

  fetchJson(form.dataset.terms).then(function (data) { terms = data; }).catch(function () {});

  // --- completion -----------------------------------------------------------------------
  function hint(cm) {
    var cursor = cm.getCursor();
    var line = cm.getLine(cursor.line);
    var start = cursor.ch;
    while (start > 0 && /[\w:.\-]/.test(line.charAt(start - 1))) { start -= 1; }
    var word = line.slice(start, cursor.ch);
    if (!word) { return null; }
    var lower = word.toLowerCase();
    var list = [];
    var colon = word.indexOf(":");
    if (colon >= 0) {
      terms.classes.concat(terms.properties).forEach(function (term) {
        if (term.name.toLowerCase().indexOf(lower) === 0) {
          list.push({ text: term.name, displayText: term.name + (term.label ? "  " + term.label : "") });
        }
      });
    } else {
      Object.keys(terms.prefixes).forEach(function (prefix) {
        if (prefix.indexOf(lower) === 0) { list.push({ text: prefix + ":", displayText: prefix + ":" }); }
      });
      KEYWORDS.forEach(function (keyword) {
        if (keyword.toLowerCase().indexOf(lower) === 0) { list.push(keyword); }
      });
    }
    if (!list.length) { return null; }
    return { list: list, from: CodeMirror.Pos(cursor.line, start), to: cursor };
  }

  // --- the syntax check before running -------------------------------------------------
  function lint(text, done, _options, cm) {
    var body = new URLSearchParams();
    body.set("query", text);
    fetchJson(form.dataset.parse, { method: "POST", body: body }).then(function (verdict) {
      status.textContent = verdict.ok ? "" : verdict.message;
      status.className = "parse-status" + (verdict.ok ? "" : " error");
      status.dataset.line = verdict.line || "";
      status.dataset.column = verdict.column || "";
      if (verdict.ok || !verdict.line) { done([]); return; }
      done([mark(cm, verdict)]);
    }).catch(function () { done([]); });
  }
  lint.async = true;

  function mark(cm, verdict) {
    // pyoxigraph's line and column are 1-based and point just past where reading stopped:
    // mark the word that ends (or starts) there.
    var line = Math.min(verdict.line - 1, cm.lastLine());
    var text = cm.getLine(line) || "";
    var ch = Math.max(0, Math.min(verdict.column - 1, text.length));
    var from = ch, to = ch;
    while (from > 0 && /\S/.test(text.charAt(from - 1))) { from -= 1; }
    if (from === to) { while (to < text.length && /\S/.test(text.charAt(to))) { to += 1; } }
    if (from === to) { to = Math.min(text.length, from + 1); from = Math.max(0, to - 1); }
    return { from: CodeMirror.Pos(line, from), to: CodeMirror.Pos(line, to),
             message: verdict.message, severity: "error" };
  }

  var editor = null;
  if (window.CodeMirror) {
    editor = CodeMirror.fromTextArea(area, {
      mode: "application/sparql-query", lineNumbers: true, matchBrackets: true,
      viewportMargin: Infinity, lineWrapping: true, gutters: ["CodeMirror-lint-markers"],
      lint: lint, screenReaderLabel: "SPARQL query", inputStyle: "contenteditable",
      hintOptions: { hint: hint, completeSingle: false },
      extraKeys: {
        "Ctrl-Space": "autocomplete",
        "Ctrl-Enter": function () { run(); },
        "Cmd-Enter": function () { run(); }
      }
    });
    // the textarea stays the form's field: keep it in step (the plain form, tests, tools)
    editor.on("change", function () { editor.save(); });
    editor.on("inputRead", function (cm, change) {
      if (change.text.length === 1 && /[\w:]/.test(change.text[0])) {
        cm.showHint({ hint: hint, completeSingle: false });
      }
    });
  } else {
    area.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); run(); }
    });
  }

  function text() { return editor ? editor.getValue() : area.value; }
  function setText(value) { if (editor) { editor.setValue(value); editor.focus(); } else { area.value = value; } }

  if (examples) {
    examples.addEventListener("change", function () {
      var chosen = examples.options[examples.selectedIndex];
      if (chosen && chosen.dataset.query) { setText(chosen.dataset.query); }
    });
  }

  // --- running, with a cancel ----------------------------------------------------------
  var controller = null;
  function params() {
    if (editor) { editor.save(); }
    var data = new URLSearchParams(new FormData(form));
    return data;
  }

  function run() {
    if (controller) { controller.abort(); }
    controller = new AbortController();
    var data = params();
    var url = form.action + "?" + data.toString();
    var started = Date.now();
    running.textContent = "Running…";
    cancel.hidden = false;
    var tick = setInterval(function () {
      running.textContent = "Running… " + Math.round((Date.now() - started) / 1000) + " s";
    }, 1000);
    var mine = controller;
    fetch(url, { signal: mine.signal, headers: { Accept: "text/html" } })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.getElementById("results");
        var old = document.getElementById("results");
        if (fresh && old) { old.replaceWith(fresh); enhance(fresh); }
        history.pushState(null, "", url);
        running.textContent = "Done in " + ((Date.now() - started) / 1000).toFixed(1) + " s.";
      })
      .catch(function (error) {
        running.textContent = error.name === "AbortError" ? "Cancelled." : "Failed: " + error.message;
      })
      .finally(function () {
        clearInterval(tick);
        if (controller === mine) { controller = null; cancel.hidden = true; }
      });
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
  cancel.addEventListener("click", function () { if (controller) { controller.abort(); } });
  window.addEventListener("popstate", function () { location.reload(); });

  // --- results: sortable, paged ---------------------------------------------------------
  function cellKey(cell) {
    // a literal's value without its datatype or language tag
    var value = (cell.querySelector(".lit") || cell).textContent.trim();
    var number = Number(value);
    return value !== "" && !isNaN(number) ? { n: number } : { s: value.toLowerCase() };
  }

  function compare(a, b) {
    if (a.n !== undefined && b.n !== undefined) { return a.n - b.n; }
    var x = a.n !== undefined ? String(a.n) : a.s, y = b.n !== undefined ? String(b.n) : b.s;
    return x < y ? -1 : x > y ? 1 : 0;
  }

  function enhance(section) {
    var table = section.querySelector("table.results");
    if (!table) { return; }
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var state = { page: 0, column: -1, descending: false };
    var pager = document.createElement("nav");
    pager.className = "pager";
    pager.setAttribute("aria-label", "Result pages");
    section.appendChild(pager);

    function show() {
      var pages = Math.max(1, Math.ceil(rows.length / PAGE));
      state.page = Math.min(state.page, pages - 1);
      body.textContent = "";
      rows.slice(state.page * PAGE, (state.page + 1) * PAGE).forEach(function (row) { body.appendChild(row); });
      pager.hidden = pages < 2;
      pager.innerHTML = "";
      var previous = button("Previous", state.page === 0, function () { state.page -= 1; show(); });
      var next = button("Next", state.page >= pages - 1, function () { state.page += 1; show(); });
      var where = document.createElement("span");
      where.textContent = "Page " + (state.page + 1) + " of " + pages;
      pager.append(previous, where, next);
    }

    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      var label = th.textContent;
      th.textContent = "";
      th.setAttribute("aria-sort", "none");
      th.appendChild(button(label, false, function () {
        state.descending = state.column === index ? !state.descending : false;
        state.column = index;
        rows.sort(function (a, b) {
          var order = compare(cellKey(a.cells[index]), cellKey(b.cells[index]));
          return state.descending ? -order : order;
        });
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (other) {
          other.setAttribute("aria-sort", "none");
        });
        th.setAttribute("aria-sort", state.descending ? "descending" : "ascending");
        state.page = 0;
        show();
      }, "sort"));
    });
    show();
  }

  function button(label, disabled, action, css) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.disabled = disabled;
    if (css) { b.className = css; }
    b.addEventListener("click", action);
    return b;
  }

  var first = document.getElementById("results");
  if (first) { enhance(first); }
}());
