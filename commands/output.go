package commands

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/flameiq/git-flameiq/compare"
	"github.com/flameiq/git-flameiq/glob"
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
		&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "output `FORMAT`: text, json, markdown, github or html"},
		&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the report to `FILE` instead of stdout"},
		&cli.BoolFlag{Name: "no-fail", Usage: "exit 0 even when something regressed"},
	)
}

// compareStore reads the comparison options and opens the store: the first
// steps of every command that judges commits (diff, bisect, check).
func (e *env) compareStore(c *cli.Context) (compare.Options, *store, error) {
	opts, err := e.compareOptions(c)
	if err != nil {
		return compare.Options{}, nil, err
	}
	st, err := e.openStore()
	if err != nil {
		return compare.Options{}, nil, err
	}
	return opts, st, nil
}

// compareOptions builds options from defaults, flameiq.yaml, then flags.
func (e *env) compareOptions(c *cli.Context) (compare.Options, error) {
	o := compare.DefaultOptions()
	cfg, err := e.config()
	if err != nil {
		return o, err
	}
	cfg.Apply(&o)
	if c.IsSet("margin") {
		o.Margin = c.Float64("margin")
		if err := compare.CheckMargin(o.Margin); err != nil {
			return o, usagef("--margin: %v", err)
		}
	}
	if c.IsSet("alpha") {
		o.Alpha = c.Float64("alpha")
		if err := compare.CheckAlpha(o.Alpha); err != nil {
			return o, usagef("--alpha: %v", err)
		}
	}
	if c.IsSet("min-samples") {
		o.MinSamples = c.Int("min-samples")
		if err := compare.CheckMinSamples(o.MinSamples); err != nil {
			return o, usagef("--min-samples: %v", err)
		}
	}
	if c.Bool("holm") {
		o.Correction = "holm"
	}
	if c.IsSet("correction") {
		switch m := c.String("correction"); m {
		case "auto", "holm", "none":
			o.Correction = m
		default:
			return o, usagef("--correction %s: want auto, holm or none", m)
		}
	}
	for _, t := range c.StringSlice("threshold") {
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

// filterMetrics keeps the metrics matching any --metric glob. A glob that
// matches nothing on either side is a usage error listing a few keys.
func filterMetrics(c *cli.Context, snaps ...*snapshot.Snapshot) ([]*snapshot.Snapshot, error) {
	globs := c.StringSlice("metric")
	if len(globs) == 0 {
		return snaps, nil
	}
	if err := checkGlobs(globs, snaps...); err != nil {
		return nil, err
	}
	keep := func(k string) bool { return matchAny(globs, k) }
	out := make([]*snapshot.Snapshot, len(snaps))
	for i, s := range snaps {
		out[i] = s.Filter(keep)
	}
	return out, nil
}

// compareFiltered compares base and head on the metrics --metric keeps
// (compare, diff and check share it).
func compareFiltered(c *cli.Context, base, head *snapshot.Snapshot, opts compare.Options) (*compare.Result, error) {
	snaps, err := filterMetrics(c, base, head)
	if err != nil {
		return nil, err
	}
	res, err := compare.Compare(snaps[0], snaps[1], opts)
	if err != nil {
		return nil, usagef("%v", err)
	}
	return res, nil
}

// checkGlobs fails when a glob matches no key of any snapshot.
func checkGlobs(globs []string, snaps ...*snapshot.Snapshot) error {
	keys := map[string]bool{}
	for _, s := range snaps {
		for _, m := range s.Metrics {
			keys[m.Key] = true
		}
	}
	for _, g := range globs {
		found := false
		for k := range keys {
			if glob.Match(g, k) {
				found = true
				break
			}
		}
		if !found {
			return usagef("--metric %s matches no metric; some keys: %s", g, sampleKeys(keys, 5))
		}
	}
	return nil
}

func sampleKeys(keys map[string]bool, n int) string {
	var ks []string
	for k := range keys {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	if len(ks) > n {
		ks = append(ks[:n], "…")
	}
	if len(ks) == 0 {
		return "(none)"
	}
	return strings.Join(ks, ", ")
}

// writeOutput runs write on -o FILE (created) or stdout, and closes the file.
func (e *env) writeOutput(c *cli.Context, write func(w io.Writer) error) error {
	p := c.String("output")
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
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// verdict turns a result into the command's error: errRegression unless --no-fail.
func verdict(c *cli.Context, r *compare.Result) error {
	if r.Status == compare.Regression && !c.Bool("no-fail") {
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
