package gitstore

import (
	"bytes"
	"slices"
)

// catSortUniq merges two notes as `git notes merge -s cat_sort_uniq` does:
// the union of their lines, sorted, duplicates removed, newline-terminated
// (nil when there is no line). The lines are compared in place, never
// copied to strings: a monorepo's note is one line of megabytes, and
// recording it onto a commit without a note returns that note itself
// (b, when it already is its own union) instead of a copy.
func catSortUniq(a, b []byte) []byte {
	lines, n := unionLines(a, b)
	if len(lines) == 0 {
		return nil
	}
	if len(a) == 0 && len(lines) == 1 && len(b) == len(lines[0])+1 && b[len(b)-1] == '\n' {
		return b // b is one line and its newline
	}
	out := make([]byte, 0, n)
	for _, l := range lines {
		out = append(out, l...)
		out = append(out, '\n')
	}
	return out
}

// unionLines returns the lines of a and b that are not blank, sorted and
// each once, and n, their size with a newline each (as they were: a
// duplicate counts as often as it appears).
func unionLines(a, b []byte) (lines [][]byte, n int) {
	for _, note := range [][]byte{a, b} {
		for l := range bytes.SplitSeq(note, []byte{'\n'}) {
			if len(bytes.TrimSpace(l)) == 0 {
				continue
			}
			lines = append(lines, l)
			n += len(l) + 1
		}
	}
	if !slices.IsSortedFunc(lines, bytes.Compare) {
		slices.SortFunc(lines, bytes.Compare)
	}
	return slices.CompactFunc(lines, bytes.Equal), n
}
