package snapshot

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Schema is the schema tag of every note line this version writes.
const Schema = "flameiq/1"

// record is the canonical JSON shape of one note line. Field order is the
// byte order of the JSON names, so encoding/json writes sorted keys; maps
// are sorted by encoding/json too. Numbers use encoding/json's float64
// formatting (shortest repr that round-trips, exponent for very large or
// small values), which is deterministic. docs/schema/note-record.schema.json
// documents every field (snapshot's tests hold EncodeRecord's lines to it).
type record struct {
	ID      string                  `json:"id"`
	Meta    recordMeta              `json:"meta"`
	Metrics map[string]recordMetric `json:"metrics"`
	Schema  string                  `json:"schema"`

	// list is decodeFast's form of Metrics (then nil): sorted by key, no
	// key twice, non-nil when the line has a "metrics" object. It leaves
	// out the metrics a filter skips; skipped says there were some.
	list    []namedMetric
	skipped bool
}

type namedMetric struct {
	key string
	recordMetric
	skip bool // decodeFast read it for a filter that keeps it not (then it is not listed)
}

// metricList returns the record's metrics sorted by key, whichever decoder
// filled it.
func (r *record) metricList() []namedMetric {
	if r.list != nil || r.Metrics == nil {
		return r.list
	}
	list := make([]namedMetric, 0, len(r.Metrics))
	for k, m := range r.Metrics {
		list = append(list, namedMetric{key: k, recordMetric: m})
	}
	slices.SortFunc(list, func(a, b namedMetric) int { return strings.Compare(a.key, b.key) })
	return list
}

type recordMeta struct {
	Branch      string            `json:"branch,omitempty"`
	Commit      string            `json:"commit,omitempty"`
	Environment string            `json:"environment,omitempty"`
	Failed      []string          `json:"failed,omitempty"`
	Format      string            `json:"format,omitempty"`
	Machine     *Machine          `json:"machine,omitempty"`
	Source      string            `json:"source,omitempty"`
	Suite       string            `json:"suite,omitempty"`
	Tags        map[string]string `json:"tags,omitempty"`
	Timestamp   string            `json:"timestamp,omitempty"`
}

type recordMetric struct {
	CI        *recordCI `json:"ci,omitempty"`
	Direction string    `json:"direction"`
	Info      bool      `json:"info,omitempty"`
	Samples   []float64 `json:"samples"`
	Unit      string    `json:"unit,omitempty"`
}

// recordCI is a Metric's CI: [lo, hi] and the observation count n.
type recordCI struct {
	Hi float64 `json:"hi"`
	Lo float64 `json:"lo"`
	N  int     `json:"n,omitempty"`
}

// NewID returns a random record id. Every record carries one so that two
// identical runs recorded on the same commit stay two records when notes are
// merged as a union of lines.
func NewID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// EncodeRecord returns the canonical one-line JSON encoding (no trailing
// newline) of s as a note record with the given id. It fails on NaN or
// infinite samples and on a snapshot without metrics. The line is sized
// up front (with room for the newline a note line gets), so that the 9 MB
// of a monorepo's record is written once, not copied as it grows.
func EncodeRecord(s *Snapshot, id string) ([]byte, error) {
	var b bytes.Buffer
	b.Grow(RecordSizeHint(s))
	if err := WriteRecord(&b, s, id); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// RecordSizeHint is about the length of s's record line, a little more.
func RecordSizeHint(s *Snapshot) int {
	size := 512
	if s.cols != nil {
		return size + s.cols.sizeHint()
	}
	for _, m := range s.Metrics {
		size += len(m.Key) + len(m.Unit) + 48 + 16*len(m.Samples)
	}
	return size
}

// WriteRecord writes EncodeRecord's line to w metric by metric, without
// holding it, nor any copy of the metrics but their order when s is not
// sorted: the record of millions of metrics is streamed to the object
// file. s is checked whole before the first byte is written; an error of
// w stops it.
func WriteRecord(w io.Writer, s *Snapshot, id string) error {
	if s.Len() == 0 {
		return fmt.Errorf("snapshot has no metrics")
	}
	meta := recordMeta{Branch: s.Meta.Branch, Commit: s.Meta.Commit, Environment: s.Meta.Environment,
		Format: s.Meta.Format, Source: s.Meta.Source, Suite: s.Meta.Suite, Timestamp: s.Meta.Timestamp}
	if len(s.Meta.Failed) > 0 {
		meta.Failed = slices.Sorted(slices.Values(s.Meta.Failed))
	}
	if len(s.Meta.Tags) > 0 {
		meta.Tags = s.Meta.Tags
	}
	if m := s.Meta.Machine; !m.IsZero() {
		if m.CPUs < 0 {
			return fmt.Errorf("machine: negative CPU count %d", m.CPUs)
		}
		meta.Machine = &m
	}
	// The metrics in key order, a key's samples in snapshot order; the
	// metrics of a repeated key are written as one metric (their samples
	// concatenated, no interval).
	ms := s.ordered()
	prev, first := "", true
	for m := range ms {
		if m.Key == "" {
			return fmt.Errorf("metric with an empty key")
		}
		if len(m.Samples) == 0 {
			return fmt.Errorf("metric %q has no samples", m.Key)
		}
		for _, v := range m.Samples {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("metric %q: sample %v is not a finite number", m.Key, v)
			}
		}
		if c := m.CI; c != nil && len(m.Samples) == 1 && (first || prev != m.Key) {
			if math.IsNaN(c.Lo) || math.IsInf(c.Lo, 0) || math.IsNaN(c.Hi) || math.IsInf(c.Hi, 0) || c.Lo > c.Hi || c.N < 0 {
				return fmt.Errorf("metric %q: interval [%v, %v] n=%d is not valid", m.Key, c.Lo, c.Hi, c.N)
			}
		}
		prev, first = m.Key, false
	}
	var out recordOut
	out.start(id, meta)
	var (
		group   []*Metric // the metrics of one key
		samples [][]float64
	)
	write := func() bool {
		m := group[0]
		rm := recordMetric{Direction: m.Direction.String(), Unit: m.Unit, Info: m.Info}
		samples = samples[:0]
		for _, g := range group {
			samples = append(samples, g.Samples)
		}
		var ci recordCI
		if c := m.CI; c != nil && len(group) == 1 && len(m.Samples) == 1 {
			ci = recordCI{Lo: c.Lo, Hi: c.Hi, N: c.N}
			rm.CI = &ci
		}
		out.metric(m.Key, &rm, samples...)
		group = group[:0]
		return len(out.b) < 32<<10 || out.flush(w) == nil
	}
	for m := range ms {
		if len(group) > 0 && group[0].Key != m.Key && !write() {
			return out.err
		}
		group = append(group, m)
	}
	if !write() {
		return out.err
	}
	out.end(Schema)
	return out.flush(w)
}

func cmpMetricKey(a, b *Metric) int { return strings.Compare(a.Key, b.Key) }

// ordered yields the metrics in key order, a repeated key's in their
// order: a snapshot is usually sorted already (then no sort at all), and
// the stable sort keeps a repeated key's metrics in their order.
func (s *Snapshot) ordered() iter.Seq[*Metric] {
	if c := s.cols; c != nil {
		if !c.sorted {
			c.sort()
		}
		return c.reused
	}
	ms := s.Metrics
	if !slices.IsSortedFunc(ms, cmpMetricKey) {
		ms = slices.Clone(ms)
		slices.SortStableFunc(ms, cmpMetricKey)
	}
	return slices.Values(ms)
}

// recordOut appends a record line to b, in pieces that WriteRecord
// flushes to its writer; err is the first error. It writes what
// encoding/json writes without HTML escaping (TestEncodeLikeEncodingJSON
// holds the two equal), the metrics directly: through reflection, a map
// of 60,000 metrics cost a record of a monorepo's benchmarks 140 ms.
type recordOut struct {
	b   []byte
	err error
	n   int // the metrics written
}

func (o *recordOut) start(id string, meta recordMeta) {
	o.b = append(o.b, `{"id":`...)
	o.b = appendJSONString(o.b, id)
	m, err := marshalJSON(meta)
	o.fail(err)
	o.b = append(o.b, `,"meta":`...)
	o.b = append(o.b, m...)
	o.b = append(o.b, `,"metrics":{`...)
}

// metric appends one metric: rm with the samples of every part (nil
// alone: null).
func (o *recordOut) metric(key string, rm *recordMetric, parts ...[]float64) {
	if o.n > 0 {
		o.b = append(o.b, ',')
	}
	o.n++
	b := appendJSONString(o.b, key)
	b = append(b, `:{`...)
	if c := rm.CI; c != nil {
		b = append(b, `"ci":{"hi":`...)
		b = o.float(b, c.Hi)
		b = append(b, `,"lo":`...)
		b = o.float(b, c.Lo)
		if c.N != 0 {
			b = append(b, `,"n":`...)
			b = strconv.AppendInt(b, int64(c.N), 10)
		}
		b = append(b, `},`...)
	}
	b = append(b, `"direction":`...)
	b = appendJSONString(b, rm.Direction)
	if rm.Info {
		b = append(b, `,"info":true`...)
	}
	b = append(b, `,"samples":`...)
	if len(parts) == 1 && parts[0] == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		j := 0
		for _, p := range parts {
			for _, v := range p {
				if j > 0 {
					b = append(b, ',')
				}
				j++
				b = o.float(b, v)
			}
		}
		b = append(b, ']')
	}
	if rm.Unit != "" {
		b = append(b, `,"unit":`...)
		b = appendJSONString(b, rm.Unit)
	}
	o.b = append(b, '}')
}

func (o *recordOut) end(schema string) {
	o.b = append(o.b, `},"schema":`...)
	o.b = appendJSONString(o.b, schema)
	o.b = append(o.b, '}')
}

func (o *recordOut) float(b []byte, v float64) []byte {
	b, err := appendJSONFloat(b, v)
	o.fail(err)
	return b
}

func (o *recordOut) fail(err error) {
	if o.err == nil {
		o.err = err
	}
}

// flush writes what was appended to w.
func (o *recordOut) flush(w io.Writer) error {
	if o.err == nil {
		_, o.err = w.Write(o.b)
	}
	o.b = o.b[:0]
	return o.err
}

// marshalJSON is json.Marshal without HTML escaping.
func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// appendJSONString appends s as encoding/json writes it without HTML
// escaping: printable ASCII other than " and \ as it is, anything else
// through encoding/json itself.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' {
			q, _ := marshalJSON(s) // a string always encodes
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

func appendJSONFloat(b []byte, v float64) ([]byte, error) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return b, fmt.Errorf("json: unsupported value: %v", v)
	}
	format := byte('f')
	if abs := math.Abs(v); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	n0 := len(b)
	b = strconv.AppendFloat(b, v, format, -1, 64)
	if n := len(b); format == 'e' && n-n0 >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
		b[n-2] = b[n-1] // e-09 → e-9
		b = b[:n-1]
	}
	return b, nil
}

// Record is one decoded note line.
type Record struct {
	ID       string
	Snapshot *Snapshot
}

// LineError reports a note line that could not be decoded.
type LineError struct {
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

// DecodeNote decodes a note: JSON Lines of records. Blank lines are ignored.
// Lines that cannot be decoded are reported in errs and skipped, so one
// corrupt line never hides the others.
//
// keep, when not nil, limits the metrics decoded to those whose key it
// accepts: a history command that shows a few metrics of notes holding
// tens of thousands then builds only those. A record keeps its metadata
// even when no metric is kept, and a line is refused exactly when it would
// be without keep. keep must not retain its argument.
func DecodeNote(note []byte, keep func(key string) bool) (recs []Record, errs []error) {
	return NewNoteDecoder(keep).Decode(note)
}

// DecodeRecord decodes one note line (keep as for DecodeNote). The
// snapshot's metrics are sorted by key, each key once (also after Sanitize
// has rewritten keys).
func DecodeRecord(line []byte, keep func(key string) bool) (Record, error) {
	return decodeRecord(line, keep, nil)
}

// decodeRecord is DecodeRecord with a NoteDecoder's checked set (nil:
// none).
func decodeRecord(line []byte, keep func(key string) bool, c *checked) (Record, error) {
	var r record
	if !decodeFast(line, &r, keep, c) {
		r = record{}
		if err := json.Unmarshal(line, &r); err != nil {
			return Record{}, fmt.Errorf("not a flameiq record: %v", err)
		}
	}
	if r.Schema != Schema {
		if strings.HasPrefix(r.Schema, "flameiq/") {
			return Record{}, fmt.Errorf("schema %q is newer than this git-flameiq understands (%s); upgrade git-flameiq", r.Schema, Schema)
		}
		return Record{}, fmt.Errorf("not a flameiq record: schema %q", r.Schema)
	}
	s := &Snapshot{Meta: Meta{Branch: r.Meta.Branch, Commit: r.Meta.Commit, Environment: r.Meta.Environment,
		Format: r.Meta.Format, Source: r.Meta.Source, Suite: r.Meta.Suite, Timestamp: r.Meta.Timestamp, Tags: r.Meta.Tags,
		Failed: r.Meta.Failed}}
	if m := r.Meta.Machine; m != nil {
		if m.CPUs < 0 {
			return Record{}, fmt.Errorf("meta.machine.cpus: negative CPU count %d", m.CPUs)
		}
		s.Meta.Machine = *m
	}
	list := r.metricList()
	s.Metrics = make([]*Metric, 0, len(list))
	for _, m := range list {
		k := m.key
		if k == "" {
			return Record{}, fmt.Errorf("metric with an empty key")
		}
		d, err := ParseDirection(m.Direction)
		if err != nil {
			return Record{}, fmt.Errorf("metric %q: %v", k, err)
		}
		if m.Direction == "" {
			// Written by hand or another tool: infer as ingest does.
			d = UnitDirection(m.Unit)
			if m.Unit == "" {
				d = FlameIQDirection(k)
			}
		}
		if len(m.Samples) == 0 {
			return Record{}, fmt.Errorf("metric %q has no samples", k)
		}
		if keep != nil && !keep(Printable(k)) {
			continue
		}
		mt := &Metric{Key: k, Unit: m.Unit, Direction: d, Samples: m.Samples, Info: m.Info}
		if c := m.CI; c != nil && len(m.Samples) == 1 && c.Lo <= c.Hi && c.N >= 0 {
			mt.CI = &Interval{Lo: c.Lo, Hi: c.Hi, N: c.N}
		}
		s.Metrics = append(s.Metrics, mt)
	}
	if len(list) == 0 && !r.skipped {
		return Record{}, fmt.Errorf("record has no metrics")
	}
	s.Sanitize()
	return Record{ID: r.ID, Snapshot: s}, nil
}
