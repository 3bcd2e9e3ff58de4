package compare

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/aclements/go-moremath/stats"
	"golang.org/x/perf/benchmath"

	"github.com/flameiq/git-flameiq/glob"
	"github.com/flameiq/git-flameiq/snapshot"
)

// Confidence is the confidence level of the intervals shown around
// centres, as benchstat uses.
const Confidence = 0.95

// settings are the options resolved for one metric.
type settings struct {
	threshold    float64
	hasThreshold bool // set by a rule (not the default)
	dir          snapshot.Direction
	action       Action
	budget       *Budget
}

// Compare compares head against base. Every key of either snapshot gives
// one Diff, in byte order of key. Metrics present on both sides are judged
// by the FlameIQ threshold algorithm; when both sides have at least
// opts.MinSamples samples (and opts.FlameIQMode is off) the crossing must
// also be significant (see the package doc). The snapshots are not
// modified.
func Compare(base, head *snapshot.Snapshot, opts Options) (*Result, error) {
	if base == nil || head == nil {
		return nil, errors.New("compare: nil snapshot")
	}
	opts, err := normalize(opts)
	if err != nil {
		return nil, err
	}
	r := &Result{Alpha: opts.Alpha, failOnMissing: opts.FailOnMissing}
	var sets []settings
	for _, k := range unionKeys(base, head) {
		s := resolve(k, base.Get(k), head.Get(k), opts)
		sets = append(sets, s)
		r.Diffs = append(r.Diffs, measure(k, base.Get(k), head.Get(k), s, opts))
	}
	if opts.Correction == "holm" {
		adjustHolm(r.Diffs)
	}
	for i := range r.Diffs {
		classify(&r.Diffs[i], sets[i], opts, r)
		r.StatisticalMode = r.StatisticalMode || r.Diffs[i].Statistical
	}
	r.Status = Pass
	if r.Failed() {
		r.Status = Regression
	}
	return r, nil
}

func normalize(o Options) (Options, error) {
	if o.Alpha == 0 {
		o.Alpha = 0.05
	}
	if o.MinSamples <= 0 {
		o.MinSamples = 4
	}
	if !(o.Alpha > 0 && o.Alpha <= 1) {
		return o, fmt.Errorf("alpha must be in range (0, 1], got %v", o.Alpha)
	}
	switch o.Correction {
	case "", "none", "holm":
	default:
		return o, fmt.Errorf("unknown correction %q (want none or holm)", o.Correction)
	}
	if o.Tiers != nil && o.Tiers.Warn > o.Tiers.Block {
		return o, fmt.Errorf("tiers: warn (%v%%) is above block (%v%%)", o.Tiers.Warn, o.Tiers.Block)
	}
	return o, nil
}

func unionKeys(a, b *snapshot.Snapshot) []string {
	set := map[string]bool{}
	for _, m := range a.Metrics {
		set[m.Key] = true
	}
	for _, m := range b.Metrics {
		set[m.Key] = true
	}
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys) // byte order
	return keys
}

// resolve picks the threshold, direction, action and budget of key.
func resolve(key string, bm, hm *snapshot.Metric, o Options) settings {
	s := settings{threshold: o.DefaultThreshold, action: Block}
	if o.Tiers != nil {
		s.threshold = o.Tiers.Block
	}
	switch {
	case o.FlameIQMode:
		s.dir = snapshot.FlameIQDirection(key)
	case bm != nil:
		s.dir = bm.Direction
	case hm != nil:
		s.dir = hm.Direction
	}
	if r := bestRule(o.Rules, key, func(r Rule) bool { return r.Threshold != nil }); r != nil {
		s.threshold, s.hasThreshold = *r.Threshold, true
	}
	if r := bestRule(o.Rules, key, func(r Rule) bool { return r.Direction != nil }); r != nil {
		s.dir = *r.Direction
	}
	if r := bestRule(o.Rules, key, func(r Rule) bool { return r.Action != "" }); r != nil {
		s.action = r.Action
	}
	if r := bestRule(o.Rules, key, func(r Rule) bool { return r.Budget != nil }); r != nil {
		s.budget = r.Budget
	}
	return s
}

// bestRule returns the most specific rule matching key among those for
// which has is true (see Rule), or nil.
func bestRule(rules []Rule, key string, has func(Rule) bool) *Rule {
	var best *Rule
	bestExact, bestLit := false, -1
	for i := range rules {
		r := &rules[i]
		if !has(*r) {
			continue
		}
		exact := r.Glob == key
		if !exact && !glob.Match(r.Glob, key) {
			continue
		}
		lit := glob.Specificity(r.Glob)
		if best == nil || exact && !bestExact || exact == bestExact && lit >= bestLit {
			best, bestExact, bestLit = r, exact, lit
		}
	}
	return best
}

// measure fills the values, centres and statistics of one metric.
func measure(key string, bm, hm *snapshot.Metric, s settings, o Options) Diff {
	d := Diff{Key: key, Direction: s.dir, Action: s.action, ThresholdPercent: s.threshold,
		Base: math.NaN(), Head: math.NaN(), ChangePercent: math.NaN(), P: math.NaN(), PRaw: math.NaN(), PTwoSided: math.NaN(),
		EffectSize: math.NaN(), BaseLo: math.NaN(), BaseHi: math.NaN(), HeadLo: math.NaN(), HeadHi: math.NaN()}
	if bm != nil {
		d.Unit, d.BaseN, d.Base = bm.Unit, len(bm.Samples), bm.Value()
	}
	if hm != nil {
		if d.Unit == "" {
			d.Unit = hm.Unit
		}
		d.HeadN, d.Head = len(hm.Samples), hm.Value()
	}
	if bm == nil || hm == nil {
		return d
	}
	if o.FlameIQMode || d.BaseN < o.MinSamples || d.HeadN < o.MinSamples {
		if !o.FlameIQMode && (d.BaseN > 1 || d.HeadN > 1) {
			d.Notes = append(d.Notes, fmt.Sprintf("too few samples for statistics (n=%d+%d, need %d each): threshold rules only", d.BaseN, d.HeadN, o.MinSamples))
		}
		return d
	}
	d.Statistical = true
	bs, hs := summarize(bm.Samples), summarize(hm.Samples)
	d.Base, d.BaseLo, d.BaseHi = bs.Center, bs.Lo, bs.Hi
	d.Head, d.HeadLo, d.HeadHi = hs.Center, hs.Lo, hs.Hi
	for _, w := range append(bs.Warnings, hs.Warnings...) {
		d.Notes = appendOnce(d.Notes, w.Error())
	}
	d.PRaw = uTest(bm.Samples, hm.Samples, s.dir)
	d.P = d.PRaw
	d.PTwoSided = uTest(bm.Samples, hm.Samples, snapshot.TwoSided)
	d.EffectSize = CliffsDelta(bm.Samples, hm.Samples)
	return d
}

func summarize(xs []float64) benchmath.Summary {
	smp := benchmath.NewSample(append([]float64(nil), xs...), &benchmath.DefaultThresholds)
	return benchmath.AssumeNothing.Summary(smp, Confidence)
}

// uTest is the Mann-Whitney U test of moremath (as benchstat runs it),
// one-sided in the bad direction: for a lower-is-better metric the
// alternative is "base is less than head". All-equal samples give p = 1,
// as in benchstat.
func uTest(base, head []float64, dir snapshot.Direction) float64 {
	alt := stats.LocationDiffers
	switch dir {
	case snapshot.LowerIsBetter:
		alt = stats.LocationLess
	case snapshot.HigherIsBetter:
		alt = stats.LocationGreater
	}
	res, err := stats.MannWhitneyUTest(base, head, alt)
	if err != nil {
		return 1
	}
	return res.P
}

func adjustHolm(ds []Diff) {
	var idx []int
	var ps []float64
	for i, d := range ds {
		if d.Statistical {
			idx = append(idx, i)
			ps = append(ps, d.PRaw)
		}
	}
	for j, p := range Holm(ps) {
		ds[idx[j]].P = p
	}
}

// badChange is how far chg goes in the bad direction (negative when it
// improves; |chg| for two-sided metrics).
func badChange(dir snapshot.Direction, chg float64) float64 {
	switch dir {
	case snapshot.LowerIsBetter:
		return chg
	case snapshot.HigherIsBetter:
		return -chg
	}
	return math.Abs(chg)
}

// crossed is FlameIQ's is_regression: strict inequality on the rounded
// change against |threshold|; NaN never crosses.
func crossed(dir snapshot.Direction, chg, threshold float64) bool {
	return badChange(dir, chg) > math.Abs(threshold)
}

// flameIQWarning is FlameIQ's is_warning (direction-blind: improvements
// close to or beyond the threshold warn too).
func flameIQWarning(chg, threshold, margin float64) bool {
	a := math.Abs(chg)
	return a >= math.Abs(threshold)-margin && a > 0
}

// classify sets the status of one diff.
func classify(d *Diff, s settings, o Options, r *Result) {
	switch {
	case d.BaseN == 0:
		d.Status = New
		return
	case d.HeadN == 0:
		d.Status = Missing
		if o.FailOnMissing {
			d.Notes = append(d.Notes, "missing from head (fails: missing metrics are configured to fail)")
		}
		return
	}
	chg, ok := ChangePercent(d.Base, d.Head)
	d.ChangePercent = chg
	if !ok && d.Base == 0 && d.Head == 0 && !o.FlameIQMode {
		// 0 → 0 (e.g. allocs/op of an allocation-free benchmark) is no
		// change, not an undefined one; FlameIQ mode keeps the reference's skip.
		d.ChangePercent, d.Status = 0, Pass
	} else if !ok {
		d.Status = Skipped
		d.Notes = append(d.Notes, "zero baseline: change undefined, metric skipped")
		r.Warnings = append(r.Warnings, fmt.Sprintf("%s: zero baseline, metric skipped", d.Key))
	} else {
		d.Status = thresholdStatus(d, s, o)
		d.Crossed = d.Status == Regression
	}
	applyAction(d, s)
	applyBudget(d, s)
	applyAccept(d, o, r)
	d.IsRegression = d.Status == Regression
	d.IsWarning = d.Status == Warning
}

func thresholdStatus(d *Diff, s settings, o Options) Status {
	chg := d.ChangePercent
	regressed := crossed(s.dir, chg, s.threshold)
	var warn bool
	if o.Tiers != nil && !s.hasThreshold {
		warn = badChange(s.dir, chg) > math.Abs(o.Tiers.Warn)
	} else {
		warn = flameIQWarning(chg, s.threshold, o.Margin)
	}
	if regressed && d.Statistical && !(d.P < o.Alpha) {
		regressed, warn, d.Noise = false, true, true
		d.Notes = append(d.Notes, fmt.Sprintf("threshold crossed but not significant (p=%.3f, alpha=%v): noise", d.P, o.Alpha))
	}
	switch {
	case regressed:
		return Regression
	case warn && !math.IsNaN(chg):
		return Warning
	}
	return Pass
}

func applyAction(d *Diff, s settings) {
	if d.Status == Regression && s.action == Warn {
		d.Status = Warning
		d.Notes = append(d.Notes, "threshold crossed; action is warn, so it does not fail")
	}
}

func applyBudget(d *Diff, s settings) {
	b := s.budget
	if b == nil || math.IsNaN(d.Head) {
		return
	}
	if b.Bare && s.dir == snapshot.HigherIsBetter {
		// A bare number is a floor for a higher-is-better metric.
		b = &Budget{Min: b.Max}
	}
	switch {
	case b.Max != nil && d.Head > *b.Max:
		d.BudgetMsg = fmt.Sprintf("%s above budget max %s", fmtNum(d.Head), fmtNum(*b.Max))
	case b.Min != nil && d.Head < *b.Min:
		d.BudgetMsg = fmt.Sprintf("%s below budget min %s", fmtNum(d.Head), fmtNum(*b.Min))
	default:
		return
	}
	d.Status = BudgetBreach
	d.Notes = append(d.Notes, "budget breached: "+d.BudgetMsg)
}

func fmtNum(f float64) string { return strings.TrimSuffix(fmt.Sprintf("%.6g", f), ".") }

// applyAccept waives a failing metric matched by a written acceptance.
func applyAccept(d *Diff, o Options, r *Result) {
	if d.Status != Regression && d.Status != BudgetBreach {
		return
	}
	var unexplained *Acceptance
	for i := len(o.Accept) - 1; i >= 0; i-- {
		a := &o.Accept[i]
		if !glob.Match(a.Glob, d.Key) {
			continue
		}
		if strings.TrimSpace(a.Reason) == "" {
			unexplained = a
			continue
		}
		d.Status, d.AcceptReason, d.AcceptSource = Accepted, a.Reason, a.Source
		return
	}
	if unexplained != nil {
		msg := fmt.Sprintf("acceptance %q ignored: a written reason is required", unexplained.Glob)
		if unexplained.Source != "" {
			msg += " (" + unexplained.Source + ")"
		}
		d.Notes = append(d.Notes, msg)
		r.Warnings = appendOnce(r.Warnings, d.Key+": "+msg)
	}
}

func appendOnce(xs []string, s string) []string {
	for _, x := range xs {
		if x == s {
			return xs
		}
	}
	return append(xs, s)
}
