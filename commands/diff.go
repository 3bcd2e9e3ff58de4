package commands

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/flameiq/git-flameiq/compare"
	"github.com/flameiq/git-flameiq/gitstore"
	"github.com/flameiq/git-flameiq/ingest"
	"github.com/flameiq/git-flameiq/internal/baseline"
	"github.com/flameiq/git-flameiq/snapshot"
)

func init() { commandList = append(commandList, cmdDiff) }

func cmdDiff(e *env) *cli.Command {
	return &cli.Command{
		Name:      "diff",
		Usage:     "the PR check: compare HEAD with its merge-base's snapshot",
		ArgsUsage: "[BASE [HEAD]] | A..B | A...B",
		Description: `With no revisions, HEAD is compared with merge-base(HEAD, base branch); the base
branch is --base, else flameiq.yaml 'base', else the remote's default branch, else
origin/main, main, master. If the merge-base has no snapshot, the nearest first-parent
ancestor that has one is used, and the report says so. A..B compares A with B;
A...B compares merge-base(A, B) with B. --current FILE compares an unrecorded results
file with the resolved baseline (the usual PR case).

Exit 0 pass (warnings allowed), 1 regression or budget breach, 2 usage/config/no
baseline, 3 bad input.

Example:
   go test -bench . -count 10 > bench.txt
   git flameiq diff --current bench.txt --format markdown > comment.md`,
		Flags: append(compareFlags(),
			&cli.StringFlag{Name: "base", Usage: "base `BRANCH` whose merge-base with HEAD is the baseline"},
			&cli.StringFlag{Name: "current", Usage: "compare this results `FILE` (not yet recorded) with the baseline"},
			&cli.StringFlag{Name: "input-format", Usage: "input `FORMAT` of --current (default: auto-detect)"},
			allowFailedFlag,
			skipWarmupFlag,
			&cli.IntFlag{Name: "max-walk", Value: 50, Usage: "look at most `N` first-parent ancestors for a recorded baseline"},
			&cli.StringSliceFlag{Name: "accept-from", Usage: "read Perf-Accepted: lines from `FILE` (e.g. the PR description; - for stdin)"},
		),
		Action: func(c *cli.Context) error {
			warmup, err := skipWarmup(c)
			if err != nil {
				return err
			}
			return e.diff(diffOptions{
				Revs:        c.Args().Slice(),
				Base:        c.String("base"),
				Current:     c.String("current"),
				InputFormat: c.String("input-format"),
				SkipWarmup:  warmup,
				AllowFailed: c.Bool("allow-failed"),
				MaxWalk:     c.Int("max-walk"),
				AcceptFrom:  c.StringSlice("accept-from"),
				judgeOptions: judgeOptions{
					Rules: ruleOptions{Thresholds: c.StringSlice("threshold"), Holm: c.Bool("holm"),
						Margin: ifSet(c.IsSet("margin"), c.Float64("margin")), Alpha: ifSet(c.IsSet("alpha"), c.Float64("alpha")),
						MinSamples: ifSet(c.IsSet("min-samples"), c.Int("min-samples")), Correction: ifSet(c.IsSet("correction"), c.String("correction"))},
					Metrics: c.StringSlice("metric"),
					Output:  outputOptions{Format: c.String("format"), File: c.String("output")},
					NoFail:  c.Bool("no-fail"),
				},
			})
		},
	}
}

// diffOptions are diff's flags and arguments.
type diffOptions struct {
	Revs        []string // [BASE [HEAD]] | A..B | A...B
	Base        string   // --base BRANCH
	Current     string   // --current FILE
	InputFormat string
	SkipWarmup  time.Duration // --skip-warmup, for --current
	AllowFailed bool
	MaxWalk     int
	AcceptFrom  []string // --accept-from FILE (- for stdin)
	judgeOptions
}

// diff is the PR check (see cmdDiff).
func (e *env) diff(o diffOptions) error {
	if err := checkFormat(o.Output.Format, reportFormats...); err != nil {
		return err
	}
	opts, st, err := e.compareStore(o.Rules)
	if err != nil {
		return err
	}
	var current *snapshot.Snapshot
	if o.SkipWarmup != 0 && o.Current == "" {
		return usagef("--skip-warmup applies to the --current FILE (a recorded baseline already left out its warm-up when it was recorded)")
	}
	if o.Current != "" {
		current, err = e.parseInput(e.path(o.Current), ingest.Options{Format: o.InputFormat, SkipWarmup: o.SkipWarmup}, o.AllowFailed)
		if err != nil {
			return err
		}
	}
	sd, err := e.resolveSides(st, o.Revs, o.Base, current != nil)
	if err != nil {
		return err
	}
	base, used, err := e.baseline(st, sd, o.MaxWalk)
	if err != nil {
		return err
	}
	head := current
	// The head is still HEAD's commit; the results come from the file.
	headLabel := short(sd.Head) + " (results from " + o.Current + ")"
	if head == nil {
		var ok bool
		var warns []string
		head, ok, warns, err = st.snapshot(sd.Head)
		e.warn(warns)
		if err != nil {
			return err
		}
		if !ok {
			return usagef("%s (%s) has no snapshot in %s; %s, or pass --current FILE", sd.HeadRev, short(sd.Head), st.ref, recordHint(sd.Head))
		}
		headLabel = short(sd.Head)
	}
	// Opt-outs come from the PR's own commits (merge-base..HEAD), never
	// from the older ancestor a missing baseline fell back to: those
	// commits are already on the base branch.
	accepts, err := e.acceptances(st, o.AcceptFrom, sd.Base, sd.Head)
	if err != nil {
		return err
	}
	opts.Accept = append(opts.Accept, accepts...)
	res, err := e.judgeByBaseRules(sd.Base, o.Rules, o.Metrics, base, head, opts)
	if err != nil {
		return err
	}
	e.warnNoCommon(res)
	info := reportInfo{BaseLabel: short(used.Commit), HeadLabel: headLabel,
		BaseCommit: used.Commit.String(), HeadCommit: sd.Head.String(), BaseReason: used.Reason,
		extra: extraReport{st: st, sides: sd, baseUsed: used, maxWalk: o.MaxWalk}}
	if err := e.render(o.Output, res, info); err != nil {
		return err
	}
	return verdict(o.NoFail, res)
}

func (e *env) warn(ws []string) {
	for _, w := range ws {
		fmt.Fprintln(e.stderr, "git-flameiq: warning: "+w)
	}
}

// resolveSides applies diff's revision grammar (internal/baseline). The
// base branch is base (--base), else flameiq.yaml's, read only when it is
// needed (no revisions, no --base).
func (e *env) resolveSides(st *store, revs []string, base string, haveCurrent bool) (baseline.Sides, error) {
	if len(revs) == 0 && base == "" {
		cfg, err := e.config()
		if err != nil {
			return baseline.Sides{}, err
		}
		base = cfg.Base
	}
	sd, err := baseline.Resolve(st.repo, baseline.Request{Revs: revs, Branch: base, HaveCurrent: haveCurrent})
	if err != nil {
		return sd, usagef("%v", err)
	}
	return sd, nil
}

// baseline loads the snapshot of sd.Base, or of its nearest recorded
// first-parent ancestor (at most maxWalk commits), and says which.
func (e *env) baseline(st *store, sd baseline.Sides, maxWalk int) (*snapshot.Snapshot, baseline.Found, error) {
	n, err := st.notes()
	if err != nil {
		return nil, baseline.Found{}, usagef("reading %s: %v", st.ref, err)
	}
	used, err := baseline.Nearest(st.repo, sd, baseline.Lookup{MaxWalk: maxWalk, Has: n.Has, What: "snapshot in " + st.ref,
		Ref: st.ref, RefMissing: n.Tip().IsZero(), Hint: recordHint})
	if err != nil {
		return nil, used, usagef("%v", err)
	}
	snap, _, warns, err := st.snapshot(used.Commit)
	e.warn(warns)
	return snap, used, err
}

// acceptances collects Perf-Accepted trailers from the --accept-from files
// and from the commits in base..head (base: the merge-base, not a
// fallback ancestor).
func (e *env) acceptances(st *store, files []string, base, head gitstore.Hash) ([]compare.Acceptance, error) {
	var out []compare.Acceptance
	for _, f := range files {
		var data []byte
		var err error
		if f == "-" {
			data, err = io.ReadAll(e.stdin)
		} else {
			data, err = os.ReadFile(e.path(f))
		}
		if err != nil {
			return nil, &dataError{fmt.Errorf("--accept-from %s: %v", f, err)}
		}
		out = append(out, parseAcceptances(string(data), "PR description")...)
	}
	inCommits, err := st.Acceptances(base, head, 1000) // BASE..HEAD, all parents, newest first
	if err != nil {
		return nil, usagef("%v", err)
	}
	return append(out, inCommits...), nil
}
