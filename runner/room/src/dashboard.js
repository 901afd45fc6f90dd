// The room's dashboard: reads the facilitator token from the URL fragment (or, for the
// server-rendered first view, the query, which it then moves to the fragment), follows
// /api/events and redraws from each room document. Every piece of learner data goes into
// the page as text (textContent, setAttribute), never as markup.
(function () {
  "use strict";
  var MARKS = { green: "\u2713", red: "\u2717", does_not_compile: "\u26a0", not_started: "\u00b7", not_current: "?", tests_modified: "T" };
  var WORDS = { green: "green", red: "red", does_not_compile: "does not compile", not_started: "not started", not_current: "not current", tests_modified: "tests modified \u2014 not counted" };
  var $ = function (id) { return document.getElementById(id); };
  var conn = $("conn");
  var fragment = new URLSearchParams(location.hash.slice(1));
  var query = new URLSearchParams(location.search);
  var token = fragment.get("token") || query.get("token");
  if (!token) {
    conn.textContent = "no token";
    conn.className = "conn down";
    return;
  }
  if (query.get("token")) {
    // Out of the address bar and the history: the fragment is never sent to a server.
    history.replaceState(null, "", location.pathname + "#token=" + encodeURIComponent(token));
  }
  var q = "?token=" + encodeURIComponent(token);
  $("export-html").setAttribute("href", "/api/export/cohort.html" + q);
  $("export-json").setAttribute("href", "/api/export/cohort.json" + q);

  var loadedAt = Date.now();

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function add(parent) {
    for (var i = 1; i < arguments.length; i++) {
      var c = arguments[i];
      parent.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return parent;
  }
  function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); return e; }
  function dur(s) {
    s = Math.max(0, Math.floor(s));
    if (s < 60) return s + " s";
    if (s < 3600) return Math.floor(s / 60) + " min";
    var m = Math.floor((s % 3600) / 60);
    return Math.floor(s / 3600) + " h " + (m < 10 ? "0" : "") + m + " min";
  }
  function ageText(kind, s) { return kind === "ago" ? dur(s) + " ago" : dur(s); }
  function timed(tag, cls, kind, secs) {
    var e = el(tag, cls, ageText(kind, secs));
    e.setAttribute("data-age", String(secs));
    e.setAttribute("data-kind", kind);
    return e;
  }
  function statusClass(s) { return Object.prototype.hasOwnProperty.call(MARKS, s) ? "st-" + s : "st-other"; }
  function suiteOf(id) { var i = id.indexOf("/"); return i < 0 ? id : id.slice(0, i); }
  function kataOf(id) { var i = id.indexOf("/"); return i < 0 ? id : id.slice(i + 1); }
  function cellText(c) {
    var t = Object.prototype.hasOwnProperty.call(MARKS, c.status) ? MARKS[c.status] : "\u2022";
    if (c.hints_used > 0) t += " h" + c.hints_used;
    if (c.solution_peeked) t += " p";
    return t;
  }
  function cellTitle(name, id, c) {
    var parts = [name + " \u00b7 " + id + ": " + (WORDS[c.status] || c.status)];
    if (c.tests_total > 0) parts.push(c.tests_passed + "/" + c.tests_total + " tests");
    parts.push(c.checks + " checks");
    parts.push(c.hints_used + " hints");
    if (c.solution_peeked) parts.push("solution shown before green");
    if (c.time_to_green_secs !== null && c.time_to_green_secs !== undefined) parts.push(dur(c.time_to_green_secs) + " from first edit to green");
    if (c.failing_test) parts.push("failing: " + c.failing_test);
    return parts.join(", ");
  }

  function render(doc) {
    var ids = doc.katas.map(function (k) { return k.id; });
    var active = doc.learners.filter(function (l) { return !l.revoked; }).length;
    $("title").textContent = doc.plan ? "Kata room \u00b7 " + doc.plan.title : "Kata room";
    $("summary").textContent = active + " learners \u00b7 " + ids.length + " katas \u00b7 " + doc.stuck.length + " stuck";
    var clock = clear($("clock"));
    add(clock, "clock ", timed("span", "", "dur", doc.generated_at - doc.started_at));

    var stuck = clear($("stuck"));
    if (doc.stuck.length === 0) add(stuck, el("li", "none", "Nobody is stuck."));
    doc.stuck.forEach(function (s) {
      var li = add(el("li", "stuck-item"), el("span", "who", s.name), " on ", el("span", "kata", s.kata), " for ",
        timed("span", "for", "dur", s.for_secs), " \u00b7 " + s.checks + " checks");
      if (s.failing_test) add(li, " \u00b7 failing ", el("code", "failing", s.failing_test));
      add(li, " ", el("span", "why", "(" + s.why + ")"));
      add(stuck, li);
    });

    var stuckAt = {};
    doc.stuck.forEach(function (s) { stuckAt[s.name + "\u0000" + s.kata] = true; });
    var grid = clear($("grid"));
    var thead = el("thead");
    var r1 = el("tr");
    var lead = el("th");
    lead.setAttribute("colspan", "4");
    add(r1, lead);
    var groups = [];
    ids.forEach(function (id) {
      var s = suiteOf(id);
      if (groups.length && groups[groups.length - 1][0] === s) groups[groups.length - 1][1]++;
      else groups.push([s, 1]);
    });
    groups.forEach(function (g) {
      var th = el("th", "suite", g[0]);
      th.setAttribute("colspan", String(g[1]));
      add(r1, th);
    });
    var r2 = add(el("tr"), el("th", "col", "learner"), el("th", "col", "last snapshot"), el("th", "col", "on kata"), el("th", "col", "green"));
    ids.forEach(function (id) {
      var th = add(el("th", "kata"), el("span", "", kataOf(id)));
      th.setAttribute("title", id);
      add(r2, th);
    });
    add(grid, add(thead, r1, r2));
    var tbody = el("tbody");
    doc.learners.forEach(function (l) {
      var tr = el("tr", l.revoked ? "revoked" : "");
      add(tr, el("th", "learner", l.name));
      if (l.snapshot_age_secs === null) add(tr, el("td", "info age", "never"));
      else add(tr, timed("td", "info age", "ago", l.snapshot_age_secs));
      add(tr, el("td", "info current", l.revoked ? "revoked" : (l.current_kata || "\u2013")));
      add(tr, el("td", "info total", l.green + "/" + l.total));
      ids.forEach(function (id) {
        var c = l.katas[id];
        var td;
        if (!c) {
          td = el("td", "cell st-missing", "\u2013");
          td.setAttribute("title", l.name + " \u00b7 " + id + ": no snapshot of it");
        } else {
          var cls = "cell " + statusClass(c.status);
          if (stuckAt[l.name + "\u0000" + id]) cls += " stuck";
          if (l.current_kata === id) cls += " current";
          td = el("td", cls, cellText(c));
          td.setAttribute("title", cellTitle(l.name, id, c));
        }
        add(tr, td);
      });
      add(tbody, tr);
    });
    if (doc.learners.length === 0) {
      var none = el("td", "info", "No learner has joined yet.");
      none.setAttribute("colspan", String(4 + ids.length));
      add(tbody, add(el("tr"), none));
    }
    add(grid, tbody);

    var diff = clear($("difficulty"));
    add(diff, add(el("thead"), add(el("tr"), el("th", "", "kata"), el("th", "", "green"), el("th", "", ""), el("th", "", "stuck"), el("th", "", "median time to green"))));
    var db = el("tbody");
    doc.katas.forEach(function (k) {
      var meter = el("meter");
      meter.setAttribute("min", "0");
      meter.setAttribute("max", String(Math.max(1, k.learners)));
      meter.setAttribute("value", String(k.green));
      add(db, add(el("tr"), el("td", "", k.id), el("td", "", k.green + "/" + k.learners), add(el("td"), meter),
        el("td", "", String(k.stuck)), el("td", "", k.median_time_to_green_secs === null ? "\u2013" : dur(k.median_time_to_green_secs))));
    });
    add(diff, db);

    var section = $("plan-section");
    if (!doc.plan) { section.hidden = true; return; }
    section.hidden = false;
    var elapsed = doc.generated_at - doc.started_at;
    var total = 0;
    doc.plan.katas.forEach(function (k) { total += k.time_box_secs || 0; });
    var pc = clear($("plan-clock"));
    var bar = el("progress");
    bar.setAttribute("max", String(Math.max(1, total)));
    bar.setAttribute("value", String(Math.min(elapsed, total)));
    add(pc, timed("span", "", "dur", elapsed), " since the room started; the time boxes add up to " + dur(total) +
      (doc.plan.minutes ? " (session " + dur(doc.plan.minutes * 60) + ") " : " "), bar);
    var tl = clear($("timeline"));
    add(tl, add(el("thead"), add(el("tr"), el("th", "", "kata"), el("th", "", "time box"), el("th", "", "by the clock"), el("th", "", "green"), el("th", "", ""))));
    var tb = el("tbody");
    var start = 0;
    var byId = {};
    doc.katas.forEach(function (k) { byId[k.id] = k; });
    doc.plan.katas.forEach(function (k) {
      var box = k.time_box_secs || 0;
      var end = start + box;
      var state = !box ? "" : elapsed >= end ? "done" : elapsed >= start ? "now" : "next";
      var info = byId[k.id] || { green: 0, learners: 0 };
      add(tb, add(el("tr", state), el("td", "", k.id), el("td", "", box ? dur(box) : "\u2013"),
        el("td", "", box ? "+" + (start ? dur(start) : "0 min") + " \u2013 +" + dur(end) : "\u2013"),
        el("td", "", info.green + "/" + info.learners), el("td", "", state === "now" ? "the room should be here" : state)));
      start = end;
    });
    add(tl, tb);
  }

  function tick() {
    var delta = (Date.now() - loadedAt) / 1000;
    var nodes = document.querySelectorAll("[data-age]");
    for (var i = 0; i < nodes.length; i++) {
      var n = nodes[i];
      n.textContent = ageText(n.getAttribute("data-kind"), Number(n.getAttribute("data-age")) + delta);
    }
  }
  setInterval(tick, 1000);

  var events = new EventSource("/api/events" + q);
  events.addEventListener("room", function (e) {
    var doc;
    try { doc = JSON.parse(e.data); } catch (err) { return; }
    loadedAt = Date.now();
    render(doc);
    $("notice").textContent = "";
    conn.textContent = "live";
    conn.className = "conn live";
  });
  events.onerror = function () {
    if (events.readyState === 2) {
      conn.textContent = "disconnected: the token was refused or the server stopped; reload the page";
    } else {
      conn.textContent = "reconnecting\u2026";
    }
    conn.className = "conn down";
  };
})();
