package commands

import (
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/flameiq/git-flameiq/compare"
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
		}, append(ruleFlags(), measureFlags(true)...)...), recordFlags()[2:]...),
		OnUsageError: func(c *cli.Context, err error, isSubcommand bool) error {
			return forBisectRun(onUsageError(c, err, isSubcommand))
		},
		Action: func(c *cli.Context) error { return forBisectRun(check(e, c)) },
	}
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
func check(e *env, c *cli.Context) error {
	if c.NArg() > 0 {
		return usagef("takes no arguments (judge another commit with --commit REV)")
	}
	if len(c.StringSlice("metric")) == 0 || c.String("against") == "" {
		return usagef("needs --metric GLOB and --against REV")
	}
	opts, st, err := e.compareStore(c)
	if err != nil {
		return err
	}
	good, err := resolve(st.repo, c.String("against"))
	if err != nil {
		return err
	}
	h, err := resolve(st.repo, c.String("commit"))
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
	if !ok && c.String("run") != "" {
		head, _, err = e.measure(e.ctx, benchRun{argv: []string{c.String("run")}, dir: e.workDir(), n: max(1, c.Int("count")), format: c.String("input-format")}, nil)
		var cf *cmdFailed
		if errors.As(err, &cf) {
			return &codeError{125, fmt.Sprintf("check: %s: %v (skip)", short(h), err)}
		}
		if err != nil {
			return err
		}
		if _, _, err := e.recordOn(st, h, head, c); err != nil {
			return err
		}
		ok = true
	}
	if !ok {
		return &codeError{125, fmt.Sprintf("check: %s has no snapshot (skip)", short(h))}
	}
	res, err := compareFiltered(c, base, head, opts)
	if err != nil {
		return err
	}
	if err := report.Text(e.stdout, res, report.TextOptions{BaseLine: fmt.Sprintf("base %s (--against %s), head %s", short(good), c.String("against"), short(h))}); err != nil {
		return err
	}
	if res.Status == compare.Regression {
		return errRegression
	}
	return nil
}
