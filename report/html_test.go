package report

import (
	"bytes"
	"fmt"
	"math"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/flameiq/git-flameiq/compare"
	"github.com/flameiq/git-flameiq/snapshot"
)

// unitsRich is a pull request's diff of several units (sec/op, B/op,
// allocs/op in the thousands, a custom mallocs/op, B/s) with six samples
// a side, and the history of its metrics up to the base: the head is in
// the comparison only, as when CI compares a branch that is not recorded.
// retries/op is zero everywhere; Stable does not move.
func unitsRich(t *testing.T) Rich {
	t.Helper()
	type metric struct {
		key, unit  string
		dir        snapshot.Direction
		base, head float64
	}
	metrics := []metric{
		{"Encode-2:sec/op", "sec/op", snapshot.LowerIsBetter, 41.8e-6, 55.3e-6},
		{"Encode-2:B/op", "B/op", snapshot.LowerIsBetter, 5000, 6000},
		{"Encode-2:allocs/op", "allocs/op", snapshot.LowerIsBetter, 4123, 4535},
		{"Encode-2:mallocs/op", "mallocs/op", snapshot.LowerIsBetter, 500, 550},
		{"Encode-2:retries/op", "retries/op", snapshot.LowerIsBetter, 0, 0},
		{"Decode-2:sec/op", "sec/op", snapshot.LowerIsBetter, 22e-6, 16e-6},
		{"Read-2:B/s", "B/s", snapshot.HigherIsBetter, 100e6, 80e6},
		{"Stable-2:sec/op", "sec/op", snapshot.LowerIsBetter, 1e-6, 1e-6},
	}
	base, head := &snapshot.Snapshot{}, &snapshot.Snapshot{}
	cet := time.FixedZone("CET", 3600)
	var hist []HistorySeries
	for _, m := range metrics {
		var bs, hs []float64
		for i := range 6 {
			j := 1 + float64(i-3)*0.004
			bs, hs = append(bs, m.base*j), append(hs, m.head*j)
		}
		base.Add(m.key, m.unit, m.dir, bs...)
		head.Add(m.key, m.unit, m.dir, hs...)
		s := HistorySeries{Key: m.key, Unit: m.unit}
		for i := range 12 {
			sha := strconvHex(100 + i)
			v := m.base * (1 + 0.01*math.Sin(float64(i)))
			if i == 11 {
				sha, v = baseSha, snapshot.Median(bs)
			}
			s.Points = append(s.Points, HistoryPoint{Sha: sha, Subject: fmt.Sprintf("commit %d: <b>tune</b>", i),
				Date: time.Date(2026, 11, 20, 9, 30, 0, 0, cet).AddDate(0, 0, i), Value: v})
		}
		hist = append(hist, s)
	}
	base.Sort()
	head.Sort()
	r, err := compare.Compare(base, head, compare.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	return Rich{Result: r, BaseCommit: baseSha, HeadCommit: headSha, BaseReason: "base 1a2b3c4 (merge-base of HEAD and main)",
		History: hist}
}

// emoji are the status emoji of the Markdown reports: no HTML page may
// use them (without an emoji font they are empty boxes).
var emoji = []string{"❌", "✅", "⚠", "🚀", "ℹ", "☑", "🆕", "❔", "➖", "🐢", "\ufe0f"}

func noEmoji(t *testing.T, page string) {
	t.Helper()
	for _, e := range emoji {
		if strings.Contains(page, e) {
			t.Errorf("page contains %q", e)
		}
	}
}

// Items 1 and 2 of the issue, without a browser: a nice axis in the
// metric's unit, 0 … 1 for a metric that is zero everywhere and never
// below zero for one that is never negative.
func TestNiceAxis(t *testing.T) {
	for _, c := range []struct {
		lo, hi     float64
		unit       string
		labels     string
		nonNegLow0 bool
	}{
		{0, 0, "mallocs/op", "0.0 mallocs/op|0.5 mallocs/op|1.0 mallocs/op", true},
		{0, 0, "", "0.0|0.5|1.0", true},
		{500, 500, "mallocs/op", "450 mallocs/op|500 mallocs/op|550 mallocs/op", false},
		{4123, 4535, "allocs/op", "4.0 kallocs/op|4.2 kallocs/op|4.4 kallocs/op|4.6 kallocs/op", false},
		{41.8e-6, 55.3e-6, "sec/op", "40 µs/op|45 µs/op|50 µs/op|55 µs/op|60 µs/op", false},
		{5000, 6000, "B/op", "4.5 KiB/op|5.0 KiB/op|5.5 KiB/op|6.0 KiB/op", false},
		{0, 3, "allocs/op", "0 allocs/op|1 allocs/op|2 allocs/op|3 allocs/op|4 allocs/op", true},
		{0.1, 50, "sec/op", "0 s/op|20 s/op|40 s/op|60 s/op", true},
		{-3, 2, "", "-4|-2|0|2|4", false},
		{1e300, 1e300, "sec/op", "9e+299 s/op|9.5e+299 s/op|1e+300 s/op|1.05e+300 s/op|1.1e+300 s/op", false},
		{3e-20, 5e-20, "sec/op", "2e-20 s/op|3e-20 s/op|4e-20 s/op|5e-20 s/op|6e-20 s/op", false},
	} {
		ax := niceAxis(c.lo, c.hi, c.unit, 4)
		if got := strings.Join(ax.Labels, "|"); got != c.labels {
			t.Errorf("niceAxis(%g, %g, %q) = %s, want %s", c.lo, c.hi, c.unit, got, c.labels)
		}
		if c.lo >= 0 && ax.Lo < 0 {
			t.Errorf("niceAxis(%g, %g, %q): minimum %g below zero for values that never are", c.lo, c.hi, c.unit, ax.Lo)
		}
		if c.nonNegLow0 && ax.Lo != 0 {
			t.Errorf("niceAxis(%g, %g, %q): minimum %g, want 0", c.lo, c.hi, c.unit, ax.Lo)
		}
		if ax.Lo > c.lo || ax.Hi < c.hi {
			t.Errorf("niceAxis(%g, %g, %q) = %g … %g does not hold the values", c.lo, c.hi, c.unit, ax.Lo, ax.Hi)
		}
	}
}

// A chart's label gutter is as wide as its longest label.
func TestChartGutter(t *testing.T) {
	c := chart(fullChart, "x", "allocs/op", 2, []chartPoint{{Idx: 0, Value: 4123}, {Idx: 1, Value: 4535}})
	for _, tk := range c.Ticks {
		if w := textWidth(tk.Label) + 6; w > c.Left {
			t.Errorf("label %q needs %g units, gutter %g", tk.Label, w, c.Left)
		}
	}
	if c.Left < textWidth("4.6 kallocs/op") {
		t.Errorf("gutter %g", c.Left)
	}
}

// Item 2: the diff's history charts end at the head's value, marked, and
// mark the base; a history that already ends at the head commit gets no
// second head point.
func TestDiffTrendsEndAtHead(t *testing.T) {
	rich := unitsRich(t)
	changed := changedDiffs(rich.Result)
	tr := diffTrends(rich, changed)
	if tr == nil {
		t.Fatal("no history rows")
	}
	if len(tr.Rows) != len(changed) {
		t.Errorf("%d rows for %d changed metrics", len(tr.Rows), len(changed))
	}
	for i, row := range tr.Rows {
		d := changed[i]
		if row.Key != d.Key {
			t.Fatalf("row %d is %s, want %s", i, row.Key, d.Key)
		}
		ps := row.Chart.Points
		if len(ps) != 13 {
			t.Errorf("%s: %d points, want 12 recorded and the head", d.Key, len(ps))
		}
		last := ps[len(ps)-1]
		if last.Kind != "head" || last.Marker == "" || !strings.HasPrefix(last.Title, "head 5d6e7f8: ") {
			t.Errorf("%s: last point %+v is not the marked head", d.Key, last)
		}
		want := valueUnit(scaler(d.Unit, d.Head), d.Head, d.Unit)
		if !strings.Contains(last.Title, want) {
			t.Errorf("%s: head title %q lacks %s", d.Key, last.Title, want)
		}
		if ps[11].Kind != "base" {
			t.Errorf("%s: the base commit is not marked", d.Key)
		}
		if d.Statistical && (last.Err == "" || ps[11].Err == "") {
			t.Errorf("%s: no error bars for the intervals of a statistical comparison", d.Key)
		}
		if ps[3].Err != "" {
			t.Errorf("%s: an error bar on a history point without spread", d.Key)
		}
		var labels []string
		for _, l := range row.Chart.Labels {
			labels = append(labels, l.Text)
		}
		if got := strings.Join(labels, ","); got != "base,head" {
			t.Errorf("%s: marked labels %q", d.Key, got)
		}
		if row.Spark == nil || row.Spark.Marker == "" {
			t.Errorf("%s: the sparkline does not end at a marked head", d.Key)
		}
	}
	if !strings.Contains(tr.Note, "Error bars") {
		t.Errorf("note %q does not explain the error bars", tr.Note)
	}
	// The history was read from the head: its last point is the head.
	for i := range rich.History {
		s := &rich.History[i]
		s.Points = append(append([]HistoryPoint(nil), s.Points...), HistoryPoint{Sha: headSha, Value: 1})
	}
	for _, row := range diffTrends(rich, changed).Rows {
		ps := row.Chart.Points
		if len(ps) != 13 || ps[12].Kind != "head" {
			t.Errorf("%s: %d points, last %q; want the recorded head marked, not added", row.Key, len(ps), ps[len(ps)-1].Kind)
		}
	}
}

// Item 5: the diff page draws a compact row for each changed metric with
// a history and nothing for the unchanged ones.
func TestHTMLChartsOnlyChanged(t *testing.T) {
	rich := unitsRich(t)
	var buf bytes.Buffer
	if err := HTML(&buf, rich); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	checkOffline(t, out)
	noEmoji(t, out)
	changed := changedDiffs(rich.Result)
	if n := strings.Count(out, `<details class="trend">`); n != len(changed) {
		t.Errorf("%d compact rows, want %d", n, len(changed))
	}
	if n := strings.Count(out, `<svg class="chart full"`); n != len(changed) {
		t.Errorf("%d charts, want %d", n, len(changed))
	}
	for _, k := range []string{"history of Encode-2:retries/op", "history of Stable-2:sec/op"} {
		if strings.Contains(out, k) {
			t.Errorf("an unchanged metric is charted: %s", k)
		}
	}
	if !strings.Contains(out, "2026-11-20 08:30 UTC") {
		t.Error("a 09:30 CET commit is not dated 08:30 UTC")
	}
	if strings.Count(out, "Dates and times are UTC.") != 1 {
		t.Error("the page does not say once that times are UTC")
	}
}

// Item 3: icons instead of emoji, each with a text alternative; the
// Markdown keeps its emoji.
func TestHTMLIcons(t *testing.T) {
	f := richFixtures(t)
	for name, rich := range f {
		var buf bytes.Buffer
		if err := HTML(&buf, rich); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		noEmoji(t, out)
		icons := regexp.MustCompile(`<svg class="icon" viewBox="0 0 16 16" role="img" aria-label="([^"]+)"><title>([^<]+)</title><use href="#i-([a-z]+)"/></svg>`).FindAllStringSubmatch(out, -1)
		if len(icons) == 0 {
			t.Errorf("%s: no icons", name)
		}
		for _, m := range icons {
			if m[1] != m[2] {
				t.Errorf("%s: icon %s labelled %q, titled %q", name, m[3], m[1], m[2])
			}
			if !strings.Contains(out, `<symbol id="i-`+m[3]+`" viewBox="0 0 16 16">`) {
				t.Errorf("%s: icon %s is not defined", name, m[3])
			}
		}
		if n := strings.Count(out, `<svg class="icon`); n != len(icons) {
			t.Errorf("%s: %d icons, %d with a label and title", name, n, len(icons))
		}
		var md bytes.Buffer
		if err := Markdown(&md, rich); err != nil {
			t.Fatal(err)
		}
		if !strings.ContainsAny(md.String(), "❌✅🚀") {
			t.Errorf("%s: the Markdown lost its emoji", name)
		}
	}
	// The headline: the same parts as Headline, in the same order.
	var buf bytes.Buffer
	if err := HTML(&buf, f["mixed"]); err != nil {
		t.Fatal(err)
	}
	h1 := regexp.MustCompile(`(?s)<h1 class="bad">(.*?)</h1>`).FindStringSubmatch(buf.String())
	if h1 == nil {
		t.Fatal("no headline")
	}
	text := regexp.MustCompile(`<title>[^<]*</title>|<[^>]+>`).ReplaceAllString(h1[1], "")
	if want := plainHeadline(f["mixed"].Result); strings.Join(strings.Fields(text), " ") != want {
		t.Errorf("headline %q, want %q", text, want)
	}
	for _, kind := range []string{"fail", "missing", "accepted", "new"} {
		if !strings.Contains(h1[1], `<use href="#i-`+kind+`"/>`) {
			t.Errorf("headline lacks the %s icon", kind)
		}
	}
}

// Item 6: one date convention, UTC.
func TestFmtDate(t *testing.T) {
	at := time.Date(2026, 12, 6, 9, 30, 0, 0, time.FixedZone("CET", 3600))
	if got := fmtDate(at); got != "2026-12-06 08:30 UTC" {
		t.Errorf("fmtDate = %q", got)
	}
	if fmtDate(time.Time{}) != "" {
		t.Error("the zero time has a date")
	}
}

// logSeries is a log page's input: 12 commits of several units, a metric
// that is zero everywhere, a gap, a hostile name and subject.
func logSeries() []HistorySeries {
	day := time.Date(2026, 11, 20, 9, 30, 0, 0, time.FixedZone("CET", 3600))
	mk := func(key, unit string, f func(i int) float64) HistorySeries {
		s := HistorySeries{Key: key, Unit: unit}
		for i := range 12 {
			s.Points = append(s.Points, HistoryPoint{Sha: strconvHex(i), Subject: fmt.Sprintf("commit %d: <b>bold</b> %s", i, evilName),
				Date: day.Add(time.Duration(i) * 25 * time.Hour), Value: f(i)})
		}
		return s
	}
	gap := mk("Gap-2:sec/op", "sec/op", func(i int) float64 { return 2e-3 + float64(i%3)*1e-4 })
	gap.Points[5].Value = math.NaN()
	gap.Points = append(gap.Points[:7], gap.Points[8:]...) // commit 7 did not record it
	return []HistorySeries{
		mk("Encode-2:sec/op", "sec/op", func(i int) float64 { return 41e-6 * (1 + 0.02*math.Sin(float64(i))) }),
		mk("Encode-2:allocs/op", "allocs/op", func(i int) float64 { return 4123 + float64(i/6)*400 }),
		mk("Encode-2:mallocs/op", "mallocs/op", func(int) float64 { return 500 }),
		mk("Encode-2:retries/op", "retries/op", func(int) float64 { return 0 }),
		mk("Read-2:B/s", "B/s", func(i int) float64 { return 100e6 - float64(i)*1e6 }),
		mk(evilName+"-2:sec/op", "sec/op", func(i int) float64 { return 1e-9 * float64(10+i) }),
		gap,
	}
}

// Item 5: the log page is small multiples and a commit table.
func TestHistoryHTMLTable(t *testing.T) {
	series := logSeries()
	var buf bytes.Buffer
	if err := HistoryHTML(&buf, "git flameiq log HEAD", series, len(series)); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	checkOffline(t, out)
	noEmoji(t, out)
	if n := strings.Count(out, `<svg class="chart small"`); n != len(series) {
		t.Errorf("%d small charts, want %d", n, len(series))
	}
	rows := regexp.MustCompile(`<tr><td><code title="([0-9a-f]{40})">([0-9a-f]{7})</code></td><td class="date">([^<]*)</td>`).FindAllStringSubmatch(out, -1)
	if len(rows) != 12 {
		t.Fatalf("%d commit rows, want 12", len(rows))
	}
	if rows[0][1] != strconvHex(11) || rows[0][2] != strconvHex(11)[:7] || rows[0][3] != "2026-12-01 19:30 UTC" {
		t.Errorf("first row %v: want the newest commit, in UTC", rows[0][1:])
	}
	if rows[11][3] != "2026-11-20 08:30 UTC" {
		t.Errorf("oldest row dated %q", rows[11][3])
	}
	for _, want := range []string{`<th class="num" title="Encode-2:allocs/op"><span class="key">Encode-<wbr>2<wbr></span><br><span class="unit">kallocs/op</span></th>`,
		`<td class="num">4.123</td>`, "&lt;b&gt;bold&lt;/b&gt;", "0.0 retries/op", "1.0 retries/op"} {
		if !strings.Contains(out, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if n := strings.Count(out, "–"); n != 2 {
		t.Errorf("%d empty cells, want 2 (a NaN and a commit without the metric)", n)
	}
	if strings.Contains(out, `id="all"`) {
		t.Error("the log page has the diff's table")
	}
}

// Item 5: the review page charts only the metrics that changed, and names
// the others in a folded list; item 4: drift names each metric once.
func TestReviewHTMLChangedOnly(t *testing.T) {
	r := sampleReview()
	r.Drift = append(r.Drift, ReviewDrift{Metric: "Encode-2:sec/op", Commit: strings.Repeat("d", 40), ChangePercent: -3})
	mk := func(key string) HistorySeries {
		s := HistorySeries{Key: key, Unit: "sec/op"}
		for i := range 8 {
			sha := strconvHex(300 + i)
			switch i {
			case 2:
				sha = r.FromCommit
			case 7:
				sha = r.ToCommit
			}
			s.Points = append(s.Points, HistoryPoint{Sha: sha, Date: r.Since.AddDate(0, 0, i-2), Value: 4e-5 + float64(i)*1e-6})
		}
		return s
	}
	hist := []HistorySeries{mk("Decode-2:sec/op"), mk(r.Slower[0].Metric), mk("Stable-2:sec/op")}
	var buf bytes.Buffer
	if err := r.HTML(&buf, hist); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	noEmoji(t, out)
	if n := strings.Count(out, `<svg class="chart full"`); n != 2 {
		t.Errorf("%d charts, want 2 (the slower and the faster metric)", n)
	}
	if strings.Contains(out, "history of Stable-2:sec/op") {
		t.Error("an unchanged metric is charted")
	}
	if !strings.Contains(out, `<li class="key">Stable-2:sec/op</li>`) {
		t.Error("the unchanged metric is not named")
	}
	for _, want := range []string{">from</text>", ">to</text>", "2026-11-16 00:00 UTC → 2026-11-23 00:00 UTC",
		"Encode-2:sec/op changed &#43;48.70% at ccccccc, -3.00% at ddddddd"} {
		if !strings.Contains(out, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	for _, once := range []string{"Dates and times are UTC.", "Click a row for its chart", "Encode-2:sec/op changed"} {
		if n := strings.Count(out, once); n != 1 {
			t.Errorf("%q said %d times", once, n)
		}
	}
}

// Item 4: every footnote once on every page.
func TestHTMLNotesOnce(t *testing.T) {
	pages := map[string]string{}
	for name, rich := range richFixtures(t) {
		var buf bytes.Buffer
		if err := HTML(&buf, rich); err != nil {
			t.Fatal(err)
		}
		pages[name] = buf.String()
	}
	var buf bytes.Buffer
	if err := HTML(&buf, unitsRich(t)); err != nil {
		t.Fatal(err)
	}
	pages["units"] = buf.String()
	buf.Reset()
	if err := HistoryHTML(&buf, "log", logSeries(), len(logSeries())); err != nil {
		t.Fatal(err)
	}
	pages["log"] = buf.String()
	li := regexp.MustCompile(`<li>([^<]*)</li>`)
	sub := regexp.MustCompile(`<p class="sub">([^<]*)</p>`)
	for name, out := range pages {
		seen := map[string]bool{}
		for _, m := range append(li.FindAllStringSubmatch(out, -1), sub.FindAllStringSubmatch(out, -1)...) {
			if strings.HasPrefix(m[1], "latest ") || m[1] == "None." {
				continue // a card's own value, an empty section
			}
			if seen[m[1]] {
				t.Errorf("%s: %q said twice", name, m[1])
			}
			seen[m[1]] = true
		}
		if strings.Count(out, "No error bars") > 1 || strings.Count(out, "Error bars:") > 1 {
			t.Errorf("%s: the error-bar note is repeated", name)
		}
	}
}

// TestHTMLCaps: a diff of 600 metrics, 300 changed, each with a history:
// the changed table lists the first changedRowsMax, history charts are
// drawn for the first trendsMax changed metrics only, the full table's
// first allRowsMax rows are in the page and every row is in its data; the
// page says what it left out.
func TestHTMLCaps(t *testing.T) {
	var buf bytes.Buffer
	if err := HTML(&buf, manyRich(t, 300)); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	checkOffline(t, out)
	for _, want := range []string{
		"The first 200 of 300 changed metrics, most urgent first; the table of every metric below has them all",
		"Charts of the first 100 changed metrics, most urgent first; the other 200 are listed in the tables without a chart.",
		"<h2>All 600 metrics</h2>",
		"The first 500 of 600 metrics; type to filter them by name.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the page does not say %q", want)
		}
	}
	if n := strings.Count(out, `<svg class="chart full"`); n != trendsMax {
		t.Errorf("%d history charts, want %d", n, trendsMax)
	}
	for i := 300; i < 600; i++ {
		if strings.Contains(out, fmt.Sprintf(`aria-label="history of Bench/case-%03d-2:sec/op"`, i)) {
			t.Errorf("unchanged metric %d is charted", i)
		}
	}
	if n := strings.Count(out, `<td class="key">`); n != changedRowsMax+allRowsMax {
		t.Errorf("%d table rows in the page, want %d + %d", n, changedRowsMax, allRowsMax)
	}
	if n := strings.Count(out, `"Bench/case-`); n != 600 {
		t.Errorf("%d rows in the filter's data, want 600", n)
	}
}
