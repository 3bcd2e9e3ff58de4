package commands

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/flameiq/git-flameiq/bisect"
	"github.com/flameiq/git-flameiq/compare"
	"github.com/flameiq/git-flameiq/gitstore"
	"github.com/flameiq/git-flameiq/ingest"
	"github.com/flameiq/git-flameiq/report"
	"github.com/flameiq/git-flameiq/snapshot"
)

func init() { commandList = append(commandList, cmdBisect, cmdCheck) }

// measureFlags are the --run flags of bisect and check. formatAlias makes
// --format another name for --input-format, for check, which prints no
// report of its own (bisect's --format is its report's).
func measureFlags(formatAlias bool) []cli.Flag {
	in := &cli.StringFlag{Name: "input-format", Usage: "input `FORMAT` of the --run output (default: auto-detect)"}
	if formatAlias {
		in.Aliases = []string{"format"}
	}
	return []cli.Flag{
		&cli.StringFlag{Name: "run", Usage: "measure a commit without a note by running `CMD` (sh -c) and record the result (bisect: in a temporary worktree; check: in the work tree)"},
		in,
		&cli.IntFlag{Name: "count", Aliases: []string{"n"}, Value: 1, Usage: "run the --run command `N` times per commit"},
	}
}

// bisectFormats splits bisect's --format: text or json is the report's;
// the name of an input format (as record's --format takes) is the --run
// output's, so `bisect --run CMD --format gobench` means what it says.
func bisectFormats(c *cli.Context) (report, input string, err error) {
	report, input = c.String("format"), c.String("input-format")
	if report == "text" || report == "json" {
		return report, input, nil
	}
	if slices.Contains(ingest.Names(), report) {
		if input != "" && input != report {
			return "", "", usagef("--format %s and --input-format %s disagree about the --run output", report, input)
		}
		return "text", report, nil
	}
	return "", "", usagef("--format %s: want text or json (the report), or an input format of the --run output: %s", report, strings.Join(ingest.Names(), ", "))
}

func cmdBisect(e *env) *cli.Command {
	return &cli.Command{
		Name:      "bisect",
		Usage:     "find the first commit on the first-parent path whose metric regressed against GOOD",
		ArgsUsage: "GOOD BAD",
		Description: `Binary search over the first-parent commits after GOOD up to BAD, comparing each
probed commit's snapshot with GOOD's by the same rules as diff (thresholds,
significance when samples exist). Commits without a note are skipped, or measured
with --run (GOOD too; the result is recorded, so a second bisect measures nothing).
Exit 0 when found, 2 when GOOD is not an ancestor of BAD or nothing regressed.

Example:
   git flameiq bisect v1.2.0 main --metric 'Encode*:sec/op'
   git flameiq bisect HEAD~40 HEAD --metric '*:sec/op' --run 'go test -run x -bench Encode -count 5'`,
		Flags: append(append([]cli.Flag{
			&cli.StringSliceFlag{Name: "metric", Usage: "metrics to judge, `GLOB` (repeatable; required)"},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "`FORMAT` of the report, text or json (an input format name, e.g. gobench, is the --run output's)"},
		}, append(ruleFlags(), measureFlags(false)...)...), recordFlags()[2:]...),
		Action: func(c *cli.Context) error {
			e.cacheReads = true // a history walk: keep what it inflates for the next one
			if c.NArg() != 2 {
				return usagef("needs GOOD and BAD")
			}
			if len(c.StringSlice("metric")) == 0 {
				return usagef("needs --metric GLOB (e.g. --metric '*:sec/op')")
			}
			report, input, err := bisectFormats(c)
			if err != nil {
				return err
			}
			opts, st, err := e.compareStore(c)
			if err != nil {
				return err
			}
			good, err := resolve(st.repo, c.Args().Get(0))
			if err != nil {
				return err
			}
			bad, err := resolve(st.repo, c.Args().Get(1))
			if err != nil {
				return err
			}
			path, err := firstParentPath(st.repo, good, bad)
			if err != nil {
				return err
			}
			b := &bisector{e: e, c: c, st: st, opts: opts, globs: c.StringSlice("metric"), path: path, cache: map[int]*probeResult{},
				reportFormat: report, inputFormat: input}
			goodSnap, err := b.snapshotOf(good)
			if err != nil {
				return err
			}
			if goodSnap == nil && c.String("run") != "" {
				// Every probe is judged against GOOD: measure it first.
				gc, err := st.repo.Commit(good)
				if err != nil {
					return usagef("reading GOOD %s: %v", short(good), err)
				}
				if goodSnap, err = b.measure(gc); err != nil {
					var cf *cmdFailed
					if errors.As(err, &cf) {
						return usagef("measuring GOOD %s: %v", short(good), err)
					}
					return fmt.Errorf("measuring GOOD %s: %w", short(good), err)
				}
			}
			if goodSnap == nil {
				return usagef("GOOD %s has no snapshot in %s; %s (or pass --run CMD)", short(good), st.ref, recordHint(good))
			}
			if err := checkGlobs(b.globs, goodSnap); err != nil {
				return err
			}
			b.good = goodSnap
			out, ferr := bisect.Find(len(path), b.probe)
			return b.report(good, out, ferr)
		},
	}
}

// firstParentPath lists the first-parent commits after good up to bad,
// oldest first; good must be on bad's first-parent chain.
func firstParentPath(r *gitstore.Repo, good, bad gitstore.Hash) ([]*gitstore.Commit, error) {
	if good == bad {
		return nil, usagef("GOOD and BAD are the same commit")
	}
	var path []*gitstore.Commit
	h := bad
	for {
		c, err := r.Commit(h)
		if err != nil {
			return nil, usagef("GOOD %s is not a first-parent ancestor of BAD %s (%v)", short(good), short(bad), err)
		}
		path = append(path, c)
		if len(c.Parents) == 0 {
			return nil, usagef("GOOD %s is not a first-parent ancestor of BAD %s", short(good), short(bad))
		}
		h = c.Parents[0]
		if h == good {
			break
		}
	}
	for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
		path[i], path[j] = path[j], path[i]
	}
	return path, nil
}

type probeResult struct {
	verdict  bisect.Verdict
	result   *compare.Result
	measured bool
	why      string
}

type bisector struct {
	e     *env
	c     *cli.Context
	st    *store
	opts  compare.Options
	globs []string
	path  []*gitstore.Commit
	good  *snapshot.Snapshot
	cache map[int]*probeResult

	reportFormat string // the report's format: text or json
	inputFormat  string // the --run output's format ("": detect)
}

func (b *bisector) snapshotOf(h gitstore.Hash) (*snapshot.Snapshot, error) {
	snap, ok, warns, err := b.st.snapshot(h)
	b.e.warn(warns)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, nil
	}
	return snap, nil
}

// probe judges path[i]: its snapshot (measured with --run when missing)
// against GOOD's.
func (b *bisector) probe(i int) (bisect.Verdict, error) {
	cm := b.path[i]
	pr := &probeResult{}
	b.cache[i] = pr
	snap, err := b.snapshotOf(cm.Hash)
	if err != nil {
		var de *dataError
		if errors.As(err, &de) {
			pr.why = "unreadable note"
			return bisect.Skip, nil
		}
		return bisect.Skip, err
	}
	if snap == nil && b.c.String("run") != "" {
		snap, err = b.measure(cm)
		if err != nil {
			var cf *cmdFailed
			if errors.As(err, &cf) {
				pr.why = cf.Error()
				return bisect.Skip, nil
			}
			return bisect.Skip, fmt.Errorf("%s %s: %w", short(cm.Hash), clipText(cm.Subject(), 50), err)
		}
		pr.measured = true
	}
	if snap == nil {
		pr.why = "no snapshot"
		return bisect.Skip, nil
	}
	base := b.good.Filter(func(k string) bool { return matchAny(b.globs, k) })
	head := snap.Filter(func(k string) bool { return matchAny(b.globs, k) })
	if len(head.Metrics) == 0 {
		pr.why = "metric not recorded"
		return bisect.Skip, nil
	}
	res, err := compare.Compare(base, head, b.opts)
	if err != nil {
		return bisect.Skip, usagef("%v", err)
	}
	pr.result = res
	if res.Status == compare.Regression {
		pr.verdict = bisect.Bad
		return bisect.Bad, nil
	}
	pr.verdict = bisect.Good
	return bisect.Good, nil
}

func (b *bisector) measure(cm *gitstore.Commit) (*snapshot.Snapshot, error) {
	ctx := b.e.ctx
	wt, cleanup, err := b.st.repo.AddWorktree(ctx, cm.Hash)
	if err != nil {
		return nil, usagef("creating a worktree for %s: %v", short(cm.Hash), err)
	}
	defer cleanup()
	fmt.Fprintf(b.e.stderr, "git-flameiq: measuring %s %s\n", short(cm.Hash), cm.Subject())
	snap, _, err := b.e.measure(ctx, benchRun{argv: []string{b.c.String("run")}, dir: wt, n: max(1, b.c.Int("count")), format: b.inputFormat}, nil)
	if err != nil {
		return nil, err
	}
	snap.Meta.Commit = cm.Hash.String()
	snap.Meta.Suite = b.c.String("suite")
	if _, _, err := b.e.recordOn(b.st, cm.Hash, snap, b.c); err != nil {
		return nil, err
	}
	return snap, nil
}

func (b *bisector) report(good gitstore.Hash, out bisect.Outcome, ferr error) error {
	rep := &report.Bisect{Good: good.String(), Bad: b.path[len(b.path)-1].Hash.String(), Commits: len(b.path), Metrics: b.globs,
		Units: map[string]string{}, Step: b.largestStep(), Err: ferr}
	for _, m := range b.good.Metrics {
		rep.Units[m.Key] = m.Unit
	}
	for _, p := range out.Probes {
		cm := b.path[p.Index]
		pr := b.cache[p.Index]
		bp := report.BisectProbe{Commit: cm.Hash.String(), Subject: cm.Subject(), Verdict: p.Verdict.String(), Reason: pr.why, Measured: pr.measured, Result: pr.result}
		if pr.result != nil {
			bp.Values, bp.Deltas = map[string]float64{}, map[string]float64{}
			for _, d := range pr.result.Diffs {
				if !math.IsNaN(d.Head) {
					bp.Values[d.Key] = d.Head
				}
				if !math.IsNaN(d.ChangePercent) {
					bp.Deltas[d.Key] = d.ChangePercent
				}
			}
		}
		rep.Probes = append(rep.Probes, bp)
	}
	if ferr == nil && out.FirstBad >= 0 {
		firstBad := b.path[out.FirstBad]
		rep.FirstBad, rep.FirstBadSubject = firstBad.Hash.String(), firstBad.Subject()
	}
	if b.reportFormat == "json" {
		if err := report.BisectJSON(b.e.stdout, rep); err != nil {
			return err
		}
	} else {
		if len(rep.Probes) == 0 && ferr != nil && !errors.Is(ferr, bisect.ErrNotFound) && !errors.Is(ferr, bisect.ErrOnlySkipped) {
			return ferr // stopped before the first verdict (interrupted, or a store error): nothing to list
		}
		if err := report.BisectText(b.e.stdout, rep); err != nil {
			return err
		}
	}
	switch {
	case ferr == nil:
		return nil
	case errors.Is(ferr, bisect.ErrNotFound):
		return usagef("bisect: nothing regressed between %s and %s for %s", short(good), short(b.path[len(b.path)-1].Hash), strings.Join(b.globs, ", "))
	case errors.Is(ferr, bisect.ErrOnlySkipped):
		var cands []string
		for _, i := range out.Candidates {
			cands = append(cands, short(b.path[i].Hash))
		}
		return usagef("bisect: only commits without a snapshot are left; the first bad commit is one of: %s (record them or pass --run CMD)", strings.Join(cands, " "))
	}
	return ferr
}

// largestStep finds the biggest single step in the bad direction of any
// judged metric between consecutive probed commits (GOOD first, in path
// order). Probes are cheap to revisit: no note is read again.
func (b *bisector) largestStep() *report.BisectStep {
	var idx []int
	for i, pr := range b.cache {
		if pr.result != nil {
			idx = append(idx, i)
		}
	}
	sort.Ints(idx)
	var best *report.BisectStep
	for _, m := range b.good.Metrics {
		if !matchAny(b.globs, m.Key) {
			continue
		}
		values := []float64{m.Value()}
		commits := []string{""}
		for _, i := range idx {
			v := math.NaN()
			for _, d := range b.cache[i].result.Diffs {
				if d.Key == m.Key {
					v = d.Head
				}
			}
			values = append(values, v)
			commits = append(commits, b.path[i].Hash.String())
		}
		st, ok := bisect.LargestStep(values, m.Direction)
		if !ok || math.IsNaN(st.ChangePercent) {
			continue
		}
		if best == nil || math.Abs(st.ChangePercent) > math.Abs(best.ChangePercent) {
			best = &report.BisectStep{Metric: m.Key, Commit: commits[st.To], Before: st.Before, After: st.After, ChangePercent: st.ChangePercent}
		}
	}
	return best
}

// clipText cuts s to n runes, ending with "…" when it was longer.
func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
