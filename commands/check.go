package commands

import (
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/flameiq/git-flameiq/compare"
	"github.com/flameiq/git-flameiq/internal/measure"
	"github.com/flameiq/git-flameiq/report"
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
				Rules: ruleOptions{Thresholds: c.StringSlice("threshold"), Holm: c.Bool("holm"),
					Margin: ifSet(c.IsSet("margin"), c.Float64("margin")), Alpha: ifSet(c.IsSet("alpha"), c.Float64("alpha")),
					MinSamples: ifSet(c.IsSet("min-samples"), c.Int("min-samples")), Correction: ifSet(c.IsSet("correction"), c.String("correction"))},
				Measure: measureOptions{Run: c.String("run"), InputFormat: inputFormat, Count: c.Int("count")},
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
	base, ok, warns, err := st.snapshot(good)
	e.warn(warns)
	if err != nil {
		return err
	}
	if !ok {
		return usagef("--against %s has no snapshot in %s; %s", short(good), st.ref, recordHint(good))
	}
	head, ok, warns, err := st.snapshot(h)
	e.warn(warns)
	if err != nil {
		return err
	}
	if !ok && o.Measure.Run != "" {
		run := measure.Run{Argv: []string{o.Measure.Run}, Dir: e.workDir(), N: max(1, o.Measure.Count), Format: o.Measure.InputFormat, Stderr: e.stderr}
		head, _, err = run.Do(e.ctx)
		var ce *measure.CommandError
		if errors.As(err, &ce) {
			return &codeError{125, fmt.Sprintf("check: %s: %v (skip)", short(h), err)}
		}
		if err != nil {
			return err
		}
		if err := e.recordOn(st, h, head, o.Meta); err != nil {
			return err
		}
		ok = true
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
