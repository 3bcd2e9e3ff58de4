package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/flameiq/git-flameiq/compare"
)

// MarkdownMarker is the hidden HTML comment that starts every Markdown
// report, so a CI job can find its earlier PR comment and update it
// rather than add another.
const MarkdownMarker = "<!-- git-flameiq -->"

// MarkdownLimit is the size Markdown keeps its report under, in bytes:
// GitHub rejects a comment body longer than 65536 characters, so the
// collapsible table of every metric is cut short when needed.
const MarkdownLimit = 60000

// Markdown writes rich as a pull-request comment (GitHub-flavoured
// Markdown): MarkdownMarker, the Headline, the base resolution, a table of
// the changed metrics (regressions, budget breaches, accepted, warnings)
// with base, head, delta, p and n, threshold and status, their notes (such
// as "a written reason is required" for an opt-out without one), the
// accepted regressions with their written reason and source, the top
// profile changes when rich.Profile is set, and every metric in a
// collapsible table (cut short, saying so, when the report would exceed
// MarkdownLimit). Names are escaped for Markdown tables and HTML.
func Markdown(w io.Writer, rich Rich) error {
	r := rich.Result
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\n### %s\n\n", MarkdownMarker, Headline(r))
	if line := baseLine(rich, md); line != "" {
		fmt.Fprintf(&b, "%s\n\n", line)
	}
	if len(r.RuleChanges) > 0 {
		b.WriteString("#### ⚠️ Rules changed in this PR\n\n")
		for _, c := range r.RuleChanges {
			fmt.Fprintf(&b, "- %s\n", md(c))
		}
		fmt.Fprintf(&b, "\n**%s**\n\n", md(r.RuleDecision))
	}

	changed := changedDiffs(r)
	if len(changed) > 0 {
		mdTable(&b, changed, r.Alpha)
		b.WriteByte('\n')
	}
	mdNotes(&b, changed, r)

	if acc := acceptedDiffs(r); len(acc) > 0 {
		b.WriteString("#### Accepted regressions\n\n")
		for _, d := range acc {
			fmt.Fprintf(&b, "- **%s** (%s): %s", md(d.Key), md(delta(d, r.Alpha)), md(d.AcceptReason))
			if d.AcceptSource != "" {
				fmt.Fprintf(&b, " — %s", md(d.AcceptSource))
			}
			b.WriteByte('\n')
		}
		b.WriteByte('\n')
	}

	if p := rich.Profile; p != nil && len(p.Functions) > 0 {
		mdProfile(&b, p)
	}

	footer := mdFooter(r)
	if len(r.Diffs) > 0 {
		fmt.Fprintf(&b, "<details><summary>All %s</summary>\n\n", plural(len(r.Diffs), "metric", "metrics"))
		var all bytes.Buffer
		mdTable(&all, r.Diffs, r.Alpha)
		// GitHub refuses comments longer than 65536 characters: cut the
		// full table rather than lose the comment.
		room := MarkdownLimit - b.Len() - len(footer) - 200
		if all.Len() > room {
			cut := bytes.LastIndexByte(all.Bytes()[:max(room, 0)], '\n') + 1
			shown := bytes.Count(all.Bytes()[:cut], []byte("\n")) - 2 // header lines
			all.Truncate(cut)
			fmt.Fprintf(&all, "\n… %d more metrics not shown (comment size limit); run `git flameiq diff` for all.\n", len(r.Diffs)-max(shown, 0))
		}
		b.Write(all.Bytes())
		b.WriteString("\n</details>\n\n")
	}
	b.WriteString(footer)
	_, err := w.Write(b.Bytes())
	return err
}

// baseLine says which commits were compared: the base resolution said
// aloud and the head, each escaped with esc.
func baseLine(rich Rich, esc func(string) string) string {
	base := rich.BaseReason
	if base == "" {
		base = rich.BaseLabel
		if base == "" {
			base = shortSha(rich.BaseCommit)
		}
		if base != "" {
			base = "base " + base
		}
	}
	head := rich.HeadLabel
	if head == "" {
		head = shortSha(rich.HeadCommit)
	}
	switch {
	case base != "" && head != "":
		return fmt.Sprintf("**Compared:** %s → head %s", esc(base), esc(head))
	case base != "":
		return fmt.Sprintf("**Compared:** %s", esc(base))
	case head != "":
		return fmt.Sprintf("**Compared:** head %s", esc(head))
	}
	return ""
}

// mdTable writes one row per diff.
func mdTable(b *bytes.Buffer, ds []compare.Diff, alpha float64) {
	b.WriteString("| | Metric | Base | Head | Δ | p / n | Threshold | Status |\n")
	b.WriteString("|:-:|:--|--:|--:|--:|:--|--:|:--|\n")
	for _, d := range ds {
		base, head := sides(d)
		status := statusWord(d.Status)
		if d.Noise {
			status += " (not significant)"
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s | %s |\n",
			statusEmoji[d.Status], md(d.Key), md(base), md(head), md(delta(d, alpha)),
			md(pnPlain(d)), md(thresholdCell(d)), md(status))
	}
}

// mdNotes lists the notes of the changed metrics, each note once with the
// metrics it concerns (a few named, then a count), then the result's
// warnings that no such note already said.
func mdNotes(b *bytes.Buffer, changed []compare.Diff, r *compare.Result) {
	said := map[string]bool{}
	var lines []string
	for _, g := range groupNotes(changed, said) {
		lines = append(lines, fmt.Sprintf("- %s: %s", namedKeys(g.Keys, func(k string) string { return "**" + md(k) + "**" }), md(g.Text)))
	}
	for _, w := range r.Warnings {
		if !said[w] {
			lines = append(lines, "- "+md(w))
		}
	}
	if len(lines) == 0 {
		return
	}
	b.WriteString("**Notes**\n\n")
	b.WriteString(strings.Join(lines, "\n"))
	b.WriteString("\n\n")
}

// mdProfile writes the "Top profile changes" section.
func mdProfile(b *bytes.Buffer, p *ProfileChanges) {
	b.WriteString("#### Top profile changes")
	if p.Name != "" {
		fmt.Fprintf(b, " (%s)", md(p.Name))
	}
	b.WriteString("\n\n")
	linked := false
	for _, f := range p.Functions {
		linked = linked || f.Linked
	}
	b.WriteString("| Function | Base share | Head share | Δ share |")
	if linked {
		b.WriteString(" Δ per op |")
	}
	b.WriteString("\n|:--|--:|--:|--:|")
	if linked {
		b.WriteString("--:|")
	}
	b.WriteByte('\n')
	for _, f := range p.Functions {
		fmt.Fprintf(b, "| %s | %s | %s | %s |", md(f.Name), share(f.BasePct), share(f.HeadPct), md(points(f.DeltaPct)))
		if linked {
			fmt.Fprintf(b, " %s |", md(perOp(f)))
		}
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
}

// mdFooter explains the statistics in one small line.
func mdFooter(r *compare.Result) string {
	s := "<sub>git-flameiq"
	if r.StatisticalMode {
		s += " · " + PLegend(r)
	}
	return s + "</sub>\n"
}

// mdEscaper makes any text safe in a GitHub Markdown table cell or
// paragraph: HTML is neutralised, Markdown punctuation is backslash-escaped
// (so `|` cannot split a cell and backticks cannot open code), and line
// breaks become spaces.
var mdEscaper = strings.NewReplacer(
	"\r\n", " ", "\n", " ", "\r", " ",
	"&", "&amp;", "<", "&lt;", ">", "&gt;",
	`\`, `\\`, "`", "\\`", "|", `\|`, "*", `\*`, "_", `\_`,
	"[", `\[`, "]", `\]`, "~", `\~`, "#", `\#`, "!", `\!`,
)

// md escapes s for a Markdown report.
func md(s string) string { return mdEscaper.Replace(s) }
