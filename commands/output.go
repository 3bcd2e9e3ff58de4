package commands

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/flameiq/git-flameiq/compare"
	"github.com/flameiq/git-flameiq/config"
	"github.com/flameiq/git-flameiq/internal/selection"
	"github.com/flameiq/git-flameiq/snapshot"
)

// ruleFlags are the judging flags shared by diff, compare, bisect and check.
func ruleFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringSliceFlag{Name: "threshold", Aliases: []string{"t"}, Usage: "threshold `KEY=VALUE` (KEY a key or glob, VALUE like 10% or -5%); a bare VALUE sets the default; repeatable"},
		&cli.Float64Flag{Name: "margin", Usage: "warning margin in percentage points", DefaultText: "5, or flameiq.yaml margin"},
		&cli.Float64Flag{Name: "alpha", Usage: "significance level for the Mann-Whitney test", DefaultText: "0.05"},
		&cli.IntFlag{Name: "min-samples", Usage: "samples needed on both sides for the statistical mode", DefaultText: "4"},
		&cli.BoolFlag{Name: "holm", Usage: "always apply the Holm–Bonferroni correction, even where the samples are too few to pass it (--correction holm)"},
		&cli.StringFlag{Name: "correction", Usage: "multiple-comparison `MODE`: auto (Holm–Bonferroni where the sample sizes allow it; the default), holm or none"},
	}
}

// compareFlags are shared by diff and compare.
func compareFlags() []cli.Flag {
	return append(ruleFlags(),
		&cli.StringSliceFlag{Name: "metric", Usage: "compare only metrics matching `GLOB` (repeatable)"},
		&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "output `FORMAT`: text, json, markdown, github, html or gitlab-codequality"},
		&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the report to `FILE` instead of stdout"},
		&cli.BoolFlag{Name: "no-fail", Usage: "exit 0 even when something regressed"},
		&cli.BoolFlag{Name: "all", Usage: "text: list every unchanged row (a unit with more than 200 is summarised in one line)"},
	)
}

// compareOptions builds options from defaults, flameiq.yaml, then the
// rule flags.
func (e *env) compareOptions(r ruleOptions) (compare.Options, error) {
	cfg, err := e.config()
	if err != nil {
		return compare.DefaultOptions(), err
	}
	return optionsFrom(cfg, r)
}

// optionsFrom builds options from defaults, cfg, then the rule flags.
func optionsFrom(cfg *config.Config, r ruleOptions) (compare.Options, error) {
	o := compare.DefaultOptions()
	cfg.Apply(&o)
	if r.Margin != nil {
		o.Margin = *r.Margin
		if err := compare.CheckMargin(o.Margin); err != nil {
			return o, usagef("--margin: %v", err)
		}
	}
	if r.Alpha != nil {
		o.Alpha = *r.Alpha
		if err := compare.CheckAlpha(o.Alpha); err != nil {
			return o, usagef("--alpha: %v", err)
		}
	}
	if r.MinSamples != nil {
		o.MinSamples = *r.MinSamples
		if err := compare.CheckMinSamples(o.MinSamples); err != nil {
			return o, usagef("--min-samples: %v", err)
		}
	}
	if r.Holm {
		o.Correction = "holm"
	}
	if r.Correction != nil {
		switch m := *r.Correction; m {
		case "auto", "holm", "none":
			o.Correction = m
		default:
			return o, usagef("--correction %s: want auto, holm or none", m)
		}
	}
	for _, t := range r.Thresholds {
		key, val := "", t
		if i := strings.LastIndexByte(t, '='); i >= 0 {
			key, val = t[:i], t[i+1:]
		}
		f, err := compare.ParseThresholdValue(val)
		if err != nil {
			return o, usagef("-t %s: bad threshold %q (want KEY=VALUE with VALUE like 10%%, -5%% or a number of percent)", t, val)
		}
		if key == "" {
			o.DefaultThreshold = f
			continue
		}
		o.Rules = append(o.Rules, compare.Rule{Glob: key, Threshold: &f})
	}
	return o, nil
}

// compareStore reads the comparison options and opens the store: the first
// steps of every command that judges commits (diff, bisect, check).
func (e *env) compareStore(r ruleOptions) (compare.Options, *store, error) {
	opts, err := e.compareOptions(r)
	if err != nil {
		return compare.Options{}, nil, err
	}
	st, err := e.openStore()
	if err != nil {
		return compare.Options{}, nil, err
	}
	return opts, st, nil
}

// compareFiltered compares base and head on the metrics the globs keep
// (compare, diff and check share it).
func compareFiltered(globs []string, base, head *snapshot.Snapshot, opts compare.Options) (*compare.Result, error) {
	snaps, err := selection.Globs(globs).Filter(base, head)
	if err != nil {
		return nil, err
	}
	res, err := compare.Compare(snaps[0], snaps[1], opts)
	var tb *compare.TooBigError
	if errors.As(err, &tb) {
		return nil, &dataError{err}
	}
	if err != nil {
		return nil, usagef("%v", err)
	}
	return res, nil
}

// writeOutput runs write on -o FILE (created) or stdout, and closes the file.
func (e *env) writeOutput(o outputOptions, write func(w io.Writer) error) error {
	p := o.File
	var f *os.File
	var out io.Writer = e.stdout
	if p != "" && p != "-" {
		var err error
		if f, err = os.Create(e.path(p)); err != nil {
			return usagef("-o %s: %v", p, err)
		}
		out = f
	}
	// Reports are written in many small pieces (table cells): buffer
	// them so a long log is a few write calls, not thousands.
	bw := bufio.NewWriterSize(out, 64<<10)
	err := write(bw)
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

// colorOK reports whether colour may be used on w: a TTY and NO_COLOR unset.
func colorOK(w io.Writer) bool {
	if os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	return isTTY(w)
}

// isTTY reports whether w is a terminal.
func isTTY(w io.Writer) bool {
	if u, ok := w.(interface{ Unwrap() io.Writer }); ok {
		w = u.Unwrap() // stderr's termsafe.Writer
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// verdict turns a result into the command's error: errRegression unless
// noFail (--no-fail).
func verdict(noFail bool, r *compare.Result) error {
	if r.Status == compare.Regression && !noFail {
		return errRegression
	}
	return nil
}

func checkFormat(f string, allowed ...string) error {
	for _, a := range allowed {
		if f == a {
			return nil
		}
	}
	return usagef("--format %s: want one of %s", f, strings.Join(allowed, ", "))
}

// plural formats "1 regression" / "2 regressions".
func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// parseThresholdFlag parses a FlameIQ threshold value given to a flag.
func parseThresholdFlag(flag, v string) (float64, error) {
	f, err := compare.ParseThresholdValue(v)
	if err != nil {
		return 0, usagef("%s %s: bad threshold (want a percent like 5%% or a number)", flag, v)
	}
	return f, nil
}

// warnNoCommon says so when the two sides share no metric: a gate that
// passes because nothing was compared (renamed benchmarks, wrong file)
// must not pass silently.
func (e *env) warnNoCommon(r *compare.Result) {
	for _, d := range r.Diffs {
		if d.BaseN > 0 && d.HeadN > 0 {
			return
		}
	}
	fmt.Fprintln(e.stderr, "git-flameiq: warning: base and head have no metric in common; nothing was compared")
}
