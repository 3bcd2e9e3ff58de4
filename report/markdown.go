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

// MarkdownLimit is the size Markdown keeps a PR comment under, in UTF-16
// code units (an emoji counts two, any other character one: at least
// GitHub's count of characters): GitHub rejects a comment body longer
// than 65,536 characters, and 5,536 are left as margin.
const MarkdownLimit = 60000

// SummaryLimit is the size, in bytes, that GitHub keeps the job summary
// ($GITHUB_STEP_SUMMARY) of a step under: GitHub refuses one over 1 MiB,
// and 48,576 bytes are left as margin.
const SummaryLimit = 1000000

// mdBudget is where a Markdown report is cut short: its limit, in the
// units its measure counts, and where the rows it leaves out can be read.
type mdBudget struct {
	limit   int
	measure func(string) int
	where   string // "… N more rows " + where
}

// commentBudget is a PR comment's: MarkdownLimit UTF-16 code units.
var commentBudget = mdBudget{limit: MarkdownLimit, measure: utf16Len,
	where: "not shown (comment size limit): the job summary and the HTML report (`git flameiq diff --format html`) list them all"}

// summaryBudget is a job summary's: room bytes left of SummaryLimit.
func summaryBudget(room int) mdBudget {
	return mdBudget{limit: room, measure: func(s string) int { return len(s) },
		where: "not shown (job summary size limit): the HTML report (`git flameiq diff --format html`) lists them all"}
}

// utf16Len is s's length in UTF-16 code units.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
}

// mdNotesRoom is the most room the findings' notes are sure to get.
const mdNotesRoom = 8000

// mdTail is the room kept back for what every report ends with when it
// is cut short: a "… N more" line per section, the closing of the
// collapsible table and the footer.
const mdTail = 2000

// mdOut is a Markdown report being written under a budget.
type mdOut struct {
	b      bytes.Buffer
	used   int
	budget mdBudget
}

// force writes s whatever its size (what every report has: the
// headline, the footer, a "… N more" line).
func (o *mdOut) force(s string) {
	o.b.WriteString(s)
	o.used += o.budget.measure(s)
}

// fits reports whether s, then the tail, still fit.
func (o *mdOut) fits(s string) bool {
	return o.used+o.budget.measure(s)+mdTail <= o.budget.limit
}

// add writes s when it fits, and says whether it did.
func (o *mdOut) add(s string) bool {
	if !o.fits(s) {
		return false
	}
	o.force(s)
	return true
}

// lines writes title and as many of lines as fit (each with its "\n"),
// then "… N more WHAT …" for the others; nothing when lines is empty.
func (o *mdOut) lines(title string, lines []string, what string) {
	if len(lines) == 0 {
		return
	}
	if !o.add(title + lines[0] + "\n") {
		o.force(fmt.Sprintf("… %s %s\n\n", thousands(len(lines)), o.more(what, len(lines))))
		return
	}
	for i, l := range lines[1:] {
		if !o.add(l + "\n") {
			o.force(fmt.Sprintf("\n… %s more %s\n", thousands(len(lines)-1-i), o.more(what, len(lines)-1-i)))
			break
		}
	}
	o.force("\n")
}

// more is "rows not shown (…): … list every metric" for n rows.
func (o *mdOut) more(what string, n int) string {
	if n == 1 {
		what = strings.TrimSuffix(what, "s")
	}
	return what + " " + o.budget.where + "."
}

// Markdown writes rich as a pull-request comment (GitHub-flavoured
// Markdown) of at most MarkdownLimit characters: MarkdownMarker, the
// Headline, the base resolution, then the findings first — a table of the
// changed metrics (regressions, budget breaches, failed, missing,
// accepted, warnings, improvements, new) with base, head, delta, p and n,
// threshold and status, their notes (such as "a written reason is
// required" for an opt-out without one), the accepted regressions with
// their written reason and source, the top profile changes when
// rich.Profile is set — and then every metric in a collapsible table. What
// does not fit is cut at a row, and a line says how many rows were left
// out and where they are. Names are escaped for Markdown tables and HTML.
func Markdown(w io.Writer, rich Rich) error {
	return writeMarkdown(w, rich, commentBudget)
}

// writeMarkdown writes Markdown's report under budget.
func writeMarkdown(w io.Writer, rich Rich, budget mdBudget) error {
	r := rich.Result
	o := &mdOut{budget: budget}
	o.force(fmt.Sprintf("%s\n### %s\n\n", MarkdownMarker, Headline(r)))
	if line := baseLine(rich, md); line != "" {
		o.force(line + "\n\n")
	}
	if len(r.RuleChanges) > 0 {
		var rules []string
		for _, c := range r.RuleChanges {
			rules = append(rules, "- "+md(c))
		}
		o.lines("#### ⚠️ Rules changed in this PR\n\n", rules, "rule changes")
		o.force(fmt.Sprintf("**%s**\n\n", md(r.RuleDecision)))
	}

	changed := changedDiffs(r)
	notes := mdNotes(changed, r)
	// The notes explain the findings (few lines, said once for many
	// metrics): keep room for them, up to mdNotesRoom, before the rows
	// (and for the line that counts the rows left out).
	room := 400
	for _, n := range notes {
		room += o.budget.measure(n) + 1
	}
	room = min(room, mdNotesRoom)
	o.budget.limit -= room
	o.lines(mdTableHead, mdRows(changed, r.Alpha), "changed metrics")
	o.budget.limit += room
	o.lines("**Notes**\n\n", notes, "notes")

	var acc []string
	for _, d := range acceptedDiffs(r) {
		l := fmt.Sprintf("- **%s** (%s): %s", md(d.Key), md(delta(d, r.Alpha)), md(d.AcceptReason))
		if d.AcceptSource != "" {
			l += fmt.Sprintf(" — %s", md(d.AcceptSource))
		}
		acc = append(acc, l)
	}
	o.lines("#### Accepted regressions\n\n", acc, "accepted regressions")

	if p := rich.Profile; p != nil && len(p.Functions) > 0 {
		var pb bytes.Buffer
		mdProfile(&pb, p)
		o.add(pb.String())
	}

	if len(r.Diffs) > 0 {
		o.force(fmt.Sprintf("<details><summary>All %s</summary>\n\n", plural(len(r.Diffs), "metric", "metrics")))
		o.lines(mdTableHead, mdRows(r.Diffs, r.Alpha), "rows")
		o.force("</details>\n\n")
	}
	o.force(mdFooter(r))
	_, err := w.Write(o.b.Bytes())
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

// mdTableHead is the header of a table of mdRows.
const mdTableHead = "| | Metric | Base | Head | Δ | p / n | Threshold | Status |\n|:-:|:--|--:|--:|--:|:--|--:|:--|\n"

// mdRows are the table rows of ds, one per diff (without "\n").
func mdRows(ds []compare.Diff, alpha float64) []string {
	rows := make([]string, 0, len(ds))
	for _, d := range ds {
		base, head := sides(d)
		status := statusWord(d.Status)
		if d.Noise {
			status += " (not significant)"
		}
		rows = append(rows, fmt.Sprintf("| %s | %s | %s | %s | %s | %s | %s | %s |",
			statusEmoji[d.Status], md(d.Key), md(base), md(head), md(delta(d, alpha)),
			md(pnPlain(d)), md(thresholdCell(d)), md(status)))
	}
	return rows
}

// mdNotes are the notes of the changed metrics, each note once with the
// metrics it concerns (a few named, then a count), then the result's
// warnings that no such note already said: one list item each.
func mdNotes(changed []compare.Diff, r *compare.Result) []string {
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
	return lines
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
