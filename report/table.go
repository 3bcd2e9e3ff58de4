package report

import (
	"bytes"
	"io"
	"strings"
	"unicode"

	"github.com/olekukonko/tablewriter"

	"github.com/flameiq/git-flameiq/snapshot"
)

// tableStyle is how writeTable lays out a table. The zero style is the
// layout of the log, show, drift, bisect and review tables (the layout
// text/tabwriter gave them with padding 2): cells left-aligned, each column
// as wide as its widest cell plus two spaces.
type tableStyle struct {
	// align is the tablewriter alignment of each column (ALIGN_LEFT where
	// absent).
	align []int
	// gap is the separator after each column ("  " where absent). It is
	// part of the cell, so tablewriter pads it with the cell: a right-
	// aligned value keeps its gap on its right.
	gap []string
	// ragged makes the last cell of every row free text: written as it is
	// after the aligned columns, neither padded nor measured (a subject,
	// a sparkline, a count).
	ragged bool
}

// writeTable is the one text-table helper of report: every text table
// (Text's benchstat tables, log, show, drift, bisect, review) goes
// through it. No borders, no header line: a header is the first row.
// tablewriter measures cells by their display width. A cell is one line:
// control characters (line breaks, tabs, escape sequences) become spaces.
func writeTable(w io.Writer, rows [][]string, st tableStyle) error {
	n := 0
	for _, r := range rows {
		n = max(n, len(r))
	}
	cols := n
	if st.ragged {
		cols--
	}
	var buf bytes.Buffer
	if cols > 0 {
		align := make([]int, cols)
		for i := range align {
			align[i] = tablewriter.ALIGN_LEFT
			if i < len(st.align) {
				align[i] = st.align[i]
			}
		}
		gaps := make([]string, cols)
		for i := range gaps {
			gaps[i] = "  "
			if i < len(st.gap) {
				gaps[i] = st.gap[i]
			}
		}
		layout(&buf, rows, cols, gaps, align)
	}
	if !st.ragged {
		_, err := w.Write(noCommandLines(buf.Bytes()))
		return err
	}
	lines := strings.SplitAfter(buf.String(), "\n")
	var out bytes.Buffer
	for i, r := range rows {
		if cols > 0 {
			out.WriteString(strings.TrimSuffix(lines[i], "\n"))
		}
		if len(r) == n {
			out.WriteString(cellText(r[n-1]))
		}
		out.WriteByte('\n')
	}
	_, err := w.Write(noCommandLines(out.Bytes()))
	return err
}

// layout writes the first cols cells of rows (made single-line by
// cellText, each followed by its column's gap) as tablewriter lays them
// out with the settings of writeTable (no borders, no padding, each column
// as wide as its widest cell by display width), for left- and
// right-aligned columns; others go through tablewriter. tablewriter
// formats every cell through fmt and measures it twice with a regular
// expression, which was most of the time of a 60,000-row table;
// TestLayoutLikeTablewriter holds the two equal.
func layout(buf *bytes.Buffer, rows [][]string, cols int, gaps []string, align []int) {
	cell := func(r []string, i int) string {
		if i < len(r) {
			return cellText(r[i])
		}
		return ""
	}
	for _, a := range align {
		if a != tablewriter.ALIGN_LEFT && a != tablewriter.ALIGN_RIGHT {
			cells := make([][]string, len(rows))
			for j, r := range rows {
				cells[j] = make([]string, cols)
				for i := range cells[j] {
					cells[j][i] = cell(r, i) + gaps[i]
				}
			}
			tablewriterLayout(buf, cells, align)
			return
		}
	}
	// The width of a cell and its gap, measured as tablewriter measures
	// the two as one string.
	width := func(c, gap string) int {
		if ascii(c) && ascii(gap) {
			return len(c) + len(gap)
		}
		return tablewriter.DisplayWidth(c + gap)
	}
	widths := make([]int, cols)
	for _, r := range rows {
		for i := range widths {
			widths[i] = max(widths[i], width(cell(r, i), gaps[i]))
		}
	}
	for _, r := range rows {
		for i := range widths {
			c := cell(r, i)
			pad := widths[i] - width(c, gaps[i])
			if align[i] == tablewriter.ALIGN_RIGHT {
				writeSpaces(buf, pad)
			}
			buf.WriteString(c)
			buf.WriteString(gaps[i])
			if align[i] != tablewriter.ALIGN_RIGHT {
				writeSpaces(buf, pad)
			}
		}
		buf.WriteByte('\n')
	}
}

func writeSpaces(buf *bytes.Buffer, n int) {
	for ; n > 0; n-- {
		buf.WriteByte(' ')
	}
}

// ascii reports whether s is printable ASCII, whose display width is its
// length.
func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// tablewriterLayout is layout through tablewriter itself.
func tablewriterLayout(buf *bytes.Buffer, cells [][]string, align []int) {
	t := tablewriter.NewWriter(buf)
	t.SetAutoWrapText(false)
	t.SetAutoFormatHeaders(false)
	t.SetBorder(false)
	t.SetNoWhiteSpace(true)
	t.SetTablePadding("")
	t.SetColumnAlignment(align)
	for _, r := range cells {
		t.Append(r)
	}
	t.Render()
}

// noCommandLines indents a table line that would start with "::" (a metric
// named "::error::x" at the start of a row): in a GitHub Actions log such a
// line is a workflow command, and only report.GitHub writes those.
func noCommandLines(b []byte) []byte {
	if !bytes.HasPrefix(b, []byte("::")) && !bytes.Contains(b, []byte("\n::")) {
		return b
	}
	lines := bytes.SplitAfter(b, []byte("\n"))
	var out bytes.Buffer
	for _, l := range lines {
		if bytes.HasPrefix(l, []byte("::")) {
			out.WriteByte(' ')
		}
		out.Write(l)
	}
	return out.Bytes()
}

// cellText makes s fit one table cell: control characters become spaces,
// zero-width and bidi characters escapes (\u200b), as termsafe shows them.
func cellText(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	return snapshot.Printable(s)
}
