package bisect

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// fake returns a monotonic probe: indexes >= firstBad are Bad, indexes in
// skip are Skip. It fails the test if an index is probed twice.
func fake(t *testing.T, firstBad int, skip ...int) func(int) (Verdict, error) {
	t.Helper()
	seen := map[int]bool{}
	return func(i int) (Verdict, error) {
		if seen[i] {
			t.Errorf("index %d probed twice", i)
		}
		seen[i] = true
		if slices.Contains(skip, i) {
			return Skip, nil
		}
		if i >= firstBad {
			return Bad, nil
		}
		return Good, nil
	}
}

func span(lo, hi int) []int { // lo..hi inclusive
	var s []int
	for i := lo; i <= hi; i++ {
		s = append(s, i)
	}
	return s
}

func TestFind(t *testing.T) {
	tests := []struct {
		name       string
		n          int
		firstBad   int // n or more: nothing regressed
		skip       []int
		want       int
		wantErr    error
		candidates []int
		maxProbes  int
	}{
		{name: "n=1 bad", n: 1, firstBad: 0, want: 0, maxProbes: 1},
		{name: "n=1 good", n: 1, firstBad: 1, want: -1, wantErr: ErrNotFound, maxProbes: 1},
		{name: "n=1 skip", n: 1, firstBad: 0, skip: []int{0}, want: -1, wantErr: ErrNotFound, candidates: []int{0}},
		{name: "n=2 bad at first", n: 2, firstBad: 0, want: 0, maxProbes: 2},
		{name: "n=2 bad at last", n: 2, firstBad: 1, want: 1, maxProbes: 2},
		{name: "bad at first", n: 100, firstBad: 0, want: 0, maxProbes: 8},
		{name: "bad at last", n: 100, firstBad: 99, want: 99, maxProbes: 8},
		{name: "middle", n: 1000, firstBad: 617, want: 617, maxProbes: 11},
		{name: "BAD is good", n: 100, firstBad: 100, want: -1, wantErr: ErrNotFound, maxProbes: 1},
		{name: "skip runs away from the answer", n: 100, firstBad: 50, skip: append(span(20, 30), span(60, 70)...), want: 50},
		{name: "skipped midpoint probes neighbours", n: 101, firstBad: 73, skip: []int{50}, want: 73},
		{name: "skip run around the answer", n: 100, firstBad: 50, skip: span(45, 55), want: -1,
			wantErr: ErrOnlySkipped, candidates: span(45, 56)},
		{name: "first bad skipped", n: 100, firstBad: 50, skip: []int{50}, want: -1,
			wantErr: ErrOnlySkipped, candidates: []int{50, 51}},
		{name: "last good skipped", n: 100, firstBad: 50, skip: []int{49}, want: -1,
			wantErr: ErrOnlySkipped, candidates: []int{49, 50}},
		{name: "first index skipped, bad at first", n: 10, firstBad: 0, skip: []int{0}, want: -1,
			wantErr: ErrOnlySkipped, candidates: []int{0, 1}},
		{name: "all skip", n: 10, firstBad: 3, skip: span(0, 9), want: -1, wantErr: ErrNotFound, candidates: span(0, 9)},
		{name: "BAD skipped, regression found", n: 100, firstBad: 30, skip: []int{99}, want: 30},
		{name: "BAD skipped, nothing regressed", n: 100, firstBad: 100, skip: []int{99}, want: -1,
			wantErr: ErrNotFound, candidates: []int{99}},
		{name: "BAD and its neighbours skipped", n: 100, firstBad: 100, skip: span(90, 99), want: -1,
			wantErr: ErrNotFound, candidates: span(90, 99)},
		{name: "every other skipped", n: 64, firstBad: 21, skip: []int{1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 23, 25, 27, 29, 31}, want: 21},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := Find(tt.n, fake(t, tt.firstBad, tt.skip...))
			if !errors.Is(err, tt.wantErr) || (err != nil && tt.wantErr == nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if out.FirstBad != tt.want {
				t.Errorf("FirstBad = %d, want %d (probes %v)", out.FirstBad, tt.want, out.Probes)
			}
			if !slices.Equal(out.Candidates, tt.candidates) {
				t.Errorf("Candidates = %v, want %v", out.Candidates, tt.candidates)
			}
			if tt.maxProbes > 0 && len(out.Probes) > tt.maxProbes {
				t.Errorf("%d probes, want at most %d: %v", len(out.Probes), tt.maxProbes, out.Probes)
			}
			if len(out.Probes) == 0 || out.Probes[0].Index != tt.n-1 {
				t.Errorf("first probe is not BAD: %v", out.Probes)
			}
		})
	}
}

func TestFindEmpty(t *testing.T) {
	_, err := Find(0, func(int) (Verdict, error) { t.Fatal("probed"); return Skip, nil })
	if !errors.Is(err, ErrEmpty) {
		t.Fatalf("err = %v, want ErrEmpty", err)
	}
}

func TestFindProbeError(t *testing.T) {
	boom := errors.New("boom")
	out, err := Find(100, func(i int) (Verdict, error) {
		if i == 99 {
			return Bad, nil
		}
		if i < 50 {
			return Good, nil
		}
		return Skip, boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	if out.FirstBad != -1 {
		t.Errorf("FirstBad = %d after an error, want -1", out.FirstBad)
	}
	if len(out.Probes) != 2 { // 99 (bad), then 49 (good); the failing probe is not recorded
		t.Errorf("probes = %v", out.Probes)
	}
}

func TestFindInvalidVerdict(t *testing.T) {
	_, err := Find(3, func(int) (Verdict, error) { return Verdict(7), nil })
	if err == nil {
		t.Fatal("no error for an invalid verdict")
	}
}

// TestFindProperties checks every answer against the truth over many
// generated cases: sizes 1..40, every first-bad position, random skip sets.
func TestFindProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 1; n <= 40; n++ {
		for f := 0; f <= n; f++ {
			for trial := 0; trial < 5; trial++ {
				var skip []int
				for i := 0; i < n; i++ {
					if rng.Float64() < 0.3 {
						skip = append(skip, i)
					}
				}
				name := fmt.Sprintf("n=%d f=%d skip=%v", n, f, skip)
				out, err := Find(n, fake(t, f, skip...))
				verdict := map[int]Verdict{}
				for _, p := range out.Probes {
					verdict[p.Index] = p.Verdict
				}
				switch {
				case err == nil:
					if out.FirstBad != f || verdict[f] != Bad || (f > 0 && verdict[f-1] != Good) {
						t.Fatalf("%s: FirstBad = %d, probes %v", name, out.FirstBad, out.Probes)
					}
				case errors.Is(err, ErrOnlySkipped):
					c := out.Candidates
					if len(c) < 2 || !slices.Contains(c, f) || verdict[c[len(c)-1]] != Bad ||
						(c[0] > 0 && verdict[c[0]-1] != Good) {
						t.Fatalf("%s: candidates %v, probes %v", name, c, out.Probes)
					}
					for k, i := range c[:len(c)-1] {
						if verdict[i] != Skip || i != c[0]+k {
							t.Fatalf("%s: candidates %v not a skipped run", name, c)
						}
					}
				case errors.Is(err, ErrNotFound):
					// Either nothing regressed, or the regression hides in
					// the skipped tail after the last good commit.
					if f < n && (len(out.Candidates) == 0 || f < out.Candidates[0]) {
						t.Fatalf("%s: ErrNotFound, candidates %v, probes %v", name, out.Candidates, out.Probes)
					}
				default:
					t.Fatalf("%s: %v", name, err)
				}
			}
		}
	}
}

func BenchmarkFind10k(b *testing.B) {
	const n = 10000
	probe := func(i int) (Verdict, error) {
		if i >= 7321 {
			return Bad, nil
		}
		return Good, nil
	}
	for b.Loop() {
		if _, err := Find(n, probe); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFind10kSkips(b *testing.B) {
	const n = 10000
	probe := func(i int) (Verdict, error) {
		if i%3 != 0 { // two commits in three unmeasured
			return Skip, nil
		}
		if i >= 7320 {
			return Bad, nil
		}
		return Good, nil
	}
	for b.Loop() {
		// 7319 and 7318 are skipped: the answer is a candidate list.
		if _, err := Find(n, probe); !errors.Is(err, ErrOnlySkipped) {
			b.Fatal(err)
		}
	}
}
