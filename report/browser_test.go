package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"html"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/flameiq/git-flameiq/compare"
	"github.com/flameiq/git-flameiq/internal/testkit"
	"github.com/flameiq/git-flameiq/profile"
	"github.com/flameiq/git-flameiq/snapshot"
)

// The browser tests open the HTML pages in headless Chromium (Debian's
// chromium package; they skip without it, and under -short). A page is
// loaded twice: as written (its screenshot is what a reader sees) and with
// a probe script added at its end, which measures the laid-out page —
// every SVG text's box against its SVG's box, the icons' size, the page's
// height folded and with every <details> open — and writes the results
// into the DOM that --dump-dom prints. The screenshots go to -shots DIR,
// else to the test's temporary directory (the log says where).

var shotsDir = flag.String("shots", "", "write the browser tests' screenshots to `DIR`")

type browser struct {
	t        *testing.T
	bin, dir string
	shots    string
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	if testing.Short() {
		t.Skip("-short")
	}
	b := &browser{t: t, bin: testkit.Chromium(t), dir: t.TempDir(), shots: *shotsDir}
	if b.shots == "" {
		b.shots = filepath.Join(b.dir, "shots")
	}
	if err := os.MkdirAll(b.shots, 0o755); err != nil {
		t.Fatal(err)
	}
	return b
}

// write saves a page in the test's directory and returns its path.
func (b *browser) write(name string, page []byte) string {
	b.t.Helper()
	path := filepath.Join(b.dir, name)
	if err := os.WriteFile(path, page, 0o644); err != nil {
		b.t.Fatal(err)
	}
	return path
}

// dump loads url in a window width px wide and returns the DOM after the
// page's scripts ran; a console message (a script error, a request the
// page's CSP refused) fails the test.
func (b *browser) dump(t *testing.T, url string, width int) string {
	t.Helper()
	args := append(testkit.HeadlessArgs(t), "--enable-logging=stderr", "--v=0", fmt.Sprintf("--window-size=%d,900", width),
		"--run-all-compositor-stages-before-draw", "--virtual-time-budget=2000", "--dump-dom", url)
	stdout, stderr := testkit.RunChromium(t, b.bin, args...)
	for _, line := range strings.Split(stderr, "\n") {
		if strings.Contains(line, ":CONSOLE") {
			t.Errorf("console: %s", line)
		}
	}
	return stdout
}

// shot saves a screenshot of url, 1200 px wide and height px tall.
func (b *browser) shot(t *testing.T, url, name string, height float64) {
	t.Helper()
	h := int(math.Min(math.Max(height, 600), 16000))
	path := filepath.Join(b.shots, name+".png")
	args := append(testkit.HeadlessArgs(t), fmt.Sprintf("--window-size=1200,%d", h),
		"--run-all-compositor-stages-before-draw", "--virtual-time-budget=2000", "--screenshot="+path, url)
	testkit.RunChromium(t, b.bin, args...)
	png, err := os.ReadFile(path)
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Fatalf("no screenshot %s: %v", path, err)
	}
	t.Logf("screenshot %s", path)
}

// probeJS measures a page: folded height, then with every <details> open
// the box of every SVG text against its SVG's, the icons, and the open
// height. It writes JSON into <pre id="probe">.
const probeJS = `<script>
(function () {
  var out = { height: document.documentElement.scrollHeight, texts: 0, clipped: [], icons: [], charts: 0, details: 0 };
  document.querySelectorAll("details").forEach(function (d) { d.open = true; out.details++; });
  document.querySelectorAll("svg").forEach(function (svg) {
    if (svg.classList.contains("chart")) out.charts++;
    var b = svg.getBoundingClientRect();
    svg.querySelectorAll("text").forEach(function (t) {
      var r = t.getBoundingClientRect();
      out.texts++;
      if (r.width === 0 || r.left < b.left - 0.5 || r.right > b.right + 0.5 || r.top < b.top - 0.5 || r.bottom > b.bottom + 0.5)
        out.clipped.push({ text: t.textContent, svg: svg.getAttribute("aria-label") || "",
          box: [r.left, r.top, r.right, r.bottom], in: [b.left, b.top, b.right, b.bottom] });
    });
  });
  document.querySelectorAll("svg.icon").forEach(function (s) {
    var r = s.getBoundingClientRect();
    out.icons.push({ w: r.width, h: r.height, label: s.getAttribute("aria-label") || "" });
  });
  out.open = document.documentElement.scrollHeight;
  var pre = document.createElement("pre");
  pre.id = "probe";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>
`

type probeResult struct {
	Height, Open float64
	Texts        int
	Clipped      []struct {
		Text, SVG string
		Box, In   []float64
	}
	Icons []struct {
		W, H  float64
		Label string
	}
	Charts, Details int
}

var probeRE = regexp.MustCompile(`(?s)<pre id="probe">(.*?)</pre>`)

// probe loads page with probeJS and returns its measures; it saves the
// page's screenshots as written (name.png) and, with open, with every
// <details> open (name-open.png).
func (b *browser) probe(t *testing.T, name string, page []byte, open bool) probeResult {
	t.Helper()
	plain := b.write(name+".html", page)
	probed := b.write(name+"-probe.html", bytes.Replace(page, []byte("</body>"), []byte(probeJS+"</body>"), 1))
	dom := b.dump(t, "file://"+probed, 1200)
	m := probeRE.FindStringSubmatch(dom)
	if m == nil {
		t.Fatalf("%s: the probe did not run:\n%.3000s", name, dom)
	}
	var p probeResult
	if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &p); err != nil {
		t.Fatalf("%s: %v\n%s", name, err, m[1])
	}
	for _, c := range p.Clipped {
		t.Errorf("%s: text %q of the svg %q at %v leaves the svg's box %v", name, c.Text, c.SVG, c.Box, c.In)
	}
	for _, ic := range p.Icons {
		if ic.W < 14 || ic.H < 14 || ic.Label == "" {
			t.Errorf("%s: icon %+v: too small or without a text alternative", name, ic)
		}
	}
	b.shot(t, "file://"+plain, name, p.Height)
	if open && p.Details > 0 {
		b.shot(t, "file://"+probed, name+"-open", p.Open+40)
	}
	return p
}

// manyRich is a diff of n changed metrics (and n unchanged) with a
// history each.
func manyRich(t *testing.T, n int) Rich {
	t.Helper()
	base, head := &snapshot.Snapshot{}, &snapshot.Snapshot{}
	var hist []HistorySeries
	for i := range 2 * n {
		k := fmt.Sprintf("Bench/case-%03d-2:sec/op", i)
		f := 1.0
		if i < n {
			f = 1.3 + float64(i)/100
		}
		base.Add(k, "sec/op", snapshot.LowerIsBetter, 1e-6, 1.01e-6, 0.99e-6, 1e-6, 1.02e-6, 0.98e-6)
		head.Add(k, "sec/op", snapshot.LowerIsBetter, f*1e-6, f*1.01e-6, f*0.99e-6, f*1e-6, f*1.02e-6, f*0.98e-6)
		s := HistorySeries{Key: k, Unit: "sec/op"}
		for j := range 30 {
			s.Points = append(s.Points, HistoryPoint{Sha: strconvHex(j), Value: 1e-6 * (1 + 0.01*math.Sin(float64(i+j))),
				Date: time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC).AddDate(0, 0, j)})
		}
		hist = append(hist, s)
	}
	base.Sort()
	head.Sort()
	r, err := compare.Compare(base, head, compare.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	return Rich{Result: r, BaseCommit: strconvHex(29), HeadCommit: headSha, History: hist}
}

// reviewHistory is the history of sampleReview's metrics, from and to
// commits included, and of a metric that did not change.
func reviewHistory(r *Review) []HistorySeries {
	mk := func(key string, v0, step float64) HistorySeries {
		s := HistorySeries{Key: key, Unit: "sec/op"}
		for i := range 10 {
			sha := strconvHex(300 + i)
			switch i {
			case 2:
				sha = r.FromCommit
			case 9:
				sha = r.ToCommit
			}
			v := v0
			if i > 5 {
				v += step
			}
			s.Points = append(s.Points, HistoryPoint{Sha: sha, Subject: fmt.Sprintf("commit %d", i), Date: r.Since.Add(time.Duration(i-2) * 20 * time.Hour),
				Value: v * (1 + 0.005*math.Sin(float64(i)))})
		}
		return s
	}
	return []HistorySeries{mk("Decode-2:sec/op", 2e-5, -5e-6), mk(r.Slower[0].Metric, 4.1e-5, 2.1e-5), mk("Stable-2:sec/op", 1e-5, 0)}
}

// TestHTMLPagesChromium lays out every HTML page in Chromium: no axis
// label or other chart text leaves its chart (item 1), icons are drawn at
// size with a text alternative (item 3), a page grows by a compact row,
// not a chart, per changed metric (item 5), and screenshots of each page.
func TestHTMLPagesChromium(t *testing.T) {
	b := newBrowser(t)
	f := richFixtures(t)
	render := func(rich Rich) []byte {
		var buf bytes.Buffer
		if err := HTML(&buf, rich); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	pages := map[string][]byte{
		"diff-units":   render(unitsRich(t)),
		"diff-mixed":   render(f["mixed"]),
		"diff-hostile": render(f["hostile"]),
		"diff-pass":    render(f["pass"]),
		"diff-flameiq": render(f["flameiq"]),
	}
	var buf bytes.Buffer
	if err := HistoryHTML(&buf, "git flameiq log HEAD", logSeries(), len(logSeries())); err != nil {
		t.Fatal(err)
	}
	pages["log"] = bytes.Clone(buf.Bytes())
	buf.Reset()
	r := sampleReview()
	if err := r.HTML(&buf, reviewHistory(r)); err != nil {
		t.Fatal(err)
	}
	pages["review"] = bytes.Clone(buf.Bytes())
	for name, page := range pages {
		t.Run(name, func(t *testing.T) {
			p := b.probe(t, name, page, true)
			if p.Texts == 0 && name != "diff-pass" {
				t.Error("no chart text measured")
			}
			if !strings.HasPrefix(name, "diff-pass") && len(p.Icons) == 0 && name != "log" {
				t.Error("no icons")
			}
			t.Logf("%s: %.0f px folded, %.0f px open, %d texts, %d icons, %d charts", name, p.Height, p.Open, p.Texts, len(p.Icons), p.Charts)
		})
	}
	t.Run("growth", func(t *testing.T) {
		few := b.probe(t, "diff-5-changed", render(manyRich(t, 5)), false)
		many := b.probe(t, "diff-60-changed", render(manyRich(t, 60)), false)
		per := (many.Height - few.Height) / 55
		t.Logf("folded: %.0f px with 5 changed metrics, %.0f px with 60: %.0f px a metric", few.Height, many.Height, per)
		if per > 100 {
			t.Errorf("the page grows %.0f px per changed metric, want a compact row (≤ 100 px)", per)
		}
		if many.Charts != 61 { // 60 histories and the bar chart
			t.Errorf("%d charts, want 61", many.Charts)
		}
	})
}

// flameProbeJS reports the flame graph's state and, for every frame, its
// name, label and whether the label fits.
const flameProbeJS = `<script>
(function () {
  var out = { state: window.flameState, frames: [], details: document.getElementById("details").textContent,
    matched: document.getElementById("matched").textContent, meta: [] };
  document.querySelectorAll("#flame .frame").forEach(function (e) {
    out.frames.push({ name: e.getAttribute("data-name"), label: e.textContent, width: e.getBoundingClientRect().width,
      fits: e.scrollWidth <= e.clientWidth, match: e.classList.contains("match") });
  });
  document.querySelectorAll("#meta code").forEach(function (c) { out.meta.push([c.textContent, c.title]); });
  var pre = document.createElement("pre");
  pre.id = "probe";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>
`

type flameProbe struct {
	State struct {
		Zoom, Search              string
		Frames, Labelled, Matches int
	}
	Frames []struct {
		Name, Label string
		Width       float64
		Fits, Match bool
	}
	Details, Matched string
	Meta             [][2]string
}

// TestFlameGraphChromium drives the flame graph page by its query string
// (?zoom=…&search=…&hover=…): zoomed, a frame too narrow for a label at
// full view is labelled; every label fits its frame and every frame wide
// enough has one; search marks the matching frames and says their share;
// hover shows a frame's base → head; the header shows short commit ids
// with the full ones on hover. Names stay text (a hostile frame).
func TestFlameGraphChromium(t *testing.T) {
	b := newBrowser(t)
	r := diffProfiles(t, "go-cpu/cpu-base.pprof", "go-cpu/cpu-head.pprof", profile.DiffOptions{BasePerOp: 446646e-9, HeadPerOp: 854202e-9})
	var page bytes.Buffer
	meta := ProfileMeta{BaseCommit: baseSha, HeadCommit: headSha, Name: "cpu"}
	if err := FlameGraph(&page, r, meta, FlameGraphOptions{}); err != nil {
		t.Fatal(err)
	}
	plain := b.write("flame.html", page.Bytes())
	probed := b.write("flame-probe.html", bytes.Replace(page.Bytes(), []byte("</body>"), []byte(flameProbeJS+"</body>"), 1))
	load := func(t *testing.T, query string) flameProbe {
		t.Helper()
		dom := b.dump(t, "file://"+probed+query, 1200)
		m := probeRE.FindStringSubmatch(dom)
		if m == nil {
			t.Fatalf("the probe did not run (a script error?):\n%.3000s", dom)
		}
		var p flameProbe
		if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &p); err != nil {
			t.Fatal(err)
		}
		const minLabelled = 8 + 3*7.5 // padding and three characters of 11 px monospace
		for _, f := range p.Frames {
			if f.Label != "" && !f.Fits {
				t.Errorf("%s: label %q overflows its %.0f px frame", query, f.Label, f.Width)
			}
			if f.Label == "" && f.Width >= minLabelled {
				t.Errorf("%s: frame %s is %.0f px wide and has no label", query, f.Name, f.Width)
			}
		}
		return p
	}
	label := func(p flameProbe, name string) (string, bool) {
		for _, f := range p.Frames {
			if f.Name == name {
				return f.Label, true
			}
		}
		return "", false
	}
	const zoomTo, narrow = "runtime.gcBgMarkWorker", "runtime.gcMarkDone"
	var full flameProbe
	t.Run("full", func(t *testing.T) {
		full = load(t, "?search=escape&hover=profgen2.escapeSlow")
		if full.State.Zoom != "all" || full.State.Search != "escape" {
			t.Errorf("state %+v", full.State)
		}
		if l, ok := label(full, narrow); !ok || l != "" {
			t.Errorf("%s at full view: drawn %v, label %q; want a frame too narrow to label", narrow, ok, l)
		}
		if full.State.Matches == 0 || !strings.HasPrefix(full.Matched, "matched ") || !strings.HasSuffix(full.Matched, "% of head") {
			t.Errorf("search: %d frames marked, %q", full.State.Matches, full.Matched)
		}
		var pct float64
		if _, err := fmt.Sscanf(full.Matched, "matched %f%%", &pct); err != nil || pct < 50 {
			t.Errorf("escape matched %q, want the head's escapeSlow (> 50%%)", full.Matched)
		}
		for _, f := range full.Frames {
			if f.Match != strings.Contains(strings.ToLower(f.Name), "escape") {
				t.Errorf("frame %s marked %v", f.Name, f.Match)
			}
		}
		if !strings.HasPrefix(full.Details, "profgen2.escapeSlow\nbase 0ns (0.00%) → head ") {
			t.Errorf("hover details %q", full.Details)
		}
		if len(full.Meta) != 2 || full.Meta[0] != [2]string{baseSha[:7], baseSha} || full.Meta[1] != [2]string{headSha[:7], headSha} {
			t.Errorf("header commits %v, want short ids titled with the full ones", full.Meta)
		}
		if full.State.Labelled == 0 || full.State.Labelled >= full.State.Frames {
			t.Errorf("%d of %d frames labelled", full.State.Labelled, full.State.Frames)
		}
	})
	t.Run("zoom", func(t *testing.T) {
		z := load(t, "?zoom="+zoomTo+"&search=mark&hover="+narrow)
		if z.State.Zoom != zoomTo || z.State.Search != "mark" {
			t.Errorf("state %+v", z.State)
		}
		if l, ok := label(z, narrow); !ok || l != narrow {
			t.Errorf("%s zoomed: label %q, want its name", narrow, l)
		}
		if z.State.Frames <= 10 || z.State.Matches == 0 {
			t.Errorf("zoomed: %d frames, %d matches", z.State.Frames, z.State.Matches)
		}
		if !strings.HasPrefix(z.Details, narrow+"\nbase ") {
			t.Errorf("hover details %q", z.Details)
		}
	})
	b.shot(t, "file://"+plain, "flame", 700)
	b.shot(t, "file://"+plain+"?zoom="+zoomTo+"&search=mark&hover="+narrow, "flame-zoom", 700)

	hostile := b.write("flame-hostile.html", evilFlameGraph(t))
	dom := b.dump(t, "file://"+hostile+"?search=script&zoom=main", 1200)
	if !strings.Contains(dom, `data-rendered="1"`) {
		t.Fatalf("page script did not finish (a JS error?):\n%.2000s", dom)
	}
	if !strings.Contains(dom, "&lt;script&gt;alert(1)&lt;/script&gt;") || strings.Contains(dom, "<script>alert") {
		t.Error("a hostile frame name is not rendered as text")
	}
}

// filterProbeJS types "CASE-2" into the full table's filter (as a reader
// would: the value, then an input event) and reports, before and after,
// the rows drawn, the table's note and whether it is open, and the keys
// of the history charts.
const filterProbeJS = `<script>
(function () {
  function rows() {
    return Array.prototype.map.call(document.querySelectorAll("#all tbody tr"), function (tr) {
      return { key: tr.children[1].textContent, status: tr.children[7].textContent, icon: tr.querySelectorAll("svg.icon").length };
    });
  }
  var out = { before: rows().length, charts: [], changedRows: document.querySelector("table").querySelectorAll("tbody tr").length };
  document.querySelectorAll("details.trend svg.chart").forEach(function (s) { out.charts.push(s.getAttribute("aria-label")); });
  var more = document.getElementById("show-all"), only = document.getElementById("changed-only");
  out.button = more.hidden ? "" : more.textContent;
  more.click();
  out.all = rows().length;
  only.checked = true;
  only.dispatchEvent(new Event("change"));
  out.only = rows();
  out.onlyNote = document.getElementById("all-note").textContent;
  only.checked = false;
  var input = document.getElementById("filter");
  input.value = "CASE-2";
  input.dispatchEvent(new Event("input"));
  out.after = rows();
  out.note = document.getElementById("all-note").textContent;
  out.open = document.getElementById("all-fold").open;
  var pre = document.createElement("pre");
  pre.id = "probe";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
  // For the screenshot: the table at the top (the icons' symbols kept).
  for (var e = input.parentNode.previousElementSibling.previousElementSibling; e; ) {
    var prev = e.previousElementSibling;
    if (!e.classList.contains("defs")) e.remove();
    e = prev;
  }
})();
</script>
`

// TestHTMLFilterChromium: the diff page of 600 metrics (300 changed, a
// history for every one) draws history charts for changed metrics only
// (the first trendsMax), lists the first changedRowsMax changed metrics,
// shows the first allRowsMax rows of the full table with a button that
// draws them all, a "changed only" box that keeps the 300 changed, and a
// filter box that, typed into, opens the table and draws exactly the rows
// whose name matches, case-insensitively, with their icons, and says how
// many. Screenshots before and after typing (with the page above
// the table left out).
func TestHTMLFilterChromium(t *testing.T) {
	b := newBrowser(t)
	rich := manyRich(t, 300)
	var page bytes.Buffer
	if err := HTML(&page, rich); err != nil {
		t.Fatal(err)
	}
	changed := map[string]bool{}
	for _, d := range changedDiffs(rich.Result) {
		changed[d.Key] = true
	}
	plain := b.write("filter.html", page.Bytes())
	probed := b.write("filter-probe.html", bytes.Replace(page.Bytes(), []byte("</body>"), []byte(filterProbeJS+"</body>"), 1))
	dom := b.dump(t, "file://"+probed, 1200)
	m := probeRE.FindStringSubmatch(dom)
	if m == nil {
		t.Fatalf("the probe did not run (a script error?):\n%.3000s", dom)
	}
	type row struct {
		Key, Status string
		Icon        int
	}
	var p struct {
		Before, ChangedRows, All int
		Button                   string
		Charts                   []string
		After, Only              []row
		Note, OnlyNote           string
		Open                     bool
	}
	if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &p); err != nil {
		t.Fatal(err)
	}
	if p.Before != allRowsMax {
		t.Errorf("%d rows before filtering, want the first %d", p.Before, allRowsMax)
	}
	if p.ChangedRows != changedRowsMax {
		t.Errorf("the changed table has %d rows, want the first %d of 300", p.ChangedRows, changedRowsMax)
	}
	if p.Button != "show all 600" || p.All != 600 {
		t.Errorf("button %q drew %d rows, want \"show all 600\" drawing 600", p.Button, p.All)
	}
	if len(p.Only) != 300 || p.OnlyNote != "300 of 600 metrics match." {
		t.Errorf("changed only: %d rows, note %q; want the 300 changed", len(p.Only), p.OnlyNote)
	}
	for _, r := range p.Only {
		if r.Status != "REGRESSION" {
			t.Errorf("changed only: row %+v", r)
		}
	}
	if len(p.Charts) != trendsMax {
		t.Errorf("%d history charts, want %d (the first of 300 changed metrics)", len(p.Charts), trendsMax)
	}
	for _, c := range p.Charts {
		if k := strings.TrimPrefix(c, "history of "); !changed[k] {
			t.Errorf("chart %q: not a changed metric", c)
		}
	}
	if len(p.After) != 100 {
		t.Errorf("%d rows match CASE-2, want 100 (case-200 … case-299)", len(p.After))
	}
	for _, r := range p.After {
		if !strings.Contains(r.Key, "case-2") || r.Status != "REGRESSION" || r.Icon != 1 {
			t.Errorf("row %+v: want a case-2xx regression with its icon", r)
		}
	}
	if p.Note != "100 of 600 metrics match." || !p.Open {
		t.Errorf("after typing: note %q, table open %v", p.Note, p.Open)
	}
	b.shot(t, "file://"+plain, "filter-before", 900)
	b.shot(t, "file://"+probed, "filter-after", 900)
}
