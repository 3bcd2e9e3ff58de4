package profile

import (
	"bufio"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"slices"
	"strings"
)

// HTMLOptions tune WriteHTML.
type HTMLOptions struct {
	// MinShare drops flame-graph frames below this fraction of both sides'
	// totals (default 0.001, i.e. 0.1 %); the page stays small on profiles
	// with hundreds of thousands of stacks.
	MinShare float64
	// Top is the number of rows in the top-changes table (default 30).
	Top int
}

type flameNode struct {
	name int32
	b, h int64
	kids []*flameNode
}

// MarshalJSON encodes a node compactly as [name, base, head, [children]].
func (n *flameNode) MarshalJSON() ([]byte, error) {
	kids := n.kids
	if kids == nil {
		kids = []*flameNode{}
	}
	return json.Marshal([]any{n.name, n.b, n.h, kids})
}

type htmlData struct {
	Title      string         `json:"title"`
	BaseCommit string         `json:"base_commit"`
	HeadCommit string         `json:"head_commit"`
	SampleType string         `json:"sample_type"`
	Unit       string         `json:"unit"`
	BaseTotal  int64          `json:"base_total"`
	HeadTotal  int64          `json:"head_total"`
	PerOpUnit  string         `json:"per_op_unit,omitempty"`
	Names      []string       `json:"names"`
	Tree       *flameNode     `json:"tree"`
	Functions  []FunctionDiff `json:"functions"`
}

// WriteHTML writes one self-contained, offline HTML page (inline CSS and
// JS, no external resources) with a differential flame graph of the
// profiles behind r — frame width from head, colour from the change of
// the frame's normalised share (red grew, blue shrank), hover and click
// details with base → head, click to zoom, a search box — and the table of
// the top changes from r.Functions. Data is embedded as JSON (with <, >
// and & escaped) and the page builds its DOM with textContent only, so
// frame names cannot inject markup.
func WriteHTML(w io.Writer, r *DiffResult, m Meta, o HTMLOptions) error {
	if r.base == nil || r.head == nil {
		return fmt.Errorf("profile: WriteHTML needs a DiffResult made by Diff")
	}
	if o.MinShare <= 0 {
		o.MinShare = 0.001
	}
	if o.Top <= 0 {
		o.Top = 30
	}
	names, tree := buildFlame(r, o.MinShare)
	fs := r.Functions
	if len(fs) > o.Top {
		fs = fs[:o.Top]
	}
	if fs == nil {
		fs = []FunctionDiff{}
	}
	title := "profile diff"
	if m.Name != "" {
		title = m.Name + " profile diff"
	}
	d := htmlData{Title: title, BaseCommit: m.BaseCommit, HeadCommit: m.HeadCommit,
		SampleType: r.SampleType, Unit: r.Unit, BaseTotal: r.BaseTotal, HeadTotal: r.HeadTotal,
		PerOpUnit: r.PerOpUnit, Names: names, Tree: tree, Functions: fs}
	js, err := json.Marshal(d) // escapes <, > and &: safe inside <script>
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	page := strings.Replace(htmlPage, "{{TITLE}}", html.EscapeString(title), 1)
	head, tail, _ := strings.Cut(page, "{{DATA}}")
	bw.WriteString(head)
	bw.Write(js)
	bw.WriteString(tail)
	return bw.Flush()
}

// buildFlame merges the stacks of both sides into one tree of frames
// (root "all"), keeping a frame when its share of base or of head is at
// least minShare.
func buildFlame(r *DiffResult, minShare float64) ([]string, *flameNode) {
	names := []string{"all"}
	ids := map[string]int32{"all": 0}
	type item struct {
		frames []int32
		v      int64
		side   int
	}
	var items []item
	for side, p := range []*Profile{r.base, r.head} {
		idx := r.baseIdx
		if side == 1 {
			idx = r.headIdx
		}
		remap := make([]int32, len(p.names))
		for i, n := range p.names {
			id, ok := ids[n]
			if !ok {
				id = int32(len(names))
				names = append(names, n)
				ids[n] = id
			}
			remap[i] = id
		}
		nt := len(p.SampleTypes)
		var fr []int32
		for s := 0; s+1 < len(p.smpStart); s++ {
			v := p.values[s*nt+idx]
			if v <= 0 {
				continue
			}
			fr = p.frames(fr[:0], s)
			out := make([]int32, len(fr))
			for i, f := range fr {
				out[i] = remap[f]
			}
			items = append(items, item{out, v, side})
		}
	}
	minB := minShare * float64(r.BaseTotal)
	minH := minShare * float64(r.HeadTotal)
	var build func(n *flameNode, its []int, depth int)
	build = func(n *flameNode, its []int, depth int) {
		groups := map[int32][]int{}
		var order []int32
		for _, i := range its {
			it := items[i]
			if len(it.frames) <= depth {
				continue
			}
			f := it.frames[depth]
			if _, ok := groups[f]; !ok {
				order = append(order, f)
			}
			groups[f] = append(groups[f], i)
		}
		for _, f := range order {
			k := &flameNode{name: f}
			for _, i := range groups[f] {
				if items[i].side == 0 {
					k.b += items[i].v
				} else {
					k.h += items[i].v
				}
			}
			if float64(k.b) < minB && float64(k.h) < minH {
				continue
			}
			build(k, groups[f], depth+1)
			n.kids = append(n.kids, k)
		}
		slices.SortFunc(n.kids, func(a, b *flameNode) int { return strings.Compare(names[a.name], names[b.name]) })
	}
	root := &flameNode{name: 0, b: r.BaseTotal, h: r.HeadTotal}
	all := make([]int, len(items))
	for i := range all {
		all[i] = i
	}
	build(root, all, 0)
	return names, root
}

const htmlPage = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{TITLE}}</title>
<style>
body { font: 13px/1.4 system-ui, sans-serif; margin: 16px; color: #222; background: #fff; }
h1 { font-size: 18px; margin: 0 0 4px; }
#meta { color: #555; margin-bottom: 8px; }
#bar { display: flex; gap: 8px; align-items: center; margin: 8px 0; }
#search { width: 280px; padding: 3px 6px; }
#flame { position: relative; width: 100%; overflow: hidden; border: 1px solid #ddd; }
.frame { position: absolute; height: 17px; box-sizing: border-box; border: 1px solid rgba(255,255,255,.9);
  border-radius: 2px; overflow: hidden; white-space: nowrap; font: 11px/15px ui-monospace, monospace;
  padding: 0 3px; cursor: pointer; }
.frame.match { outline: 2px solid #a0f; outline-offset: -2px; }
#details { min-height: 2.8em; margin: 8px 0; padding: 6px 8px; background: #f6f6f6; border-radius: 4px;
  font-family: ui-monospace, monospace; white-space: pre-wrap; }
table { border-collapse: collapse; margin-top: 12px; }
th, td { padding: 2px 8px; text-align: right; border-bottom: 1px solid #eee; font-family: ui-monospace, monospace; }
th:last-child, td:last-child { text-align: left; }
.up { color: #b00; } .down { color: #04b; }
.legend span { display: inline-block; padding: 0 6px; margin-right: 4px; border-radius: 2px; }
</style>
</head>
<body>
<h1 id="title"></h1>
<div id="meta"></div>
<div class="legend"><span style="background:#f88">grew</span><span style="background:#88f">shrank</span><span style="background:#eee">unchanged</span> width = head; colour = change of share (normalised to each side's total)</div>
<div id="bar"><input id="search" type="search" placeholder="Search functions (substring)"><button id="reset" type="button">Reset zoom</button><span id="matched"></span></div>
<div id="flame"></div>
<div id="details">Hover over a frame for base → head; click to zoom.</div>
<h2 style="font-size:15px">Top changes (flat share, percentage points)</h2>
<table id="top"><thead></thead><tbody></tbody></table>
<script type="application/json" id="flame-data">{{DATA}}</script>
<script>
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
  document.getElementById("meta").textContent = "base " + (D.base_commit || "?") + " (total " + fmt(D.base_total) +
    ") → head " + (D.head_commit || "?") + " (total " + fmt(D.head_total) + ")";
  var flame = document.getElementById("flame"), details = document.getElementById("details");
  var search = document.getElementById("search"), matched = document.getElementById("matched");
  var zoom = root, term = "";
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
    var hit = 0, lt = term.toLowerCase();
    frames.forEach(function (f) {
      var e = el("div", f.n.name, "frame");
      e.style.left = (100 * f.x) + "%"; e.style.width = (100 * f.w) + "%";
      e.style.top = ((maxDepth - f.d) * H) + "px"; e.style.background = colour(f.n);
      e.title = describe(f.n);
      if (lt && f.n.name.toLowerCase().indexOf(lt) >= 0) e.className += " match";
      e.addEventListener("mouseenter", function () { details.textContent = describe(f.n); });
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
    flame.setAttribute("data-frames", String(frames.length));
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
  render();
  document.body.setAttribute("data-rendered", "1");
})();
</script>
</body>
</html>
`
