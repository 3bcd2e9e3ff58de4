package compare

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"

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
	zero         ZeroBaseline
	named        bool // a rule other than a bare wildcard names the key
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
	if err := checkSize(base, head); err != nil {
		return nil, err
	}
	r := &Result{Alpha: opts.Alpha, failOnMissing: opts.FailOnMissing}
	var sets []settings
	legacyFormat := base.Meta.Format == "flameiq" && head.Meta.Format == "flameiq"
	bget, hget := finder(base), finder(head)
	renamed := invisibleRenames(base, head, bget, hget)
	ruleSet := NewRuleSet(opts.Rules)
	// The pairs to compare and their settings first, then every pair's
	// statistics (in parallel: measure depends on its own pair only), then
	// the verdicts, in key order.
	type pair struct {
		key, newName string
		bm, hm       *snapshot.Metric
	}
	keys := unionKeys(base, head)
	pairs := make([]pair, 0, len(keys))
	sets = make([]settings, 0, len(keys))
	for _, k := range keys {
		bm, hm := bget(k), hget(k)
		if _, ok := renamed.headSide[k]; ok {
			continue // compared under its base name
		}
		newName := renamed.baseSide[k]
		if newName != "" {
			hm = hget(newName)
		}
		pairs = append(pairs, pair{k, newName, bm, hm})
		sets = append(sets, resolve(k, bm, hm, opts, ruleSet))
	}
	r.Diffs = make([]Diff, len(pairs), len(pairs)+len(head.Meta.Failed))
	parallel(len(pairs), func(i int) {
		p := pairs[i]
		r.Diffs[i] = measure(p.key, p.bm, p.hm, sets[i], opts)
	})
	for i, p := range pairs {
		k, bm, hm, newName, s, d := p.key, p.bm, p.hm, p.newName, sets[i], &r.Diffs[i]
		d.Legacy = opts.FlameIQMode || legacyFormat && d.BaseN == 1 && d.HeadN == 1
		if hm == nil && failedIn(head.Meta.Failed, k) {
			d.Status = Failed
		}
		if newName != "" {
			d.RenamedTo = newName
			d.Notes = append(d.Notes, fmt.Sprintf("named \"%s\" in head: the names differ only by invisible characters (zero-width, bidi), so they are compared as one metric", newName))
			r.Warnings = append(r.Warnings, fmt.Sprintf("%s is named \"%s\" in head: the names differ only by invisible characters", k, newName))
		}
		if bm != nil && hm != nil && !s.named {
			if bm.Info || hm.Info {
				d.info = true
				d.Notes = append(d.Notes, "informational (a single run's extreme or a connection phase): gated only when a rule names it")
			} else if mirror := derivedOf(k, bget, hget); mirror != "" {
				d.Derived, d.info = mirror, true
				d.Notes = append(d.Notes, "derived from sec/op (b.SetBytes): gated only when a rule names it")
			}
		}
	}
	for _, f := range head.Meta.Failed {
		if !anyKeyOf(base, f) && hget(f) == nil {
			r.Diffs = append(r.Diffs, failedDiff(f))
			sets = append(sets, settings{action: Block})
		}
	}
	if opts.Correction != "none" {
		r.Family = adjustHolm(r.Diffs, opts.Correction == "holm", opts.Alpha)
	}
	for i := range r.Diffs {
		classify(&r.Diffs[i], sets[i], opts, bget(r.Diffs[i].Key), hget(r.Diffs[i].Key), r)
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
	if err := CheckAlpha(o.Alpha); err != nil {
		return o, err
	}
	if err := CheckMargin(o.Margin); err != nil {
		return o, err
	}
	switch o.Correction {
	case "", "auto", "none", "holm":
	default:
		return o, fmt.Errorf("unknown correction %q (want auto, holm or none)", o.Correction)
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

// resolve picks the settings of key: the rules (Resolve), then the
// defaults and the metric's own direction.
func resolve(key string, bm, hm *snapshot.Metric, o Options, rs *RuleSet) settings {
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
	r := rs.Resolve(key)
	if r.Threshold != nil {
		s.threshold, s.hasThreshold = *r.Threshold, true
	}
	if r.Direction != nil {
		s.dir = *r.Direction
	}
	if r.Action != "" {
		s.action = r.Action
	}
	s.budget, s.zero, s.named = r.Budget, r.ZeroBaseline, r.Named
	return s
}

// renames pairs the keys only in base with keys only in head that differ
// only by invisible characters (written \u200b-style by snapshot.Printable).
type renames struct {
	baseSide map[string]string // base key → head key
	headSide map[string]string // head key → base key
}

// invisibleRenames finds base-only and head-only keys whose names are the
// same once invisible characters are dropped, one to one: a benchmark
// "renamed" by a zero-width space must not escape the gate as MISSING+NEW.
func invisibleRenames(base, head *snapshot.Snapshot, bget, hget func(string) *snapshot.Metric) renames {
	out := renames{baseSide: map[string]string{}, headSide: map[string]string{}}
	bySkel := map[string][]string{}
	for _, m := range base.Metrics {
		if hget(m.Key) == nil {
			s := skeleton(m.Key)
			bySkel[s] = append(bySkel[s], m.Key)
		}
	}
	if len(bySkel) == 0 {
		return out
	}
	headBySkel := map[string][]string{}
	for _, m := range head.Metrics {
		if bget(m.Key) == nil {
			s := skeleton(m.Key)
			headBySkel[s] = append(headBySkel[s], m.Key)
		}
	}
	for s, bs := range bySkel {
		if hs := headBySkel[s]; len(bs) == 1 && len(hs) == 1 {
			out.baseSide[bs[0]], out.headSide[hs[0]] = hs[0], bs[0]
		}
	}
	return out
}

// skeleton drops the escapes snapshot.Printable writes for format
// characters (\u200b, \u202e…) and any such character left.
func skeleton(key string) string {
	if !strings.Contains(key, `\u`) {
		return key
	}
	var b strings.Builder
	for i := 0; i < len(key); {
		if strings.HasPrefix(key[i:], `\u`) && i+6 <= len(key) {
			if v, err := strconv.ParseUint(key[i+2:i+6], 16, 32); err == nil && unicode.Is(unicode.Cf, rune(v)) {
				i += 6
				continue
			}
		}
		b.WriteByte(key[i])
		i++
	}
	return b.String()
}

// failedIn reports whether key belongs to one of the failed benchmarks:
// the key is the name, "name:unit", or "name-N:unit" (GOMAXPROCS suffix).
func failedIn(failed []string, key string) bool {
	for _, f := range failed {
		if benchOf(key, f) {
			return true
		}
	}
	return false
}

func benchOf(key, name string) bool {
	if key == name || strings.HasPrefix(key, name+":") {
		return true
	}
	rest, ok := strings.CutPrefix(key, name+"-")
	if !ok {
		return false
	}
	i := 0
	for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
		i++
	}
	return i > 0 && (i == len(rest) || rest[i] == ':')
}

func anyKeyOf(s *snapshot.Snapshot, name string) bool {
	for _, m := range s.Metrics {
		if benchOf(m.Key, name) {
			return true
		}
	}
	return false
}

func failedDiff(name string) Diff {
	nan := math.NaN()
	return Diff{Key: name, Status: Failed, Action: Block, Base: nan, Head: nan, ChangePercent: nan, ThresholdPercent: nan,
		P: nan, PRaw: nan, PTwoSided: nan, EffectSize: nan, BaseLo: nan, BaseHi: nan, HeadLo: nan, HeadHi: nan}
}

// derivedOf returns the sec/op key that a Go B/s metric mirrors (b.SetBytes
// makes the throughput a function of the time per op), when both sides
// have it; "" otherwise.
func derivedOf(key string, bget, hget func(string) *snapshot.Metric) string {
	name, ok := strings.CutSuffix(key, ":B/s")
	if !ok {
		return ""
	}
	t := name + ":sec/op"
	if bget(t) != nil && hget(t) != nil {
		return t
	}
	return ""
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
			d.Notes = append(d.Notes, fmt.Sprintf("fewer than %d samples on a side: threshold rules only, no significance test", o.MinSamples))
		}
		if d.BaseN == 1 && d.HeadN == 1 && bm.CI != nil && hm.CI != nil && !o.FlameIQMode {
			d.BaseCI, d.HeadCI = bm.CI, hm.CI
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
	// The p that decides is one-sided in the direction the centre moved
	// (worse: the bad direction; better: the good one), two-sided for a
	// two-sided metric.
	alt := snapshot.TwoSided
	if s.dir != snapshot.TwoSided {
		up := d.Head > d.Base || d.Head == d.Base && s.dir == snapshot.LowerIsBetter
		if up {
			alt = snapshot.LowerIsBetter // alternative: base < head
		} else {
			alt = snapshot.HigherIsBetter
		}
	}
	d.constant = constant(bm.Samples, hm.Samples)
	d.PRaw, d.PTwoSided, d.EffectSize = uTests(bm.Samples, hm.Samples, alt)
	d.P = d.PRaw
	return d
}

// constant reports whether every sample of both sides is the same value.
func constant(a, b []float64) bool {
	for _, x := range append(a[1:len(a):len(a)], b...) {
		if x != a[0] {
			return false
		}
	}
	return true
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

// adjustHolm applies the Holm–Bonferroni correction to the p-values of
// the gated metrics that were tested (not INFO, not constant on both
// sides: a test with no variation carries no information) and returns how
// many there were. A PR check tests every metric at once: uncorrected, an
// A/A run of 80 metrics raises four false alarms at alpha = 0.05. In auto
// mode (always false) a metric whose sample sizes cannot reach the
// corrected level at all (n=5+5 can never give p < 0.05/13) keeps its raw
// p, with a note, rather than becoming impossible to fail.
func adjustHolm(ds []Diff, always bool, alpha float64) int {
	var idx []int
	var ps []float64
	for i, d := range ds {
		if d.Statistical && !d.info && !d.constant {
			idx = append(idx, i)
			ps = append(ps, d.PRaw)
		}
	}
	m := len(ps)
	if m < 2 {
		return 0
	}
	for j, p := range Holm(ps) {
		d := &ds[idx[j]]
		if !always && minUTestP(d.BaseN, d.HeadN, d.Direction == snapshot.TwoSided)*float64(m) >= alpha {
			d.Notes = append(d.Notes, fmt.Sprintf("n=%d+%d is too few for the correction over %d tested metrics to ever pass: judged uncorrected (run more samples)", d.BaseN, d.HeadN, m))
			continue
		}
		d.P, d.Corrected = p, true
	}
	return m
}

// minUTestP is the smallest p a Mann-Whitney U test can give with n1 and
// n2 samples (no ties): 1/C(n1+n2, n1), twice that two-sided.
func minUTestP(n1, n2 int, twoSided bool) float64 {
	// log C(n1+n2, n1) through lgamma, for large n without overflow.
	lg := func(x int) float64 { v, _ := math.Lgamma(float64(x) + 1); return v }
	p := math.Exp(-(lg(n1+n2) - lg(n1) - lg(n2)))
	if twoSided {
		p *= 2
	}
	return p
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
func classify(d *Diff, s settings, o Options, bm, hm *snapshot.Metric, r *Result) {
	switch {
	case d.Status == Failed:
		d.Notes = append(d.Notes, "the benchmark failed in head (recorded with --allow-failed)")
		applyAccept(d, o, r)
		return
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
	switch {
	case d.Legacy:
		legacyStatus(d, s, o, ok, r)
	case !ok && d.Base == 0 && d.Head == 0:
		// 0 → 0 (allocs/op of an allocation-free benchmark) is no change.
		d.ChangePercent, d.Status = 0, Pass
	case !ok:
		zeroStatus(d, s, o, r)
	default:
		d.Status = gateStatus(d, s, o)
	}
	if d.Status == Regression {
		d.Crossed = true
	}
	if d.info {
		// Shown with its change, never gated: say what it would have been.
		if d.Status != Pass && d.Status != Skipped {
			d.Notes = append(d.Notes, "would be "+string(d.Status)+" if gated")
		}
		d.Status, d.Crossed, d.Noise = Info, false, false
	}
	applyAction(d, s)
	applyBudget(d, s)
	applyAccept(d, o, r)
	d.IsRegression = d.Status == Regression
	d.IsWarning = d.Status == Warning
}

// legacyStatus is FlameIQ's algorithm exactly: direction-blind warnings,
// a zero baseline skips the metric (unless zero_baseline says otherwise).
func legacyStatus(d *Diff, s settings, o Options, ok bool, r *Result) {
	if !ok {
		if s.zero == "" || s.zero == ZeroSkip {
			d.Status = Skipped
			d.Notes = append(d.Notes, "zero baseline: change undefined, metric skipped")
			r.Warnings = append(r.Warnings, fmt.Sprintf("%s: zero baseline, metric skipped", d.Key))
			return
		}
		zeroStatus(d, s, o, r)
		return
	}
	regressed := crossed(s.dir, d.ChangePercent, s.threshold)
	warn := flameIQWarning(d.ChangePercent, s.threshold, o.Margin)
	if o.Tiers != nil && !s.hasThreshold {
		warn = badChange(s.dir, d.ChangePercent) > math.Abs(o.Tiers.Warn)
	}
	switch {
	case regressed:
		d.Status = Regression
	case warn && !math.IsNaN(d.ChangePercent):
		d.Status = Warning
	default:
		d.Status = Pass
	}
}

// zeroStatus judges a metric whose base is zero and head is not: the
// change is no percentage. A move in the bad direction (any cost where
// there was none) regresses, warns or is skipped as zero_baseline says;
// with samples it must be significant.
func zeroStatus(d *Diff, s settings, o Options, r *Result) {
	mode := s.zero
	if mode == "" {
		mode = ZeroRegress
	}
	if mode == ZeroSkip {
		d.Status = Skipped
		d.Notes = append(d.Notes, "zero baseline: change undefined, metric skipped (zero_baseline: skip)")
		r.Warnings = append(r.Warnings, fmt.Sprintf("%s: zero baseline, metric skipped", d.Key))
		return
	}
	d.ZeroBase = true
	worse := s.dir == snapshot.TwoSided || (s.dir == snapshot.LowerIsBetter) == (d.Head > 0)
	if d.Statistical && !(d.P < o.Alpha) {
		d.Status, d.Noise = Pass, true
		return
	}
	switch {
	case !worse:
		d.Status = Improved
	case mode == ZeroWarn:
		d.Status = Warning
		d.Reason = "from zero (zero_baseline: warn)"
	default:
		d.Status = Regression
		d.Reason = "from zero: a cost where there was none"
	}
}

// warnLevel is the bad change above which a metric warns: the tiers'
// warn level, or the threshold less the margin.
func warnLevel(s settings, o Options) float64 {
	if o.Tiers != nil && !s.hasThreshold {
		return math.Abs(o.Tiers.Warn)
	}
	return math.Max(math.Abs(s.threshold)-o.Margin, 0)
}

// gateStatus is the verdict of a metric present on both sides with a
// defined change: REGRESSION beyond the threshold, WARNING for a worsening
// in the warn band, IMPROVED for an improvement beyond the warn level,
// PASS otherwise. With samples a move must be significant (the p in its
// direction below alpha), with intervals of single values the intervals
// must not overlap; otherwise it is PASS with Noise ("~").
func gateStatus(d *Diff, s settings, o Options) Status {
	chg := d.ChangePercent
	if math.IsNaN(chg) {
		return Pass
	}
	bad := badChange(s.dir, chg)
	level := warnLevel(s, o)
	var st Status
	switch {
	case bad > math.Abs(s.threshold):
		st = Regression
	case bad > 0 && bad >= level:
		st = Warning
	case s.dir != snapshot.TwoSided && bad < 0 && -bad >= math.Max(level, math.SmallestNonzeroFloat64):
		st = Improved
	default:
		return Pass
	}
	switch {
	case d.Statistical:
		if !(d.P < o.Alpha) {
			d.Noise = true
			return Pass
		}
	case d.BaseCI != nil && d.HeadCI != nil:
		d.Interval = true
		apart := d.HeadCI.Lo > d.BaseCI.Hi || d.HeadCI.Hi < d.BaseCI.Lo
		if !apart {
			d.Noise = true
			d.Notes = append(d.Notes, "within the sampling error of single summary values (their 95% intervals overlap)")
			return Pass
		}
		d.Notes = append(d.Notes, "decided on the 95% intervals of single summary values, which do not overlap")
	}
	return st
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
	if d.Status != Regression && d.Status != BudgetBreach && d.Status != Failed {
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
