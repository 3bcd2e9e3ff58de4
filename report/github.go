package report

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/flameiq/git-flameiq/compare"
	"github.com/flameiq/git-flameiq/snapshot"
)

// AnnotationLimit is how many annotations of one level GitHub shows per
// step (10 errors, 10 warnings); GitHub writes at most that many of each,
// the largest first, then one that says how many more there are.
const AnnotationLimit = 10

// GitHub writes rich for a GitHub Actions log: one workflow command per
// finding (`::error` for regressions, budget breaches and failed
// benchmarks, `::warning` for warnings and metrics missing from head,
// `::notice` for accepted regressions and for the top profile change),
// most severe and largest first, at most AnnotationLimit of each level
// followed by one "and N more" annotation; improvements and noise are not
// annotated. A note shared by several findings is written once after them
// rather than in each. Then the base resolution and the summary line as
// plain text. When summaryPath is not empty (the value of
// GITHUB_STEP_SUMMARY) the Markdown report is appended to that file, which
// is created if needed, cut short as Markdown's is so that the file stays
// under SummaryLimit bytes (what it already holds counts); a file already
// that full gets nothing, and the log says so.
func GitHub(w io.Writer, rich Rich, summaryPath string) error {
	r := rich.Result
	var b bytes.Buffer
	type finding struct {
		d          compare.Diff
		cmd, title string
	}
	var found []finding
	noteUses := map[string]int{}
	for _, d := range changedDiffs(r) {
		cmd, title := "", ""
		switch d.Status {
		case compare.Regression:
			cmd, title = "error", "Performance regression"
		case compare.BudgetBreach:
			cmd, title = "error", "Budget breach"
		case compare.Failed:
			cmd, title = "error", "Benchmark failed"
		case compare.Warning:
			cmd, title = "warning", "Performance warning"
		case compare.Missing:
			cmd, title = "warning", "Metric missing from head"
			if r.Failed() && r.Counts().Regressions+r.Counts().Budget+r.Counts().Failed == 0 {
				cmd = "error"
			}
		case compare.Accepted:
			cmd, title = "notice", "Accepted regression"
		case compare.New:
			cmd, title = "notice", "New metric"
		default:
			continue
		}
		found = append(found, finding{d, cmd, title})
		for _, n := range d.Notes {
			noteUses[n]++
		}
	}
	if len(r.RuleChanges) > 0 {
		ghCommand(&b, "warning", "Rules changed in this PR", r.RuleDecision+"\n"+strings.Join(r.RuleChanges, "\n"))
	}
	shown, more := map[string]int{}, map[string]int{}
	for _, f := range found {
		if shown[f.cmd] >= AnnotationLimit {
			more[f.cmd]++
			continue
		}
		shown[f.cmd]++
		ghCommand(&b, f.cmd, f.title+": "+f.d.Key, ghMessage(f.d, r.Alpha, noteUses))
	}
	for _, cmd := range []string{"error", "warning", "notice"} {
		if n := more[cmd]; n > 0 {
			ghCommand(&b, cmd, fmt.Sprintf("and %d more", n), fmt.Sprintf("%d more %s not annotated here (GitHub shows %d per step): see the job summary", n, map[bool]string{true: "finding is", false: "findings are"}[n == 1], AnnotationLimit))
		}
	}
	var shared []string
	for n, k := range noteUses {
		if k > 1 {
			shared = append(shared, n)
		}
	}
	sort.Strings(shared)
	for _, n := range shared {
		fmt.Fprintf(&b, "%s\n", oneLine(fmt.Sprintf("note (%d metrics): %s", noteUses[n], n)))
	}
	if p := rich.Profile; p != nil && len(p.Functions) > 0 {
		f := p.Functions[0]
		msg := fmt.Sprintf("%s: share %s → %s (%s)", f.Name, share(f.BasePct), share(f.HeadPct), points(f.DeltaPct))
		if po := perOp(f); po != "" {
			msg += ", " + po
		}
		title := "Top profile change"
		if p.Name != "" {
			title += " (" + p.Name + ")"
		}
		ghCommand(&b, "notice", title, msg)
	}
	if rich.BaseReason != "" {
		fmt.Fprintf(&b, "%s\n", oneLine(rich.BaseReason))
	}
	if r.StatisticalMode {
		fmt.Fprintf(&b, "%s\n", PLegend(r))
	}
	fmt.Fprintf(&b, "%s\n", SummaryLine(r))
	if _, err := w.Write(b.Bytes()); err != nil {
		return err
	}
	if summaryPath == "" {
		return nil
	}
	f, err := os.OpenFile(summaryPath, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	room := SummaryLimit
	if st, err := f.Stat(); err == nil {
		room -= int(st.Size()) // earlier steps' summaries share the limit
	}
	if room < 2*mdTail {
		_ = f.Close()
		_, err := fmt.Fprintf(w, "job summary not written: %s already holds %d bytes, near GitHub's limit of 1 MiB\n", summaryPath, SummaryLimit-room)
		return err
	}
	err = writeMarkdown(f, rich, summaryBudget(room))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// ghMessage is the body of a metric's annotation, e.g.
// "+50.00% (1.000 µs/op → 1.500 µs/op), threshold 10%, p=0.002 n=8;
// <notes>". Notes that noteUses counts more than once are left out (the
// caller writes them once).
func ghMessage(d compare.Diff, alpha float64, noteUses map[string]int) string {
	base, head := sides(d)
	var msg string
	switch {
	case d.Status == compare.Failed:
		msg = d.Key + " failed in head"
	case d.Status == compare.Missing:
		msg = fmt.Sprintf("%s is in the base (%s) but not in head: renamed, deleted or not run?", d.Key, base)
	case d.Status == compare.New:
		msg = fmt.Sprintf("%s is new in head (%s)", d.Key, head)
	default:
		msg = fmt.Sprintf("%s %s (%s → %s)", d.Key, delta(d, alpha), base, head)
		if t := thresholdCell(d); t != "" {
			msg += ", threshold " + t
		}
		if p := pnPlain(d); p != "" {
			msg += ", " + p
		}
	}
	var extra []string
	if d.Status == compare.Accepted {
		a := "accepted: " + d.AcceptReason
		if d.AcceptSource != "" {
			a += " (" + d.AcceptSource + ")"
		}
		extra = append(extra, a)
	}
	if d.Reason != "" {
		extra = append(extra, d.Reason)
	}
	for _, n := range d.Notes {
		if noteUses[n] <= 1 {
			extra = append(extra, n)
		}
	}
	if len(extra) > 0 {
		msg += "\n" + strings.Join(extra, "\n")
	}
	return msg
}

// ghCommand writes `::cmd title=TITLE::MESSAGE` with both parts escaped
// as the Actions runner expects.
func ghCommand(b *bytes.Buffer, cmd, title, msg string) {
	// Each line of the message, and the title, shown escaped
	// (snapshot.Printable): a profile function name or an opt-out reason
	// cannot carry an escape sequence into the log.
	lines := strings.Split(msg, "\n")
	for i, l := range lines {
		lines[i] = snapshot.Printable(l)
	}
	fmt.Fprintf(b, "::%s title=%s::%s\n", cmd, ghProperty(snapshot.Printable(title)), ghData(strings.Join(lines, "\n")))
}

// ghDataEscaper escapes a workflow command's message.
var ghDataEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")

// ghPropertyEscaper escapes a workflow command's property value, which
// additionally cannot hold `:` or `,`.
var ghPropertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")

func ghData(s string) string     { return ghDataEscaper.Replace(s) }
func ghProperty(s string) string { return ghPropertyEscaper.Replace(s) }

// oneLine keeps plain log lines from being read as workflow commands or
// split in two.
func oneLine(s string) string {
	s = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
	if strings.HasPrefix(s, "::") {
		s = " " + s
	}
	return s
}
