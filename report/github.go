package report

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/flameiq/git-flameiq/compare"
)

// GitHub writes rich for a GitHub Actions log: one workflow command per
// metric to look at (`::error` for regressions and budget breaches,
// `::warning` for warnings, `::notice` for accepted regressions and for the
// top profile change), then the base resolution and the summary line as
// plain text. When summaryPath is not empty (the value of
// GITHUB_STEP_SUMMARY) the Markdown report is appended to that file, which
// is created if needed.
func GitHub(w io.Writer, rich Rich, summaryPath string) error {
	r := rich.Result
	var b bytes.Buffer
	for _, d := range changedDiffs(r) {
		cmd, title := "", ""
		switch d.Status {
		case compare.Regression:
			cmd, title = "error", "Performance regression"
		case compare.BudgetBreach:
			cmd, title = "error", "Budget breach"
		case compare.Warning:
			cmd, title = "warning", "Performance warning"
		case compare.Accepted:
			cmd, title = "notice", "Accepted regression"
		default:
			continue
		}
		ghCommand(&b, cmd, title+": "+d.Key, ghMessage(d, r.Alpha))
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
	err = Markdown(f, rich)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// ghMessage is the body of a metric's annotation, e.g.
// "+50.00% (1.000 µs/op → 1.500 µs/op), threshold 10%, p=0.002 n=8;
// <notes>".
func ghMessage(d compare.Diff, alpha float64) string {
	base, head := sides(d)
	msg := fmt.Sprintf("%s %s (%s → %s)", d.Key, delta(d, alpha), base, head)
	if t := thresholdCell(d); t != "" {
		msg += ", threshold " + t
	}
	if p := pnPlain(d); p != "" {
		msg += ", " + p
	}
	if d.Noise {
		msg += ", not significant"
	}
	var extra []string
	if d.Status == compare.Accepted {
		a := "accepted: " + d.AcceptReason
		if d.AcceptSource != "" {
			a += " (" + d.AcceptSource + ")"
		}
		extra = append(extra, a)
	}
	extra = append(extra, d.Notes...)
	if len(extra) > 0 {
		msg += "\n" + strings.Join(extra, "\n")
	}
	return msg
}

// ghCommand writes `::cmd title=TITLE::MESSAGE` with both parts escaped
// as the Actions runner expects.
func ghCommand(b *bytes.Buffer, cmd, title, msg string) {
	fmt.Fprintf(b, "::%s title=%s::%s\n", cmd, ghProperty(title), ghData(msg))
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
