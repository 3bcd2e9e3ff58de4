// Package snapshot is the data model of git-flameiq: a Snapshot is one
// recorded benchmark run (metadata plus metrics), a Metric is a flat key with
// a unit, a direction and one or more samples.
//
// It sits between ingest (which produces snapshots from tool output) and
// gitstore (which stores their canonical JSON Lines encoding as git notes).
// It knows nothing about git, files or formats. Snapshots are plain values:
// functions that combine snapshots (Merge) return new values and never mutate
// their arguments.
package snapshot

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Direction says which way a metric gets worse. (One byte: with Info it
// fits in the padding of a Metric.)
type Direction int8

const (
	// TwoSided metrics regress when they move too far either way.
	TwoSided Direction = iota
	// LowerIsBetter metrics (times, bytes, allocs, latency, memory, cpu)
	// regress when they go up.
	LowerIsBetter
	// HigherIsBetter metrics (throughput, ops/s, B/s) regress when they go down.
	HigherIsBetter
)

// String returns the canonical name used in notes, config and JSON output.
func (d Direction) String() string {
	switch d {
	case LowerIsBetter:
		return "lower_is_better"
	case HigherIsBetter:
		return "higher_is_better"
	default:
		return "two_sided"
	}
}

// ParseDirection parses the names String returns (and a few aliases).
func ParseDirection(s string) (Direction, error) {
	switch s {
	case "lower_is_better", "lower", "higher_is_worse":
		return LowerIsBetter, nil
	case "higher_is_better", "higher", "lower_is_worse":
		return HigherIsBetter, nil
	case "two_sided", "both", "":
		return TwoSided, nil
	}
	return TwoSided, fmt.Errorf("unknown direction %q (want lower_is_better, higher_is_better or two_sided)", s)
}

// Metric is one measured quantity. Samples are the repetitions in the order
// they were measured; callers must not assume they are sorted.
type Metric struct {
	Key     string
	Unit    string
	Samples []float64
	// CI, when set, is the uncertainty of a metric that is one summary
	// value computed by the tool from many observations (a p99 from a load
	// test's requests): the 95% interval of that value. It describes the
	// single sample only; when samples of several runs combine, the sample
	// statistics take over and Merge drops it.
	CI *Interval
	// Info marks a metric that is reported but not gated unless a rule
	// (threshold, budget or metrics entry) names it: a single run's min
	// and max, a load test's connection phases.
	Info bool
	// Direction is last, beside Info: the struct is 72 bytes, not 80.
	Direction Direction
}

// Interval is the 95% uncertainty interval of a single summary value, and
// N the number of observations it was computed from (0 when unknown).
type Interval struct {
	Lo, Hi float64
	N      int
}

// Value is the median of the samples (the only sample when there is one).
// It is NaN for a metric without samples.
func (m *Metric) Value() float64 { return Median(m.Samples) }

// Median returns the median of xs without modifying it; the median of an
// even count is the mean of the middle pair (as FlameIQ and benchstat do).
func Median(xs []float64) float64 {
	switch len(xs) {
	case 0:
		return math.NaN()
	case 1:
		return xs[0]
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// Meta is the metadata of a run. All fields are optional.
type Meta struct {
	Commit      string            // the commit measured (full hex when recorded)
	Branch      string            // branch name, when known
	Suite       string            // suite name (record --suite)
	Environment string            // free text, e.g. "ci"
	Timestamp   string            // RFC 3339
	Format      string            // input format the metrics came from
	Source      string            // input file name
	Tags        map[string]string // free key=value tags
	// Machine is where the run was measured (record fills it in).
	Machine Machine
	// Failed names the benchmarks that failed in the run (as keys name
	// them, without a unit: "Flaky-2", "Encode/big"), recorded with
	// --allow-failed; their metrics are absent.
	Failed []string
}

// SetTag sets tag k to v, making the map when there is none.
func (m *Meta) SetTag(k, v string) {
	if m.Tags == nil {
		m.Tags = map[string]string{}
	}
	m.Tags[k] = v
}

// Snapshot is one recorded run, or several runs combined by Merge.
type Snapshot struct {
	Meta    Meta
	Metrics []*Metric // unique keys, sorted by key (see Sort)

	// idx finds a metric by key for Add (built on its first call, kept up
	// to date by Add, dropped by Sort, which ends a parse, and by anything
	// else in this package that reorders Metrics). Without it a parse of
	// 60,000 metrics scanned the slice once per sample.
	idx *keyIndex
	// mem holds the metrics Add makes (alloc.go).
	mem *arena
	// cols hold a lean snapshot's metrics (columns.go); Metrics is nil.
	cols *columns
}

// Get returns the metric with key k, or nil.
func (s *Snapshot) Get(k string) *Metric {
	if s.cols != nil {
		return s.cols.get(k)
	}
	if s.idx.current(s.Metrics) { // a parse: Add's index
		if i, _ := s.index().lookup(s.Metrics, k); i >= 0 {
			return s.Metrics[i]
		}
		return nil
	}
	i := sort.Search(len(s.Metrics), func(i int) bool { return s.Metrics[i].Key >= k })
	if i < len(s.Metrics) && s.Metrics[i].Key == k {
		return s.Metrics[i]
	}
	for _, m := range s.Metrics { // unsorted input
		if m.Key == k {
			return m
		}
	}
	return nil
}

// Keys returns the metric keys in byte order.
func (s *Snapshot) Keys() []string {
	s.Expand()
	ks := make([]string, len(s.Metrics))
	for i, m := range s.Metrics {
		ks[i] = m.Key
	}
	sort.Strings(ks)
	return ks
}

// Sort orders metrics by key (byte order), metrics of the same key in
// their order. A sorted snapshot costs one pass; keys are usually unique,
// and then an unstable sort gives the stable order (a stable sort of
// 60,000 metrics took three times as long).
//
// Sort drops Add's index: a parser's snapshot is sorted when the parse
// ends, and the index is then garbage (Add after Sort indexes again).
// When the index says that every key is unique, the copy kept for a
// stable sort is not needed either.
func (s *Snapshot) Sort() {
	if s.cols != nil {
		s.cols.sort()
		return
	}
	unique := s.idx.current(s.Metrics) && s.idx.n == len(s.Metrics) && !s.idx.dup
	s.idx = nil
	if slices.IsSortedFunc(s.Metrics, cmpMetricKey) {
		return
	}
	if unique {
		slices.SortFunc(s.Metrics, cmpMetricKey)
		return
	}
	orig := slices.Clone(s.Metrics)
	slices.SortFunc(s.Metrics, cmpMetricKey)
	for i := 1; i < len(s.Metrics); i++ {
		if s.Metrics[i].Key == s.Metrics[i-1].Key {
			copy(s.Metrics, orig)
			slices.SortStableFunc(s.Metrics, cmpMetricKey)
			return
		}
	}
}

// Grow makes room for n more metrics, for a parser that knows how many
// distinct keys it will Add.
func (s *Snapshot) Grow(n int) {
	if c := s.cols; c != nil {
		c.sync()
		c.reindex(c.stem.Len() + n)
		return
	}
	s.Metrics = slices.Grow(s.Metrics, n)
	x := s.index()
	if !x.fits(len(s.Metrics) + n) {
		s.idx = newKeyIndex(len(s.Metrics) + n)
		s.idx.catchUp(s.Metrics)
	}
}

// index returns Add's index of Metrics, made or brought up to date.
func (s *Snapshot) index() *keyIndex {
	if !s.idx.current(s.Metrics) {
		s.idx = newKeyIndex(len(s.Metrics))
	}
	s.idx.catchUp(s.Metrics)
	return s.idx
}

// Add appends samples to the metric key, creating it if needed. A unit or
// direction given later does not overwrite one already set.
func (s *Snapshot) Add(key, unit string, dir Direction, samples ...float64) *Metric {
	if s.cols != nil {
		if m := s.cols.add(key, unit, dir, samples); m != nil {
			return m
		}
		s.Expand() // beyond the columns' limits
	}
	x := s.index()
	i, slot := x.lookup(s.Metrics, key)
	if i >= 0 {
		m := s.Metrics[i]
		m.Samples = append(m.Samples, samples...)
		return m
	}
	if s.mem == nil {
		s.mem = &arena{}
	}
	m := s.mem.metric(key, unit, dir, samples)
	s.Metrics = append(s.Metrics, m)
	if x.fits(len(s.Metrics)) {
		x.slots.Set(slot, len(s.Metrics)-1)
		x.n, x.base = len(s.Metrics), &s.Metrics[0]
	} else {
		x.catchUp(s.Metrics) // a larger table
	}
	return m
}

// Merge combines snapshots recorded on the same commit: samples of the same
// key concatenate in argument order; metadata comes from the first snapshot
// with fields filled from later ones where empty. The result is sorted.
//
// The copies share one array of samples (each clipped to its own), and a
// single snapshot with unique sorted keys (the usual `record FILE`) is
// copied without a map.
func Merge(snaps ...*Snapshot) *Snapshot {
	out := &Snapshot{}
	nm, ns, live := 0, 0, 0
	var one *Snapshot
	for _, s := range snaps {
		if s == nil {
			continue
		}
		s.Expand()
		live++
		one = s
		nm += len(s.Metrics)
		for _, m := range s.Metrics {
			ns += len(m.Samples)
		}
	}
	out.Metrics = make([]*Metric, 0, nm)
	metrics := make([]Metric, nm)
	samples := make([]float64, 0, ns)
	copyOf := func(m *Metric) *Metric {
		c := &metrics[len(out.Metrics)]
		*c = Metric{Key: m.Key, Unit: m.Unit, Direction: m.Direction, CI: m.CI, Info: m.Info}
		if len(m.Samples) > 0 {
			n := len(samples)
			samples = append(samples, m.Samples...)
			c.Samples = samples[n:len(samples):len(samples)]
		}
		out.Metrics = append(out.Metrics, c)
		return c
	}
	if live == 1 && slices.IsSortedFunc(one.Metrics, func(a, b *Metric) int {
		if c := cmpMetricKey(a, b); c != 0 {
			return c
		}
		return -1 // a key twice: not strictly sorted
	}) {
		mergeMeta(&out.Meta, one.Meta)
		for _, m := range one.Metrics {
			copyOf(m)
		}
		return out
	}
	idx := make(map[string]*Metric, nm)
	for _, s := range snaps {
		if s == nil {
			continue
		}
		mergeMeta(&out.Meta, s.Meta)
		for _, m := range s.Metrics {
			if have, ok := idx[m.Key]; ok {
				have.absorb(m)
				continue
			}
			idx[m.Key] = copyOf(m)
		}
	}
	out.Sort()
	return out
}

// absorb adds o's samples to m's, for two metrics of the same key.
func (m *Metric) absorb(o *Metric) {
	m.Samples = append(m.Samples, o.Samples...)
	if m.Unit == "" {
		m.Unit = o.Unit
	}
	m.CI = nil // several samples now: the sample statistics apply
	m.Info = m.Info && o.Info
}

func mergeMeta(dst *Meta, src Meta) {
	fill := func(d *string, s string) {
		if *d == "" {
			*d = s
		}
	}
	fill(&dst.Commit, src.Commit)
	fill(&dst.Branch, src.Branch)
	fill(&dst.Suite, src.Suite)
	fill(&dst.Environment, src.Environment)
	fill(&dst.Timestamp, src.Timestamp)
	fill(&dst.Format, src.Format)
	fill(&dst.Source, src.Source)
	if dst.Machine.IsZero() {
		dst.Machine = src.Machine
	}
	for _, f := range src.Failed {
		if !slices.Contains(dst.Failed, f) {
			dst.Failed = append(dst.Failed, f)
		}
	}
	for k, v := range src.Tags {
		if dst.Tags == nil {
			dst.Tags = map[string]string{}
		}
		if _, ok := dst.Tags[k]; !ok {
			dst.Tags[k] = v
		}
	}
}

// Filter returns a snapshot holding only the metrics for which keep is true.
func (s *Snapshot) Filter(keep func(key string) bool) *Snapshot {
	s.Expand()
	out := &Snapshot{Meta: s.Meta}
	for _, m := range s.Metrics {
		if keep(m.Key) {
			out.Metrics = append(out.Metrics, m)
		}
	}
	return out
}

// Printable returns s with control characters (ANSI escapes, newlines,
// C1 controls) written as Go escapes such as \x1b, and format characters
// (zero-width spaces and joiners, bidi controls: Unicode Cf) as \u200b, so
// that a metric name or tag from an input file or a hand-written note can
// never drive the terminal, break a table row, or look like another name.
// Printable text is returned unchanged.
func Printable(s string) string {
	ascii := true
	for i := 0; i < len(s) && ascii; i++ {
		ascii = s[i] >= 0x20 && s[i] < 0x7f
	}
	if ascii {
		return s // the common key: nothing to look up rune by rune
	}
	clean := true
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || (r == utf8.RuneError && n == 1) {
			clean = false
			break
		}
		i += n
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			// A byte that is not UTF-8: its own escape, so that two names
			// differing only there stay two names.
			b.WriteString(`\x`)
			b.WriteByte(hexDigits[s[i]>>4])
			b.WriteByte(hexDigits[s[i]&15])
		case unicode.IsControl(r):
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		case unicode.Is(unicode.Cf, r):
			// Zero-width and bidi characters: visible, so that two names
			// that look the same are not (U+200B is written \u200b).
			fmt.Fprintf(&b, "\\u%04x", r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

const hexDigits = "0123456789abcdef"

// Sanitize makes every metric key and metadata string Printable. ingest and
// the note decoder call it, so nothing downstream sees control characters.
func (s *Snapshot) Sanitize() {
	if s.cols != nil && !s.cols.printable() {
		s.Expand()
	}
	rewritten := false
	for _, m := range s.Metrics {
		k := Printable(m.Key)
		rewritten = rewritten || k != m.Key
		m.Key, m.Unit = k, Printable(m.Unit)
	}
	if rewritten {
		// A rewritten key can meet a name that was already printable (a
		// control byte and its written-out escape): they are one metric
		// now, as Merge would combine them.
		seen := make(map[string]*Metric, len(s.Metrics))
		kept := s.Metrics[:0]
		for _, m := range s.Metrics {
			if have, ok := seen[m.Key]; ok {
				have.absorb(m)
				continue
			}
			seen[m.Key] = m
			kept = append(kept, m)
		}
		s.Metrics = kept
		s.idx = nil
		s.Sort() // an escape can move a key: keep a sorted snapshot sorted
	}
	for _, f := range []*string{&s.Meta.Commit, &s.Meta.Branch, &s.Meta.Suite, &s.Meta.Environment, &s.Meta.Timestamp, &s.Meta.Format, &s.Meta.Source} {
		*f = Printable(*f)
	}
	for i, f := range s.Meta.Failed {
		s.Meta.Failed[i] = Printable(f)
	}
	if len(s.Meta.Tags) > 0 {
		tags := make(map[string]string, len(s.Meta.Tags))
		for k, v := range s.Meta.Tags {
			tags[Printable(k)] = Printable(v)
		}
		s.Meta.Tags = tags
	}
}

// Medians returns a function that copies a snapshot with each metric's
// median (Value) as its only sample, for a history that shows one value
// a metric a commit: 100 notes of 60,000 metrics × 10 samples then hold
// 6 million values, not 60 million, in one block a snapshot. The copies
// share their keys: notes list their metrics in the same order, so a key
// equal to the one at its position in the last copy is that one, and
// only the others go through a table. It is safe for concurrent use.
func Medians() func(*Snapshot) *Snapshot {
	var (
		mu   sync.Mutex
		keys = map[string]string{}
		last []string // the keys of the last copy, in order
	)
	return func(s *Snapshot) *Snapshot {
		s.Expand()
		out := &Snapshot{Meta: s.Meta, Metrics: make([]*Metric, len(s.Metrics))}
		ms := make([]Metric, len(s.Metrics))
		vs := make([]float64, len(s.Metrics))
		for i, m := range s.Metrics {
			vs[i] = m.Value()
			ms[i] = Metric{Key: m.Key, Unit: m.Unit, Direction: m.Direction, Samples: vs[i : i+1 : i+1], CI: m.CI, Info: m.Info}
			out.Metrics[i] = &ms[i]
		}
		mu.Lock()
		defer mu.Unlock()
		mine := make([]string, len(ms))
		for i := range ms {
			switch k := ms[i].Key; {
			case i < len(last) && last[i] == k:
				ms[i].Key = last[i]
			default:
				if have, ok := keys[k]; ok {
					ms[i].Key = have
				} else {
					keys[k] = k
				}
			}
			mine[i] = ms[i].Key
		}
		last = mine
		return out
	}
}
