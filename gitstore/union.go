package gitstore

import (
	"sort"
	"strings"
)

// catSortUniq merges two notes as `git notes merge -s cat_sort_uniq` does:
// the union of their lines, sorted, duplicates removed, newline-terminated.
func catSortUniq(a, b []byte) []byte {
	set := map[string]bool{}
	var lines []string
	for _, note := range [][]byte{a, b} {
		for _, l := range strings.Split(string(note), "\n") {
			if strings.TrimSpace(l) == "" || set[l] {
				continue
			}
			set[l] = true
			lines = append(lines, l)
		}
	}
	sort.Strings(lines)
	if len(lines) == 0 {
		return nil
	}
	return []byte(strings.Join(lines, "\n") + "\n")
}
