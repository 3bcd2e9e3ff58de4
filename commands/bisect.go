package commands

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/flameiq/git-flameiq/bisect"
	"github.com/flameiq/git-flameiq/gitstore"
	"github.com/flameiq/git-flameiq/ingest"
	"github.com/flameiq/git-flameiq/internal/bisector"
	"github.com/flameiq/git-flameiq/internal/measure"
	"github.com/flameiq/git-flameiq/report"
	"github.com/flameiq/git-flameiq/snapshot"
)

func init() { commandList = append(commandList, cmdBisect, cmdCheck) }

// measureFlags are the --run flags of bisect and check. legacyFormat adds
// check's old hidden --format for --input-format (check prints no report
// of its own; bisect's --format is its report's).
func measureFlags(legacyFormat bool) []cli.Flag {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "run", Usage: "measure a commit without a note by running `CMD` (sh -c) and record the result (bisect: in a temporary worktree; check: in the work tree)"},
		&cli.StringFlag{Name: "input-format", Usage: "input `FORMAT` of the --run output (default: auto-detect)"},
		&cli.IntFlag{Name: "count", Aliases: []string{"n"}, Value: 1, Usage: "run the --run command `N` times per commit"},
	}
	if legacyFormat {
		flags = append(flags, legacyFormatFlag())
	}
	return flags
}

// bisectFormats splits bisect's --format: text or json is the report's;
// the name of an input format (as record's --format takes) is the --run
// output's, so `bisect --run CMD --format gobench` means what it says.
func bisectFormats(format, inputFormat string) (report, input string, err error) {
	report, input = format, inputFormat
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
			&cli.IntFlag{Name: "confirm", Usage: "with --run: measure the first bad commit and its parent side by side in `N` interleaved rounds (default: 5 when one run gives repeated samples, else 10)"},
			&cli.BoolFlag{Name: "no-confirm", Usage: "with --run: do not re-measure the first bad commit beside its parent"},
			&cli.BoolFlag{Name: "side-by-side", Usage: "with --run: measure each probe beside GOOD in interleaved rounds (--count rounds) and judge it against that GOOD"},
		}, append(ruleFlags(), measureFlags(false)...)...), recordMetaFlags()...),
		Action: func(c *cli.Context) error {
			return e.bisect(bisectOptions{Args: c.Args().Slice(), Metrics: c.StringSlice("metric"), Format: c.String("format"),
				Rules:   ruleOptionsOf(c),
				Measure: measureOptions{Run: c.String("run"), InputFormat: c.String("input-format"), Count: c.Int("count")},
				Meta:    recordMeta{Suite: c.String("suite"), Environment: c.String("environment")},
				Confirm: c.Int("confirm"), NoConfirm: c.Bool("no-confirm"), ConfirmSet: c.IsSet("confirm"),
				SideBySide: c.Bool("side-by-side"), Rounds: roundsOf(c)})
		},
	}
}

// bisectOptions are bisect's flags and arguments. (--tag and
// --allow-failed are accepted, as record's, but a measured commit's
// record gets only --suite and --environment.)
type bisectOptions struct {
	Args    []string // GOOD BAD
	Metrics []string
	Format  string // the report's, or the --run output's (bisectFormats)
	Rules   ruleOptions
	Measure measureOptions
	Meta    recordMeta
	// Confirm is the number of rounds of the confirmation (0: the
	// default); NoConfirm skips it.
	Confirm               int
	NoConfirm, ConfirmSet bool
	// SideBySide measures each probe beside GOOD (Rounds rounds, 0: the
	// default).
	SideBySide bool
	Rounds     int
}

// bisect finds the first bad commit (see cmdBisect; internal/bisector
// searches).
func (e *env) bisect(o bisectOptions) error {
	e.cacheReads = true // a history walk: keep what it inflates for the next one
	if len(o.Args) != 2 {
		return usagef("needs GOOD and BAD")
	}
	if len(o.Metrics) == 0 {
		return usagef("needs --metric GLOB (e.g. --metric '*:sec/op')")
	}
	if (o.ConfirmSet || o.NoConfirm || o.SideBySide) && o.Measure.Run == "" {
		return usagef("--confirm, --no-confirm and --side-by-side go with --run CMD (they measure)")
	}
	if o.ConfirmSet && o.Confirm < 1 {
		return usagef("--confirm must be ≥ 1 (or --no-confirm)")
	}
	reportFormat, inputFormat, err := bisectFormats(o.Format, o.Measure.InputFormat)
	if err == nil && o.Format != reportFormat {
		fmt.Fprintln(e.stderr, "git-flameiq: notice: --format for the --run output's format is deprecated; use --input-format (--format is the report's: text or json)")
	}
	if err != nil {
		return err
	}
	opts, st, err := e.compareStore(o.Rules)
	if err != nil {
		return err
	}
	err = e.reachHistory(st, historyNeed{What: fmt.Sprintf("the history from %s to %s", o.Args[0], o.Args[1]), Step: 64,
		Have: func(st *store) (bool, error) {
			if !resolves(st.repo, o.Args...) {
				return false, nil
			}
			good, _ := st.repo.Resolve(o.Args[0])
			bad, _ := st.repo.Resolve(o.Args[1])
			return st.repo.HistoryReaches(bad, 0, func(h gitstore.Hash) (bool, error) { return h == good, nil })
		}})
	if err != nil {
		return err
	}
	good, err := resolve(st.repo, o.Args[0])
	if err != nil {
		return err
	}
	bad, err := resolve(st.repo, o.Args[1])
	if err != nil {
		return err
	}
	bo := bisector.Options{Metrics: o.Metrics, Compare: opts, Progress: e.stderr, Warn: e.warn, SideBySide: o.SideBySide, Rounds: o.Rounds}
	if o.Measure.Run != "" {
		bo.Run = &measure.Run{Argv: []string{o.Measure.Run}, N: max(1, o.Measure.Count), Format: inputFormat, Stderr: e.stderr}
		bo.Record = func(h gitstore.Hash, snap *snapshot.Snapshot) error {
			snap.Meta.Suite = o.Meta.Suite
			return e.recordOn(st, h, snap, o.Meta)
		}
	}
	b, err := bisector.New(st.Store, good, bad, bo)
	if err != nil {
		return usagef("%v", err)
	}
	ok, err := b.LoadGood(e.ctx)
	if err != nil {
		return err
	}
	if !ok {
		return usagef("GOOD %s has no snapshot in %s; %s (or pass --run CMD)", short(good), st.ref, recordHint(good))
	}
	res := b.Find(e.ctx)
	var cerr error
	if res.Err == nil && bo.Run != nil && !o.NoConfirm {
		cerr = b.Confirm(e.ctx, &res, o.Confirm)
	}
	rep, ferr := res.Report, res.Err
	if reportFormat == "json" {
		if err := report.BisectJSON(e.stdout, rep); err != nil {
			return err
		}
	} else {
		if len(rep.Probes) == 0 && ferr != nil && !errors.Is(ferr, bisect.ErrNotFound) && !errors.Is(ferr, bisect.ErrOnlySkipped) {
			return ferr // stopped before the first verdict (interrupted, or a store error): nothing to list
		}
		if err := report.BisectText(e.stdout, rep); err != nil {
			return err
		}
	}
	switch {
	case ferr == nil && cerr != nil:
		return fmt.Errorf("confirming the first bad commit: %w", cerr)
	case ferr == nil:
		return nil
	case errors.Is(ferr, bisect.ErrNotFound):
		return usagef("bisect: nothing regressed between %s and %s for %s", short(good), short(bad), strings.Join(o.Metrics, ", "))
	case errors.Is(ferr, bisect.ErrOnlySkipped):
		var cands []string
		for _, h := range res.Candidates {
			cands = append(cands, short(h))
		}
		return usagef("bisect: only commits without a snapshot are left; the first bad commit is one of: %s (record them or pass --run CMD)", strings.Join(cands, " "))
	}
	return ferr
}
