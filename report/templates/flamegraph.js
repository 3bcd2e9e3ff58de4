"use strict";
(function () {
  var D = JSON.parse(document.getElementById("flame-data").textContent);
  var names = D.names, H = 18;
  function el(tag, text, cls) { var e = document.createElement(tag); if (text != null) e.textContent = text; if (cls) e.className = cls; return e; }
  function pct(v, t) { return t ? 100 * v / t : 0; }
  function fmt(v) {
    var a = Math.abs(v), u = D.unit;
    if (u === "nanoseconds") { if (a >= 1e9) return (v / 1e9).toFixed(2) + "s"; if (a >= 1e6) return (v / 1e6).toFixed(1) + "ms"; if (a >= 1e3) return (v / 1e3).toFixed(1) + "µs"; return v + "ns"; }
    if (u === "bytes") { if (a >= 1e9) return (v / 1e9).toFixed(2) + "GB"; if (a >= 1e6) return (v / 1e6).toFixed(2) + "MB"; if (a >= 1e3) return (v / 1e3).toFixed(1) + "kB"; return v + "B"; }
    return String(v) + (u && u !== "count" ? " " + u : "");
  }
  function perop(v) {
    var u = D.per_op_unit, a = Math.abs(v), s = v >= 0 ? "+" : "-";
    if (u === "ns/op") { v = v / 1e9; a = a / 1e9; u = "sec/op"; }
    if (u !== "sec/op" && u !== "s/op") return (v >= 0 ? "+" : "") + v.toPrecision(3) + " " + u;
    var sc = a < 1e-6 ? [1e9, "ns"] : a < 1e-3 ? [1e6, "µs"] : a < 1 ? [1e3, "ms"] : [1, "s"];
    var x = a * sc[0];
    return s + x.toFixed(x >= 99.95 ? 0 : x >= 9.995 ? 1 : 2) + sc[1] + "/op";
  }
  function sgn(x, d) { return (x >= 0 ? "+" : "") + x.toFixed(d); }
  // Nodes: [name, base, head, kids] → objects with parent links.
  function mk(a, parent, depth) {
    var n = { name: names[a[0]], b: a[1], h: a[2], parent: parent, depth: depth, kids: [] };
    n.delta = pct(n.h, D.head_total) - pct(n.b, D.base_total);
    for (var i = 0; i < a[3].length; i++) n.kids.push(mk(a[3][i], n, depth + 1));
    return n;
  }
  var root = mk(D.tree, null, 0), maxAbs = 0;
  (function walk(n) { if (n.parent) maxAbs = Math.max(maxAbs, Math.abs(n.delta)); n.kids.forEach(walk); })(root);
  function colour(n) {
    var t = maxAbs ? Math.min(1, Math.abs(n.delta) / maxAbs) : 0, c = Math.round(235 - 175 * t);
    if (Math.abs(n.delta) < 0.005 || t < 0.01) return "rgb(235,235,235)";
    return n.delta > 0 ? "rgb(255," + c + "," + c + ")" : "rgb(" + c + "," + c + ",255)";
  }
  function describe(n) {
    return n.name + "\nbase " + fmt(n.b) + " (" + pct(n.b, D.base_total).toFixed(2) + "%) → head " + fmt(n.h) +
      " (" + pct(n.h, D.head_total).toFixed(2) + "%), Δ " + sgn(n.delta, 2) + " points";
  }
  document.title = D.title;
  document.getElementById("title").textContent = D.title + " — " + D.sample_type;
  // The header: short commit ids, the full id on hover.
  var meta = document.getElementById("meta");
  function commit(side, id, total) {
    meta.appendChild(document.createTextNode(side + " "));
    var c = el("code", id && /^[0-9a-f]{12,}$/.test(id) ? id.slice(0, 7) : (id || "?"), "commit");
    if (id) c.title = id;
    meta.appendChild(c);
    meta.appendChild(document.createTextNode(" (total " + fmt(total) + ")"));
  }
  commit("base", D.base_commit, D.base_total);
  meta.appendChild(document.createTextNode(" → "));
  commit("head", D.head_commit, D.head_total);
  var flame = document.getElementById("flame"), details = document.getElementById("details");
  var search = document.getElementById("search"), matched = document.getElementById("matched");
  var zoom = root, term = "";
  // The advance of one character of a frame's font, measured once.
  var chW = (function () {
    var s = el("span", "mmmmmmmmmmmmmmmmmmmm", "frame");
    s.style.visibility = "hidden"; s.style.padding = "0"; s.style.border = "0";
    flame.appendChild(s);
    var w = s.getBoundingClientRect().width / 20;
    flame.removeChild(s);
    return w > 0 ? w : 6.7;
  })();
  // label is what a frame px wide shows: its name, else the name without
  // its import path, else the function without its package, else that
  // cut short with "…"; nothing when fewer than three characters fit.
  function label(name, px) {
    var n = Math.floor((px - 8) / chW);
    if (n < 3) return "";
    var short = name.slice(name.lastIndexOf("/") + 1), dot = short.indexOf(".");
    var fn = dot > 0 && dot < short.length - 1 ? short.slice(dot + 1) : short;
    var c = [name, short, fn];
    for (var i = 0; i < c.length; i++) if (c[i].length <= n) return c[i];
    return fn.slice(0, n - 1) + "…";
  }
  function render() {
    while (flame.firstChild) flame.removeChild(flame.firstChild);
    var W = flame.clientWidth || 1000, maxDepth = 0, frames = [];
    var chain = [];
    for (var a = zoom; a; a = a.parent) chain.unshift(a);
    var base = zoom.h > 0 ? zoom.h : 1;
    function place(n, x, w, depth) {
      if (w * W < 1) return;
      frames.push({ n: n, x: x, w: w, d: depth });
      maxDepth = Math.max(maxDepth, depth);
      var cx = x;
      for (var i = 0; i < n.kids.length; i++) { var k = n.kids[i], kw = w * k.h / (n.h || 1); place(k, cx, kw, depth + 1); cx += kw; }
    }
    for (var i = 0; i < chain.length - 1; i++) { frames.push({ n: chain[i], x: 0, w: 1, d: i }); }
    place(zoom, 0, zoom.h > 0 ? 1 : 0, chain.length - 1);
    maxDepth = Math.max(maxDepth, chain.length - 1);
    flame.style.height = ((maxDepth + 1) * H) + "px";
    var hit = 0, lt = term.toLowerCase(), labelled = 0, matches = 0;
    frames.forEach(function (f) {
      var text = label(f.n.name, f.w * W);
      if (text) labelled++;
      var e = el("div", text, "frame");
      e.setAttribute("data-name", f.n.name);
      e.style.left = (100 * f.x) + "%"; e.style.width = (100 * f.w) + "%";
      e.style.top = ((maxDepth - f.d) * H) + "px"; e.style.background = colour(f.n);
      e.title = describe(f.n);
      if (lt && f.n.name.toLowerCase().indexOf(lt) >= 0) { e.className += " match"; matches++; }
      e.addEventListener("mouseenter", function () { details.textContent = describe(f.n); flame.setAttribute("data-hover", f.n.name); });
      e.addEventListener("click", function () { zoom = f.n; details.textContent = describe(f.n); render(); });
      flame.appendChild(e);
    });
    if (lt) {
      (function walk(n, under) {
        var m = n.name.toLowerCase().indexOf(lt) >= 0;
        if (m && !under) hit += n.h;
        n.kids.forEach(function (k) { walk(k, under || m); });
      })(root, false);
      matched.textContent = "matched " + pct(hit, D.head_total).toFixed(2) + "% of head";
    } else matched.textContent = "";
    // The state, for people and for tests (a dumped DOM shows it).
    window.flameState = { zoom: zoom.name, search: term, frames: frames.length, labelled: labelled, matches: matches };
    flame.setAttribute("data-frames", String(frames.length));
    flame.setAttribute("data-labelled", String(labelled));
    flame.setAttribute("data-zoom", zoom.name);
    flame.setAttribute("data-search", term);
    flame.setAttribute("data-matches", String(matches));
  }
  // find is the shallowest node named name (else whose name contains it).
  function find(name) {
    var queue = [root], part = null;
    while (queue.length) {
      var n = queue.shift();
      if (n.name === name) return n;
      if (!part && n.name.indexOf(name) >= 0) part = n;
      queue = queue.concat(n.kids);
    }
    return part;
  }
  search.addEventListener("input", function () { term = search.value; render(); });
  document.getElementById("reset").addEventListener("click", function () { zoom = root; render(); });
  window.addEventListener("resize", render);
  // Top-changes table.
  var perOp = !!D.per_op_unit, thead = document.querySelector("#top thead"), tbody = document.querySelector("#top tbody");
  var hr = el("tr");
  ["base flat%", "head flat%", "Δ flat", "base cum%", "head cum%", "Δ cum"].concat(perOp ? ["Δ per op"] : []).concat(["function"])
    .forEach(function (h) { hr.appendChild(el("th", h)); });
  thead.appendChild(hr);
  D.functions.forEach(function (f) {
    var tr = el("tr");
    tr.appendChild(el("td", f.base_flat_pct.toFixed(2) + "%"));
    tr.appendChild(el("td", f.head_flat_pct.toFixed(2) + "%"));
    tr.appendChild(el("td", sgn(f.delta_flat_pct, 2), f.delta_flat_pct > 0 ? "up" : f.delta_flat_pct < 0 ? "down" : ""));
    tr.appendChild(el("td", f.base_cum_pct.toFixed(2) + "%"));
    tr.appendChild(el("td", f.head_cum_pct.toFixed(2) + "%"));
    tr.appendChild(el("td", sgn(f.delta_cum_pct, 2)));
    if (perOp) tr.appendChild(el("td", perop(f.delta_flat_per_op)));
    tr.appendChild(el("td", f.name));
    tbody.appendChild(tr);
  });
  // ?zoom=NAME&search=TERM&hover=NAME open the page zoomed, searched and
  // hovering a frame (a link to a view, and the browser tests' driver).
  var q = new URLSearchParams(location.search);
  if (q.get("zoom")) { var z = find(q.get("zoom")); if (z) zoom = z; }
  if (q.get("search")) { term = search.value = q.get("search"); }
  render();
  if (q.get("hover")) {
    var h = flame.querySelectorAll(".frame");
    for (var i = 0; i < h.length; i++) {
      if (h[i].getAttribute("data-name") === q.get("hover")) { h[i].dispatchEvent(new MouseEvent("mouseenter")); break; }
    }
  }
  document.body.setAttribute("data-rendered", "1");
})();
