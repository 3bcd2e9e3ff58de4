package report

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/olekukonko/tablewriter"
)

// TestLayoutLikeTablewriter: layout's own path writes exactly what
// tablewriter writes with writeTable's settings, for random tables of
// ASCII, wide, ambiguous-width, combining and empty cells.
func TestLayoutLikeTablewriter(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	pieces := []string{"", " ", "  ", "a", "BenchmarkX-2", "12.5µ", "± 3%", "漢字", "🙂", "e\u0301", "±", "Ω", "x y", "-", "~", "(p=0.002 n=10)", "→", "\u00a0"}
	for iter := 0; iter < 500; iter++ {
		cols := 1 + rng.IntN(7)
		rows := make([][]string, rng.IntN(12))
		for j := range rows {
			rows[j] = make([]string, cols)
			for i := range rows[j] {
				for k := rng.IntN(4); k > 0; k-- {
					rows[j][i] += pieces[rng.IntN(len(pieces))]
				}
			}
		}
		align := make([]int, cols)
		for i := range align {
			align[i] = []int{tablewriter.ALIGN_LEFT, tablewriter.ALIGN_RIGHT}[rng.IntN(2)]
		}
		var got, want bytes.Buffer
		layout(&got, rows, align)
		tablewriterLayout(&want, rows, align)
		if got.String() != want.String() {
			t.Fatalf("rows %q align %v:\n%s\nwant (tablewriter):\n%s", rows, align, got.String(), want.String())
		}
	}
}
