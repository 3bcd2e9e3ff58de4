package commands

import (
	"fmt"
	"time"

	"github.com/urfave/cli/v2"
)

// The option groups several commands share. Each command's Action reads
// its flags into its own options struct (diffOptions, bisectOptions, …),
// made of these groups and its own fields; nothing below the Action reads
// a flag.

// ruleOptions are the judging flags (ruleFlags) of diff, compare, bisect
// and check; nil or empty: not given (flameiq.yaml or the default holds).
type ruleOptions struct {
	Thresholds []string // -t KEY=VALUE, or a bare VALUE for the default
	Margin     *float64
	Alpha      *float64
	MinSamples *int
	Holm       bool
	Correction *string
}

// outputOptions say where a report goes and in which format.
type outputOptions struct {
	Format string // --format
	File   string // -o ("" or -: stdout)
	All    bool   // --all: every row, nothing summarised (diff, compare, log)
}

// judgeOptions are compareFlags: the rules, the metrics judged, the report
// and whether a regression fails the command (diff, compare).
type judgeOptions struct {
	Rules   ruleOptions
	Metrics []string // --metric globs
	Output  outputOptions
	NoFail  bool
}

// recordMeta is the metadata a recorded snapshot gets from the flags
// (recordFlags).
type recordMeta struct {
	Commit      string   // --commit (record, run)
	Suite       string   // --suite
	Tags        []string // --tag KEY=VALUE (record, run)
	Environment string   // --environment
	// RequireClean (--require-clean): refuse to record on HEAD from a work
	// tree with uncommitted changes to tracked files.
	RequireClean bool
}

// measureOptions are measureFlags: how bisect and check measure a commit
// that has no snapshot.
type measureOptions struct {
	Run         string // --run CMD ("": do not measure)
	InputFormat string // the format of its output ("": detect)
	Count       int    // runs per commit (at least 1 is used)
	// Rounds is check's interleaved rounds (--count when given, else 0:
	// abrun's default).
	Rounds int
}

// ruleOptionsOf reads ruleFlags (diff, compare, bisect, check).
func ruleOptionsOf(c *cli.Context) ruleOptions {
	return ruleOptions{Thresholds: c.StringSlice("threshold"), Holm: c.Bool("holm"),
		Margin: ifSet(c.IsSet("margin"), c.Float64("margin")), Alpha: ifSet(c.IsSet("alpha"), c.Float64("alpha")),
		MinSamples: ifSet(c.IsSet("min-samples"), c.Int("min-samples")), Correction: ifSet(c.IsSet("correction"), c.String("correction"))}
}

// roundsOf is --count as the number of interleaved rounds of a
// side-by-side measurement: 0 (internal/abrun's default) when not given.
func roundsOf(c *cli.Context) int {
	if !c.IsSet("count") {
		return 0
	}
	return c.Int("count")
}

// ifSet is &v when the flag was given, else nil.
func ifSet[T any](set bool, v T) *T {
	if !set {
		return nil
	}
	return &v
}

// inputFormatFlags are --input-format and, for one release, its old name
// --format on the commands that read inputs (record, run, validate):
// --format means the output format everywhere else.
func inputFormatFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "input-format", Usage: "force the input `FORMAT` (default: auto-detect; see validate --help)"},
		legacyFormatFlag(),
	}
}

// legacyFormatFlag is the hidden old name --format of --input-format.
func legacyFormatFlag() cli.Flag {
	return &cli.StringFlag{Name: "format", Hidden: true, Usage: "deprecated: the old name of --input-format"}
}

// inputFormat resolves --input-format and its deprecated old name
// --format (given when legacySet): the old name still works, with a
// notice; both at once must agree.
func (e *env) inputFormat(input, legacy string, legacySet bool) (string, error) {
	if !legacySet {
		return input, nil
	}
	if input != "" && input != legacy {
		return "", usagef("--format %s and --input-format %s disagree (--format is the old name of --input-format here)", legacy, input)
	}
	fmt.Fprintln(e.stderr, "git-flameiq: notice: --format for the input format is deprecated here; use --input-format (--format means the output format everywhere else)")
	return legacy, nil
}

// skipWarmupFlag is --skip-warmup on the commands that read inputs
// (record, run, compare, diff --current, validate).
var skipWarmupFlag = &cli.DurationFlag{Name: "skip-warmup",
	Usage: "leave out the first `DURATION` (10s, 1m) of a load test's time series (Locust's _stats_history.csv): the values come from the steady state after it"}

// skipWarmup reads --skip-warmup (0 when not given).
func skipWarmup(c *cli.Context) (time.Duration, error) {
	d := c.Duration("skip-warmup")
	if d < 0 {
		return 0, usagef("--skip-warmup %s: must not be negative", d)
	}
	return d, nil
}
