package commands

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
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

A commit may hold records of several suites or tag sets (matrix jobs). --suite and
--tag, given as to record, compare like with like: only records of that suite with
those tags (and any others), on both sides. Without them every record of a commit
is merged, with a warning when the base holds several kinds.

Exit 0 pass (warnings allowed), 1 regression or budget breach, 2 usage/config/no
baseline, 3 bad input.

Example:
   go test -bench . -count 10 > bench.txt
   git flameiq diff --current bench.txt --format markdown > comment.md`,
		Flags: append(append(compareFlags(),
			&cli.StringFlag{Name: "base", Usage: "base `BRANCH` whose merge-base with HEAD is the baseline"},
			&cli.StringFlag{Name: "current", Usage: "compare this results `FILE` (not yet recorded) with the baseline"},
			&cli.StringFlag{Name: "input-format", Usage: "input `FORMAT` of --current (default: auto-detect)"},
			allowFailedFlag,
			skipWarmupFlag,
			&cli.IntFlag{Name: "max-walk", Value: 50, Usage: "look at most `N` first-parent ancestors for a recorded baseline"},
			&cli.StringSliceFlag{Name: "accept-from", Usage: "read Perf-Accepted: lines from `FILE` (e.g. the PR description; - for stdin)"},
			&cli.StringFlag{Name: "suite", Usage: "compare only records of suite `NAME` (as record --suite)"},
			&cli.StringSliceFlag{Name: "tag", Usage: "compare only records with these `KEY=VALUE` tags (repeatable, as record --tag)"},
		), abFlags()...),
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
				Suite:       c.String("suite"),
				Tags:        c.StringSlice("tag"),
				Like:        c.IsSet("suite") || c.IsSet("tag"),
				AB:          abOptionsOf(c),
				judgeOptions: judgeOptions{
					Rules:   ruleOptionsOf(c),
					Metrics: c.StringSlice("metric"),
					Output:  outputOptions{Format: c.String("format"), File: c.String("output"), All: c.Bool("all")},
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
	Suite       string   // --suite NAME
	Tags        []string // --tag KEY=VALUE
	Like        bool     // --suite or --tag given: compare only the records they name
	AB          abOptions
	judgeOptions
}

// diff is the PR check (see cmdDiff).
func (e *env) diff(o diffOptions) error {
	if err := checkFormat(o.Output.Format, reportFormats...); err != nil {
		return err
	}
	if err := o.AB.check(o.Current); err != nil {
		return err
	}
	o.AB.SkipWarmup = o.SkipWarmup
	if o.Like && o.AB.Run != "" {
		return usagef("--suite/--tag pick recorded results; --run measures both sides here")
	}
	opts, st, err := e.compareStore(o.Rules)
	if err != nil {
		return err
	}
	var current *snapshot.Snapshot
	if o.SkipWarmup != 0 && o.Current == "" && o.AB.Run == "" {
		return usagef("--skip-warmup applies to the --current FILE or the --run output (a recorded baseline already left out its warm-up when it was recorded)")
	}
	if o.Current != "" {
		current, err = e.parseInput(e.path(o.Current), ingest.Options{Format: o.InputFormat, SkipWarmup: o.SkipWarmup}, o.AllowFailed)
		if err != nil {
			return err
		}
	}
	if err := e.reachHistory(st, e.diffNeed(o, current != nil)); err != nil {
		return err
	}
	sd, err := e.resolveSides(st, o.Revs, o.Base, current != nil)
	if err != nil {
		return err
	}
	// Which records compare: with --suite/--tag, those of that suite with those tags.
	var like *baseline.Like
	if o.Like {
		tags, err := withTags(nil, o.Tags)
		if err != nil {
			return err
		}
		like = &baseline.Like{Suite: o.Suite, Tags: tags}
	}
	base, head, used, headLabel, err := e.diffSides(st, sd, o, current, like)
	if err != nil {
		return err
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
	if like != nil {
		info.BaseReason += "; records of " + like.String()
	}
	if err := e.render(o.Output, res, info); err != nil {
		return err
	}
	return verdict(o.NoFail, res)
}

// diffSides loads (or, with --run, measures) the two sides of a diff and
// says which baseline was used and how the head is labelled. With like,
// only records like it are loaded, on both sides.
func (e *env) diffSides(st *store, sd baseline.Sides, o diffOptions, current *snapshot.Snapshot, like *baseline.Like) (base, head *snapshot.Snapshot, used baseline.Found, headLabel string, err error) {
	if o.AB.Run != "" {
		base, head, used, err = e.sameRunner(st, sd, o.AB)
		return base, head, used, short(sd.Head), err
	}
	headLabel = short(sd.Head)
	head = current
	if current != nil {
		// The head is still HEAD's commit; the results come from the file.
		headLabel += " (results from " + o.Current + ")"
	} else {
		var ok bool
		var warns []string
		head, ok, warns, err = st.snapshotWhere(sd.Head, likeFilter(like))
		e.warn(warns)
		if err != nil {
			return nil, nil, used, "", err
		}
		if !ok && like != nil {
			return nil, nil, used, "", usagef("%s (%s) has no record of %s in %s; pass --suite/--tag as given to record", sd.HeadRev, short(sd.Head), like, st.ref)
		}
		if !ok {
			return nil, nil, used, "", usagef("%s (%s) has no snapshot in %s; %s, pass --current FILE, or measure both sides here with --run CMD", sd.HeadRev, short(sd.Head), st.ref, recordHint(sd.Head))
		}
	}
	base, used, err = e.baseline(st, sd, o.MaxWalk, head.Meta.Machine, like)
	if err != nil {
		return nil, nil, used, "", err
	}
	note, err := e.machineGate(sd.Base, base.Meta.Machine, head.Meta.Machine)
	if err != nil {
		return nil, nil, used, "", err
	}
	if note != "" {
		e.warn([]string{note})
		used.Reason += "; " + note
	}
	return base, head, used, headLabel, nil
}

func (e *env) warn(ws []string) {
	for _, w := range ws {
		fmt.Fprintln(e.stderr, "git-flameiq: warning: "+w)
	}
}

// diffNeed is what diff needs from a shallow clone: the base commit and
// its first-parent history as far as the baseline search walks (up to the
// first recorded commit, at most maxWalk commits).
func (e *env) diffNeed(o diffOptions, haveCurrent bool) historyNeed {
	branch := o.Base
	if len(o.Revs) == 0 && branch == "" {
		if cfg, err := e.config(); err == nil {
			branch = cfg.Base
		}
	}
	if len(o.Revs) > 0 {
		branch = ""
	}
	return historyNeed{What: "the baseline (the base commit and its recorded ancestor)", Branch: branch, Step: max(o.MaxWalk, 1),
		Have: func(st *store) (bool, error) {
			if len(o.Revs) == 0 {
				if _, _, err := baseline.Branch(st.repo, branch); err != nil {
					return true, nil // no base branch: more history cannot help; resolveSides says why
				}
			}
			sd, err := baseline.Resolve(st.repo, baseline.Request{Revs: o.Revs, Branch: branch, HaveCurrent: haveCurrent})
			if err != nil {
				return false, nil // maybe beyond the boundary: resolveSides says why if deepening does not help
			}
			n, err := st.notes()
			if err != nil {
				return false, err
			}
			return st.repo.HistoryReaches(sd.Base, o.MaxWalk, n.Has)
		}}
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
// first-parent ancestor (at most maxWalk commits), and says which. With
// like, only records like it count (a commit with none is passed over);
// without, every record of the commit is merged, and a base holding
// several kinds of record is warned about. When the records used were
// measured on different machines, those measured on a machine like the
// head's (want) are used, if any.
func (e *env) baseline(st *store, sd baseline.Sides, maxWalk int, want snapshot.Machine, like *baseline.Like) (*snapshot.Snapshot, baseline.Found, error) {
	n, err := st.notes()
	if err != nil {
		return nil, baseline.Found{}, usagef("reading %s: %v", st.ref, err)
	}
	l := baseline.Lookup{MaxWalk: maxWalk, Has: n.Has, What: "snapshot in " + st.ref,
		Ref: st.ref, RefMissing: n.Tip().IsZero(), Hint: recordHint}
	if like != nil {
		l.What = "record of " + like.String() + " in " + st.ref
		l.Has = func(h gitstore.Hash) (bool, error) {
			_, ok, _, err := st.snapshotWhere(h, like.Matches)
			return ok, err
		}
	}
	used, err := baseline.Nearest(st.repo, sd, l)
	if err != nil {
		return nil, used, usagef("%v", err)
	}
	if !want.IsZero() {
		snap, ok, warns, err := st.snapshotWhere(used.Commit, func(m snapshot.Meta) bool {
			return (like == nil || like.Matches(m)) && len(m.Machine.Differs(want)) == 0
		})
		if err != nil || ok {
			e.warn(warns)
			return snap, used, err
		}
	}
	var kinds []string
	snap, _, warns, err := st.snapshotWhere(used.Commit, func(m snapshot.Meta) bool {
		if like != nil {
			return like.Matches(m)
		}
		kinds = addKind(kinds, m)
		return true
	})
	e.warn(warns)
	if len(kinds) > 1 {
		e.warn([]string{fmt.Sprintf("base %s holds records of %d kinds (%s): compared merged; pass --suite/--tag as given to record to compare like with like",
			short(used.Commit), len(kinds), strings.Join(kinds, "; "))})
	}
	return snap, used, err
}

// addKind adds the kind of record m (baseline.Like, said aloud) to the
// sorted list kinds, once.
func addKind(kinds []string, m snapshot.Meta) []string {
	k := baseline.LikeOf(m).String()
	if i, ok := slices.BinarySearch(kinds, k); !ok {
		kinds = slices.Insert(kinds, i, k)
	}
	return kinds
}

// likeFilter is like's Matches, or nil (every record) without like.
func likeFilter(like *baseline.Like) func(snapshot.Meta) bool {
	if like == nil {
		return nil
	}
	return like.Matches
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
