// Package bisect finds the first bad commit on an ordered first-parent list.
//
// The caller numbers the commits of the first-parent path GOOD..BAD from 0
// (the commit just after GOOD) to n-1 (BAD itself), oldest first, and
// supplies a probe that says whether commit i is Good, Bad or must be
// skipped (no note and no way to measure it, or the benchmark command
// failed). Find runs a binary search for the first Bad index assuming the
// verdicts are monotonic (good … good bad … bad), treating skipped commits as
// git bisect does: it probes their neighbours and, when only skipped commits
// separate the last good from the first bad, reports every candidate.
//
// The package knows no git and no input formats: internal/bisector lists
// the commits, decides a verdict by comparing snapshots (and, for --run,
// measures commits in a worktree), and maps indexes back to shas. Every
// index is probed at most once, so a probe may be expensive.
package bisect

import (
	"errors"
	"fmt"
	"sort"
)

// Verdict is the outcome of probing one commit.
type Verdict int

const (
	// Skip means the commit cannot be judged: no recorded snapshot and no
	// way to measure it, or the measurement command failed.
	Skip Verdict = iota
	// Good means the metric has not regressed at this commit.
	Good
	// Bad means the metric has regressed at this commit.
	Bad
)

// String returns "good", "bad" or "skip".
func (v Verdict) String() string {
	switch v {
	case Good:
		return "good"
	case Bad:
		return "bad"
	case Skip:
		return "skip"
	}
	return fmt.Sprintf("Verdict(%d)", int(v))
}

// Probe records one probed index and its verdict.
type Probe struct {
	Index   int
	Verdict Verdict
}

// Outcome is the result of a search. It is meaningful, as far as it goes,
// even when Find returns an error, so the caller can print what was probed.
type Outcome struct {
	// FirstBad is the index of the first bad commit, or -1 when it is not
	// known (see the errors of Find).
	FirstBad int
	// LastGood is the index of the last commit known to be good, or -1 for
	// GOOD itself (which is never probed).
	LastGood int
	// Candidates lists, oldest first, the indexes that may be the first bad
	// commit when skipped commits prevent a single answer (ErrOnlySkipped),
	// or the skipped commits after LastGood that could hide a regression
	// when nothing measured was bad (ErrNotFound). It is nil otherwise.
	Candidates []int
	// Probes lists every probe in the order it was made.
	Probes []Probe
}

var (
	// ErrNotFound means no probed commit was bad: BAD itself is good, or
	// BAD could not be judged and no measured commit before it was bad.
	ErrNotFound = errors.New("nothing regressed")
	// ErrOnlySkipped means only skipped commits are left between the last
	// good and the first bad commit; Outcome.Candidates lists them with the
	// first known bad commit last.
	ErrOnlySkipped = errors.New("only skipped commits left to test")
	// ErrEmpty means there is no commit between GOOD and BAD to search.
	ErrEmpty = errors.New("no commits to bisect")
)

// Find searches indexes 0..n-1 for the first one whose probe is Bad. It
// probes BAD (n-1) first: when BAD is Good it returns ErrNotFound at once.
// Then it bisects the interval between the last good and the first bad
// index; when the midpoint is skipped it tries its neighbours, nearest
// first, alternating later and earlier. A probe error stops the search and
// is returned wrapped with the index that failed.
func Find(n int, probe func(i int) (Verdict, error)) (Outcome, error) {
	out := Outcome{FirstBad: -1, LastGood: -1}
	if n <= 0 {
		return out, ErrEmpty
	}
	skipped := make(map[int]bool)
	try := func(i int) (Verdict, error) {
		v, err := probe(i)
		if err != nil {
			return v, err // the probe knows what it probed: its error says so
		}
		if v != Good && v != Bad && v != Skip {
			return v, fmt.Errorf("probing index %d: invalid verdict %d", i, int(v))
		}
		out.Probes = append(out.Probes, Probe{Index: i, Verdict: v})
		if v == Skip {
			skipped[i] = true
		}
		return v, nil
	}

	// lo is the last known good index (-1 is GOOD), hi the first known bad
	// index (n means none is known yet). The first bad is in (lo, hi].
	lo, hi := -1, n
	v, err := try(n - 1)
	if err != nil {
		return out, err
	}
	switch v {
	case Good:
		out.LastGood = n - 1
		return out, ErrNotFound
	case Bad:
		hi = n - 1
	}

	for {
		m, ok := next(lo, hi, skipped)
		if !ok {
			break
		}
		v, err := try(m)
		if err != nil {
			out.LastGood = lo
			return out, err
		}
		switch v {
		case Good:
			lo = m
		case Bad:
			hi = m
		}
	}

	out.LastGood = lo
	var between []int
	for i := range skipped {
		if i > lo && i < hi {
			between = append(between, i)
		}
	}
	sort.Ints(between)
	if hi == n {
		out.Candidates = between
		return out, ErrNotFound
	}
	if len(between) > 0 {
		out.Candidates = append(between, hi)
		return out, ErrOnlySkipped
	}
	out.FirstBad = hi
	return out, nil
}

// next picks the index to probe in the open interval (lo, hi): the
// midpoint, or when it was skipped the nearest unskipped neighbour (later
// first, then earlier). It reports false when every index is skipped.
func next(lo, hi int, skipped map[int]bool) (int, bool) {
	if hi-lo < 2 {
		return 0, false
	}
	mid := lo + (hi-lo)/2
	for d := 0; ; d++ {
		up, down := mid+d, mid-d
		inUp, inDown := up < hi, down > lo
		if !inUp && !inDown {
			return 0, false
		}
		if inUp && !skipped[up] {
			return up, true
		}
		if inDown && !skipped[down] {
			return down, true
		}
	}
}
