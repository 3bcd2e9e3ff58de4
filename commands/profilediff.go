package commands

import (
	"fmt"
	"io"
	"sync"

	"github.com/urfave/cli/v2"

	"github.com/flameiq/git-flameiq/gitstore"
	"github.com/flameiq/git-flameiq/profile"
	"github.com/flameiq/git-flameiq/report"
)

func cmdProfileDiff(e *env) *cli.Command {
	return &cli.Command{
		Name:      "diff",
		Usage:     "the differential profile between base and head (top functions, folded, JSON, flame graph)",
		ArgsUsage: "[BASE [HEAD]] | A..B | A...B",
		Description: `Resolves BASE and HEAD as git flameiq diff does (merge-base, nearest recorded
first-parent ancestor, said aloud), normalises each side to its total (pprof
-normalize) and ranks functions by the change of their flat share. When the profile
is linked to a time-per-op metric on both sides, shares become time per op.

Example:
   git flameiq profile diff
   git flameiq profile diff main HEAD --format html -o flame.html`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "name", Usage: "profile `NAME` (default: flameiq.yaml profiles.name, else the only or the cpu profile)"},
			&cli.StringFlag{Name: "sample-index", Usage: "sample `TYPE` to compare (name like alloc_space, or index; default: the profile's default)"},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "`FORMAT`: text, json, folded or html"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write to `FILE`"},
			&cli.IntFlag{Name: "n", Aliases: []string{"top"}, Value: 20, Usage: "show the top `N` functions (text, json)"},
			&cli.StringFlag{Name: "base", Usage: "base `BRANCH` (as for diff)"},
			&cli.IntFlag{Name: "max-walk", Value: 50, Usage: "look at most `N` first-parent ancestors for a recorded base"},
		},
		Action: func(c *cli.Context) error {
			if err := checkFormat(c.String("format"), "text", "json", "folded", "html"); err != nil {
				return err
			}
			st, err := e.openStore()
			if err != nil {
				return err
			}
			sd, err := e.resolveSides(c, st, false)
			if err != nil {
				return err
			}
			pd, err := e.profileDiff(c, st, sd, c.String("name"), c.String("sample-index"), c.Int("n"))
			if err != nil {
				return err
			}
			return e.writeOutput(c, func(w io.Writer) error {
				var err error
				meta := report.ProfileMeta{BaseCommit: sd.baseUsed.String(), HeadCommit: sd.head.String(), Name: pd.name}
				switch c.String("format") {
				case "json":
					err = report.ProfileJSON(w, pd.result, meta)
				case "folded":
					err = profile.WriteFolded(w, pd.result)
				case "html":
					err = report.FlameGraph(w, pd.result, meta, report.FlameGraphOptions{})
				default:
					meta.Reason = sd.reason
					err = report.ProfileText(w, pd.result, meta)
				}
				return err
			})
		},
	}
}

type profileDiffResult struct {
	name   string
	result *profile.DiffResult
}

// profileDiff finds the base (nearest commit with that profile), loads both
// sides and diffs them. It updates sd.baseUsed and sd.reason. Each note is
// read and decoded once, and the two sides are parsed in parallel.
func (e *env) profileDiff(c *cli.Context, st *store, sd *sides, name, sampleType string, top int) (*profileDiffResult, error) {
	cache := map[gitstore.Hash][]profile.Record{}
	records := func(h gitstore.Hash) ([]profile.Record, error) {
		if recs, ok := cache[h]; ok {
			return recs, nil
		}
		recs, err := e.profileRecords(st, h)
		cache[h] = recs
		return recs, err
	}
	headRecs, err := records(sd.head)
	if err != nil {
		return nil, err
	}
	if name == "" {
		cfg, err := e.config()
		if err != nil {
			return nil, err
		}
		name = cfg.ProfileName
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
	if !hasName(headRecs) {
		return nil, usagef("%s (%s) has no %q profile in %s; record one with: git flameiq profile record --commit %s --name %s cpu.pprof",
			sd.headRev, short(sd.head), name, profileRef(st.ref), short(sd.head), name)
	}
	has := func(h gitstore.Hash) (bool, error) {
		recs, err := records(h)
		return hasName(recs), err
	}
	hint := func(h gitstore.Hash) string {
		return fmt.Sprintf("record one with: git flameiq profile record --commit %s --name %s cpu.pprof", short(h), name)
	}
	if _, err := e.nearest(c, st.repo, sd, has, fmt.Sprintf("%q profile in %s", name, profileRef(st.ref)), false, profileRef(st.ref), hint); err != nil {
		return nil, err
	}
	baseRecs, err := records(sd.baseUsed)
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
		return nil, &dataError{berr}
	}
	if herr != nil {
		return nil, &dataError{herr}
	}
	opts := profile.DiffOptions{SampleType: sampleType, Top: top}
	if bMetric != "" && bMetric == hMetric {
		bv, okb := e.metricValue(st, sd.baseUsed, bMetric)
		hv, okh := e.metricValue(st, sd.head, hMetric)
		if okb && okh {
			opts.BasePerOp, opts.HeadPerOp = bv, hv
		}
	}
	res, err := profile.Diff(bp, hp, opts)
	if err != nil {
		return nil, usagef("profile diff: %v", err)
	}
	return &profileDiffResult{name: name, result: res}, nil
}

// metricValue is the centre of key in the snapshot of h.
func (e *env) metricValue(st *store, h gitstore.Hash, key string) (float64, bool) {
	snap, ok, _, err := st.snapshot(h)
	if err != nil || !ok {
		return 0, false
	}
	m := snap.Get(key)
	if m == nil {
		return 0, false
	}
	return m.Value(), true
}
