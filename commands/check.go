package commands

import (
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/flameiq/git-flameiq/compare"
	"github.com/flameiq/git-flameiq/gitstore"
	"github.com/flameiq/git-flameiq/internal/abrun"
	"github.com/flameiq/git-flameiq/internal/machine"
	"github.com/flameiq/git-flameiq/internal/measure"
	"github.com/flameiq/git-flameiq/report"
	"github.com/flameiq/git-flameiq/snapshot"
)

func cmdCheck(e *env) *cli.Command {
	return &cli.Command{
		Name:  "check",
		Usage: "judge one commit for `git bisect run`: exit 0 good, 1 bad, 125 skip",
		Description: `Compares the snapshot of --commit (default HEAD) with --against REV, by the rules
of diff, for the metrics matching --metric. Without a snapshot it exits 125 (skip),
unless --run CMD measures it (in the current work tree, which git bisect has
checked out; the result is recorded).

Example:
   git bisect start main v1.2.0
   git bisect run git flameiq check --metric 'Encode*:sec/op' --against v1.2.0 \
       --run 'go test -run x -bench Encode -count 5'`,
		Flags: append(append([]cli.Flag{
			&cli.StringSliceFlag{Name: "metric", Usage: "metrics to judge, `GLOB` (repeatable; required)"},
			&cli.StringFlag{Name: "against", Usage: "the good `REV` to compare with (required)"},
			&cli.StringFlag{Name: "commit", Value: "HEAD", Usage: "the `REV` to judge"},
		}, append(ruleFlags(), measureFlags(true)...)...), recordMetaFlags()...),
		OnUsageError: func(c *cli.Context, err error, isSubcommand bool) error {
			return forBisectRun(onUsageError(c, err, isSubcommand))
		},
		Action: func(c *cli.Context) error {
			inputFormat, err := e.inputFormat(c.String("input-format"), c.String("format"), c.IsSet("format"))
			if err != nil {
				return forBisectRun(err)
			}
			return forBisectRun(e.check(checkOptions{Args: c.Args().Slice(), Metrics: c.StringSlice("metric"), Against: c.String("against"), Commit: c.String("commit"),
				Rules:   ruleOptionsOf(c),
				Measure: measureOptions{Run: c.String("run"), InputFormat: inputFormat, Count: c.Int("count"), Rounds: roundsOf(c)},
				Meta:    recordMeta{Suite: c.String("suite"), Environment: c.String("environment")}}))
		},
	}
}

// checkOptions are check's flags and arguments. (--tag and --allow-failed
// are accepted, as record's, but a measured commit's record gets only
// --suite and --environment.)
type checkOptions struct {
	Args    []string // none
	Metrics []string
	Against string // the good REV
	Commit  string // the REV judged
	Rules   ruleOptions
	Measure measureOptions
	Meta    recordMeta
}

// checkMeasure measures h with --run (it has no snapshot) and returns the
// snapshot to judge it against with it. When the good commit has a record
// made on this machine, h alone is measured, in the work tree; otherwise
// both are, side by side in interleaved rounds (internal/abrun: the good
// commit in a temporary worktree), and both recorded, tagged mode=ab, so
// the next check of the same bisection reuses the good side. A command
// that fails on h is exit 125 (skip); on the good commit, an error.
func (e *env) checkMeasure(st *store, good, h gitstore.Hash, o checkOptions) (base, head *snapshot.Snapshot, err error) {
	here := func(m snapshot.Meta) bool { return machine.Same(m.Machine) }
	base, found, warns, err := st.snapshotWhere(good, here)
	e.warn(warns)
	if err != nil {
		return nil, nil, err
	}
	run := measure.Run{Argv: []string{o.Measure.Run}, Dir: e.workDir(), N: max(1, o.Measure.Count), Format: o.Measure.InputFormat, Stderr: e.stderr}
	skip := func(err error) error {
		return &codeError{125, fmt.Sprintf("check: %s: %v (skip)", short(h), err)}
	}
	if found {
		head, _, err = run.Do(e.ctx)
		var ce *measure.CommandError
		if errors.As(err, &ce) {
			return nil, nil, skip(err)
		}
		if err != nil {
			return nil, nil, err
		}
		return base, head, e.recordOn(st, h, head, o.Meta)
	}
	fmt.Fprintf(e.stderr, "git-flameiq: --against %s has no record made on this machine: measuring it beside %s\n", short(good), short(h))
	headSide := abrun.Side{Name: "commit", Commit: h}
	if cur, err := st.repo.Resolve("HEAD"); err == nil && cur == h && e.topLevel() != "" {
		headSide.Dir = e.workDir() // git bisect has checked it out
	}
	res, err := abrun.Measure(e.ctx, st.repo, []abrun.Side{{Name: "against", Commit: good}, headSide},
		abrun.Options{Run: run, Rounds: o.Measure.Rounds, Progress: e.stderr})
	var se *abrun.SideError
	var ce *measure.CommandError
	if errors.As(err, &se) && se.Commit == h && errors.As(err, &ce) {
		return nil, nil, skip(err)
	}
	if err != nil {
		return nil, nil, err
	}
	for i, c := range []gitstore.Hash{good, h} {
		s := res.Snapshots[i]
		s.Meta.SetTag("mode", abTag)
		if err := e.recordOn(st, c, s, o.Meta); err != nil {
			return nil, nil, err
		}
	}
	return res.Snapshots[0], res.Snapshots[1], nil
}

// forBisectRun gives check's errors exit code 128. Under `git bisect run`
// every code from 1 to 127 but 125 means "bad": a check that cannot run
// (a bad flag, --against without a snapshot, an interrupt) must not steer
// the bisection to a wrong commit; 128 and above make git abort it.
func forBisectRun(err error) error {
	var ce *codeError
	if err == nil || errors.Is(err, errRegression) || errors.As(err, &ce) {
		return err
	}
	return &codeError{ExitAbortBisect, err.Error() + "\n(exit 128: git bisect run stops here rather than take this commit for bad)"}
}

// check judges one commit (see cmdCheck).
func (e *env) check(o checkOptions) error {
	if len(o.Args) > 0 {
		return usagef("takes no arguments (judge another commit with --commit REV)")
	}
	if len(o.Metrics) == 0 || o.Against == "" {
		return usagef("needs --metric GLOB and --against REV")
	}
	opts, st, err := e.compareStore(o.Rules)
	if err != nil {
		return err
	}
	err = e.reachHistory(st, historyNeed{What: fmt.Sprintf("--against %s and --commit %s", o.Against, o.Commit), Step: 64,
		Have: func(st *store) (bool, error) { return resolves(st.repo, o.Against, o.Commit), nil }})
	if err != nil {
		return err
	}
	good, err := resolve(st.repo, o.Against)
	if err != nil {
		return err
	}
	h, err := resolve(st.repo, o.Commit)
	if err != nil {
		return err
	}
	head, ok, warns, err := st.snapshot(h)
	e.warn(warns)
	if err != nil {
		return err
	}
	var base *snapshot.Snapshot
	if !ok && o.Measure.Run != "" {
		if base, head, err = e.checkMeasure(st, good, h, o); err != nil {
			return err
		}
		ok = true
	}
	if base == nil {
		var found bool
		base, found, warns, err = st.snapshot(good)
		e.warn(warns)
		if err != nil {
			return err
		}
		if !found {
			return usagef("--against %s has no snapshot in %s; %s (or measure it here with --run CMD)", short(good), st.ref, recordHint(good))
		}
	}
	if !ok {
		return &codeError{125, fmt.Sprintf("check: %s has no snapshot (skip)", short(h))}
	}
	res, err := e.judgeByBaseRules(good, o.Rules, o.Metrics, base, head, opts)
	if err != nil {
		return err
	}
	if err := report.Text(e.stdout, res, report.TextOptions{BaseLine: fmt.Sprintf("base %s (--against %s), head %s", short(good), o.Against, short(h))}); err != nil {
		return err
	}
	if res.Status == compare.Regression {
		return errRegression
	}
	return nil
}
