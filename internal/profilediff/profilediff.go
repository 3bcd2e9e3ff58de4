// Package profilediff diffs the profiles recorded on two commits (profile
// diff, and the profile section of diff's rich reports). It picks the
// profile (the name asked for, else flameiq.yaml's, else the head's only
// profile, else cpu), finds the base's nearest first-parent ancestor that
// has it (internal/baseline), loads and merges each side's records (the
// two in parallel) and diffs them (profile.Diff), in time per op when both
// sides are linked to the same metric. It knows no flags and prints
// nothing; warnings go to the caller.
package profilediff

import (
	"fmt"
	"math"
	"sync"

	"github.com/flameiq/git-flameiq/gitstore"
	"github.com/flameiq/git-flameiq/internal/baseline"
	"github.com/flameiq/git-flameiq/internal/store"
	"github.com/flameiq/git-flameiq/profile"
	"github.com/flameiq/git-flameiq/report"
)

// Options say which profile to diff and how.
type Options struct {
	Name        string // the profile's name ("": DefaultName, else the head's only profile, else cpu)
	DefaultName string // flameiq.yaml profiles.name
	SampleType  string // profile.DiffOptions.SampleType
	Top         int    // functions kept
	MaxWalk     int    // first-parent commits looked at for a base that has the profile
	Warn        func([]string)
}

// Result is the diff and the commits it was taken between.
type Result struct {
	Name string
	Diff *profile.DiffResult
	Head gitstore.Hash
	Base baseline.Found // the base commit used, and why
}

// Diff finds the base (nearest commit with the profile, from s.Base) and
// diffs its profile with s.Head's. Each note is read and decoded once.
func Diff(st *store.Store, s baseline.Sides, o Options) (*Result, error) {
	warn := o.Warn
	if warn == nil {
		warn = func([]string) {}
	}
	cache := map[gitstore.Hash][]profile.Record{}
	records := func(h gitstore.Hash) ([]profile.Record, error) {
		if recs, ok := cache[h]; ok {
			return recs, nil
		}
		recs, warns, err := st.ProfileRecords(h)
		warn(warns)
		cache[h] = recs
		return recs, err
	}
	headRecs, err := records(s.Head)
	if err != nil {
		return nil, err
	}
	name := o.Name
	if name == "" {
		name = o.DefaultName
	}
	if name == "" {
		if names := profile.Names(headRecs); len(names) == 1 {
			name = names[0]
		} else {
			name = "cpu"
		}
	}
	hasName := func(recs []profile.Record) bool {
		for _, r := range recs {
			if r.Name == name {
				return true
			}
		}
		return false
	}
	ref := store.ProfileRef(st.Ref)
	if !hasName(headRecs) {
		return nil, fmt.Errorf("%s (%s) has no %q profile in %s; record one with: git flameiq profile record --commit %s --name %s cpu.pprof",
			s.HeadRev, store.Short(s.Head), name, ref, store.Short(s.Head), name)
	}
	found, err := baseline.Nearest(st.Repo, s, baseline.Lookup{
		MaxWalk: o.MaxWalk,
		Has: func(h gitstore.Hash) (bool, error) {
			recs, err := records(h)
			return hasName(recs), err
		},
		What: fmt.Sprintf("%q profile in %s", name, ref),
		Ref:  ref,
		Hint: func(h gitstore.Hash) string {
			return fmt.Sprintf("record one with: git flameiq profile record --commit %s --name %s cpu.pprof", store.Short(h), name)
		},
	})
	if err != nil {
		return nil, err
	}
	baseRecs, err := records(found.Commit)
	if err != nil {
		return nil, err
	}
	var bp, hp *profile.Profile
	var bMetric, hMetric string
	var berr, herr error
	var wg sync.WaitGroup
	wg.Go(func() { hp, hMetric, herr = profile.LoadMerged(headRecs, name) })
	bp, bMetric, berr = profile.LoadMerged(baseRecs, name)
	wg.Wait()
	if berr != nil {
		return nil, &store.DataError{Err: berr}
	}
	if herr != nil {
		return nil, &store.DataError{Err: herr}
	}
	opts := profile.DiffOptions{SampleType: o.SampleType, Top: o.Top}
	if bMetric != "" && bMetric == hMetric {
		bv, okb := metricValue(st, found.Commit, bMetric)
		hv, okh := metricValue(st, s.Head, hMetric)
		if okb && okh {
			opts.BasePerOp, opts.HeadPerOp = bv, hv
		}
	}
	res, err := profile.Diff(bp, hp, opts)
	if err != nil {
		return nil, fmt.Errorf("profile diff: %v", err)
	}
	return &Result{Name: name, Diff: res, Head: s.Head, Base: found}, nil
}

// metricValue is the centre of key in the snapshot of h.
func metricValue(st *store.Store, h gitstore.Hash, key string) (float64, bool) {
	snap, ok, _, err := st.Snapshot(h)
	if err != nil || !ok {
		return 0, false
	}
	m := snap.Get(key)
	if m == nil {
		return 0, false
	}
	return m.Value(), true
}

// Changes is the rich reports' profile section: the top n functions of
// the diff by the change of their flat share.
func (r *Result) Changes(n int) *report.ProfileChanges {
	out := &report.ProfileChanges{Name: r.Name, BaseCommit: r.Base.Commit.String(), HeadCommit: r.Head.String()}
	for i, f := range r.Diff.Functions {
		if i == n {
			break
		}
		pf := report.ProfileFunction{Name: f.Name, DeltaPct: f.DeltaFlatPct, BasePct: f.BaseFlatPct, HeadPct: f.HeadFlatPct}
		if f.DeltaFlatPerOp != nil && !math.IsNaN(*f.DeltaFlatPerOp) {
			pf.Linked, pf.DeltaPerOp, pf.PerOpUnit = true, *f.DeltaFlatPerOp, r.Diff.PerOpUnit
		}
		out.Functions = append(out.Functions, pf)
	}
	return out
}
