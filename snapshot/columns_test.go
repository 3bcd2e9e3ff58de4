package snapshot

import (
	"bytes"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
)

// leanOps plays a parser's calls, read from ops, on s: Add of keys from a
// small set that share stems and suffixes (and some that do not fit the
// columns), then writes through the returned view (a sample appended, an
// interval set or cleared, the info flag), Get and Sort. A lean snapshot
// must end as a plain one given the same calls.
func leanOps(s *Snapshot, ops []byte) {
	stems := []string{"BM_a/1", "GET /x", "custom", "", "k\x1bey", "Ä/ü", strings.Repeat("s", 70000)}
	sufs := []string{":sec/op", ".avg", ":p95", "/8", "", ".m", ":" + strings.Repeat("u", 40)}
	units := []string{"", "sec/op", "ms", "ratio", "B/op"}
	var m *Metric
	next := func(i *int) byte {
		if *i >= len(ops) {
			return 0
		}
		*i++
		return ops[*i-1]
	}
	for i := 0; i < len(ops); {
		op := next(&i)
		switch op % 8 {
		case 0, 1, 2:
			a, b, u := next(&i), next(&i), next(&i)
			key := stems[int(a)%len(stems)] + sufs[int(b)%len(sufs)]
			if b >= 200 { // a suffix that is a number: a new one each time
				key += fmt.Sprint(".n", a)
			}
			var xs []float64
			for range op % 3 {
				xs = append(xs, float64(next(&i))/4)
			}
			m = s.Add(key, units[int(u)%len(units)], Direction(u%3), xs...)
		case 3:
			if m != nil {
				m.Samples = append(m.Samples, float64(next(&i)))
			}
		case 4:
			if m != nil {
				v := next(&i)
				switch {
				case v < 64:
					m.CI = nil
				case v < 128:
					m.CI = &Interval{Lo: 0, Hi: float64(v), N: int(v) << 30} // beyond 32 bits
				default:
					m.CI = &Interval{Lo: 1, Hi: float64(v), N: int(v)}
				}
			}
		case 5:
			if m != nil {
				m.Info = next(&i)%2 == 0
			}
		case 6:
			a, b := next(&i), next(&i)
			// A view lasts until the snapshot's next call, as in a parser.
			m = s.Get(stems[int(a)%len(stems)] + sufs[int(b)%len(sufs)])
		case 7:
			s.Sort()
			m = nil
		}
	}
	s.Sort()
}

// leanLikePlain fails unless a lean and a plain snapshot given ops end
// the same: their record lines, Len, SampleCount, Sanitize and Expand.
func leanLikePlain(t *testing.T, ops []byte) {
	t.Helper()
	plain, lean := &Snapshot{}, NewLean()
	leanOps(plain, ops)
	leanOps(lean, ops)
	if plain.Len() != lean.Len() || plain.SampleCount() != lean.SampleCount() {
		t.Fatalf("Len %d, SampleCount %d; want %d, %d", lean.Len(), lean.SampleCount(), plain.Len(), plain.SampleCount())
	}
	var want, got bytes.Buffer
	werr := WriteRecord(&want, plain, "id")
	gerr := WriteRecord(&got, lean, "id")
	if fmt.Sprint(werr) != fmt.Sprint(gerr) || want.String() != got.String() {
		t.Fatalf("lean record:\n%s (%v)\nwant:\n%s (%v)", got.String(), gerr, want.String(), werr)
	}
	plain.Sanitize()
	lean.Sanitize()
	lean.Expand()
	if lean.Lean() {
		t.Fatal("Expand left the snapshot lean")
	}
	if !reflect.DeepEqual(plain.Metrics, lean.Metrics) {
		for i := range min(len(plain.Metrics), len(lean.Metrics)) {
			if !reflect.DeepEqual(plain.Metrics[i], lean.Metrics[i]) {
				t.Fatalf("metric %d: lean %+v, want %+v", i, *lean.Metrics[i], *plain.Metrics[i])
			}
		}
		t.Fatalf("lean has %d metrics, want %d", len(lean.Metrics), len(plain.Metrics))
	}
}

func TestLeanLikePlain(t *testing.T) {
	for name, ops := range map[string][]byte{
		"empty":                {},
		"one":                  {0, 0, 0, 1},
		"shared stem":          {1, 0, 0, 1, 9, 1, 0, 2, 1, 9, 1, 1, 1, 3, 9},
		"unsorted":             {1, 1, 0, 1, 9, 1, 0, 0, 1, 9, 1, 2, 3, 0, 9},
		"repeated key":         {1, 0, 0, 1, 5, 1, 0, 0, 1, 6},
		"no samples":           {0, 0, 0, 1, 3, 2},
		"interval then repeat": {1, 0, 2, 2, 7, 4, 200, 1, 0, 2, 2, 8, 4, 10},
		"interval n > 32 bits": {1, 0, 2, 2, 7, 4, 100},
		"interval on earlier":  {1, 0, 0, 1, 5, 1, 1, 0, 1, 6, 6, 0, 0, 4, 150},
		"interval cleared":     {1, 0, 0, 1, 5, 4, 150, 1, 1, 0, 1, 6, 6, 0, 0, 4, 0},
		"info":                 {1, 0, 0, 1, 5, 5, 0, 1, 1, 0, 1, 6, 5, 1},
		"get and append":       {1, 0, 0, 1, 5, 1, 1, 1, 1, 6, 6, 0, 0, 3, 7, 6, 9, 9},
		"sort then add":        {1, 1, 0, 1, 9, 7, 1, 0, 0, 1, 5, 7, 1, 0, 1, 1, 4},
		"control byte":         {1, 4, 0, 1, 9, 1, 0, 0, 1, 5},
		"key beyond a block":   {1, 0, 0, 1, 5, 1, 6, 0, 1, 5, 1, 1, 0, 1, 5},
		"long suffix":          {1, 0, 6, 1, 5, 1, 1, 6, 1, 5},
		"numbered suffixes":    {1, 2, 201, 1, 5, 1, 3, 201, 1, 5, 1, 2, 202, 1, 6},
		"not UTF-8 stem":       {1, 5, 3, 1, 9, 1, 5, 0, 1, 8},
	} {
		t.Run(name, func(t *testing.T) { leanLikePlain(t, ops) })
	}
}

// TestLeanBeyondLimits: keys beyond what the columns hold (more than 255
// units, more than 4,096 suffixes) expand the snapshot or keep the key
// whole, and the snapshot still ends as a plain one does.
func TestLeanBeyondLimits(t *testing.T) {
	plain, lean := &Snapshot{}, NewLean()
	for _, s := range []*Snapshot{plain, lean} {
		for i := range 5000 {
			s.Add(fmt.Sprintf("b%d.s%d", i%7, i), "", LowerIsBetter, float64(i))
		}
	}
	if !lean.Lean() {
		t.Fatal("5,000 suffixes expanded the snapshot")
	}
	for _, s := range []*Snapshot{plain, lean} {
		for i := range 300 {
			m := s.Add(fmt.Sprintf("u%d", i), fmt.Sprint("unit", i), HigherIsBetter, 1)
			m.CI = &Interval{Lo: 0, Hi: 2, N: i}
		}
		s.Sort()
	}
	if lean.Lean() {
		t.Fatal("300 units left the snapshot lean")
	}
	a, err := EncodeRecord(plain, "x")
	if err != nil {
		t.Fatal(err)
	}
	b, err := EncodeRecord(lean, "x")
	if err != nil || !bytes.Equal(a, b) {
		t.Fatalf("expanded lean record differs (%v)", err)
	}
}

func TestCmpParts(t *testing.T) {
	for _, c := range [][4]string{
		{"ab", "c", "a", "bc"}, {"", "", "", ""}, {"a", "", "", "a"}, {"a", "b", "a", ""},
		{"ab", "", "a", "c"}, {"x", "yz", "xy", "z"}, {"", "b", "a", "z"}, {"abc", "d", "ab", "ce"},
	} {
		want := strings.Compare(c[0]+c[1], c[2]+c[3])
		if got := cmpParts(c[0], c[1], c[2], c[3]); sign(got) != want {
			t.Errorf("cmpParts(%q, %q, %q, %q) = %d, want %d", c[0], c[1], c[2], c[3], got, want)
		}
		if got := cmpParts(c[2], c[3], c[0], c[1]); sign(got) != -want {
			t.Errorf("cmpParts(%q, %q, %q, %q) = %d, want %d", c[2], c[3], c[0], c[1], got, -want)
		}
	}
}

func sign(x int) int {
	switch {
	case x < 0:
		return -1
	case x > 0:
		return 1
	}
	return 0
}

// TestLeanChunks: a lean snapshot of more metrics than a chunk holds
// reads back every metric from every chunk.
func TestLeanChunks(t *testing.T) {
	s := NewLean()
	n := 3*16384 + 5 // three chunks and some
	for i := range n {
		m := s.Add(fmt.Sprintf("b%07d:p50", i), "ms", LowerIsBetter, float64(i))
		if i%3 == 0 {
			m.CI = &Interval{Lo: float64(i) - 1, Hi: float64(i) + 1, N: i}
		}
	}
	s.Sort()
	i := 0
	for m := range s.All() {
		if want := fmt.Sprintf("b%07d:p50", i); m.Key != want || m.Samples[0] != float64(i) || (m.CI != nil) != (i%3 == 0) ||
			m.CI != nil && (m.CI.N != i || m.CI.Lo != float64(i)-1) {
			t.Fatalf("metric %d: %+v %+v, want key %s", i, m, m.CI, want)
		}
		i++
	}
	if i != n || s.Len() != n {
		t.Fatalf("%d metrics (Len %d), want %d", i, s.Len(), n)
	}
	if math.IsNaN(s.Get("b0000007:p50").Samples[0]) {
		t.Fatal("Get after Sort")
	}
}

// FuzzLeanLikePlain: whatever calls a parser makes, a lean snapshot ends
// as a plain one.
func FuzzLeanLikePlain(f *testing.F) {
	f.Add([]byte{1, 0, 0, 1, 5, 1, 1, 1, 1, 6, 6, 0, 0, 3, 7, 6, 9, 9})
	f.Add([]byte{1, 0, 2, 2, 7, 4, 200, 1, 0, 2, 2, 8, 4, 10, 5, 0, 7, 1, 4, 0, 1, 3})
	f.Add([]byte{1, 4, 0, 1, 9, 1, 0, 0, 1, 5, 2, 3, 201, 3, 1, 2})
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 4096 {
			return
		}
		leanLikePlain(t, ops)
	})
}
