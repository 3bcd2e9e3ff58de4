package report

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/olekukonko/tablewriter"
)

// TestLayoutLikeTablewriter: layout's own path writes exactly what
// tablewriter writes with writeTable's settings, for random tables of
// ASCII, wide, ambiguous-width, combining, control and empty cells and
// gaps.
func TestLayoutLikeTablewriter(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	pieces := []string{"", " ", "  ", "a", "BenchmarkX-2", "12.5µ", "± 3%", "漢字", "🙂", "e\u0301", "±", "Ω", "x y", "-", "~", "(p=0.002 n=10)", "→", "\u00a0", "\t", "\x1b[31m"}
	for iter := 0; iter < 500; iter++ {
		cols := 1 + rng.IntN(7)
		rows := make([][]string, rng.IntN(12))
		for j := range rows {
			rows[j] = make([]string, rng.IntN(cols+1)) // short rows too
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
		gaps := make([]string, cols)
		cells := make([][]string, len(rows))
		for i := range gaps {
			gaps[i] = []string{"", " ", "  ", " "}[rng.IntN(4)]
		}
		for j, r := range rows {
			cells[j] = make([]string, cols)
			for i := range cols {
				if i < len(r) {
					cells[j][i] = cellText(r[i])
				}
				cells[j][i] += gaps[i]
			}
		}
		var got, want bytes.Buffer
		layout(&got, rows, cols, gaps, align)
		tablewriterLayout(&want, cells, align)
		if got.String() != want.String() {
			t.Fatalf("rows %q align %v:\n%s\nwant (tablewriter):\n%s", rows, align, got.String(), want.String())
		}
	}
}

// TestNumberLikeEncodingJSON: number writes a finite float64 exactly as
// encoding/json does, across magnitudes and at the 'f'/'e' boundaries.
func TestNumberLikeEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	vals := []float64{0, math.Copysign(0, -1), 1, -1, 1e-6, 9.999999e-7, 1e21, 9.99999e20, 1e-7, 1e-9, 1e-10, 1.5e-300, 5e-324, math.MaxFloat64, 123456789, 0.1, 2.5e-8}
	for range 100000 {
		vals = append(vals, math.Float64frombits(rng.Uint64()), rng.NormFloat64()*math.Pow(10, float64(rng.IntN(60)-30)))
	}
	for _, v := range vals {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		got, _ := number(v).MarshalJSON()
		want, err := json.Marshal(v)
		if err != nil || string(got) != string(want) {
			t.Fatalf("number(%v) = %s, encoding/json %s (%v)", v, got, want, err)
		}
	}
}
