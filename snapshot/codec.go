package snapshot

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
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
// infinite samples and on a snapshot without metrics.
func EncodeRecord(s *Snapshot, id string) ([]byte, error) {
	if len(s.Metrics) == 0 {
		return nil, fmt.Errorf("snapshot has no metrics")
	}
	r := record{ID: id, Schema: Schema}
	r.Meta = recordMeta{Branch: s.Meta.Branch, Commit: s.Meta.Commit, Environment: s.Meta.Environment,
		Format: s.Meta.Format, Source: s.Meta.Source, Suite: s.Meta.Suite, Timestamp: s.Meta.Timestamp}
	if len(s.Meta.Failed) > 0 {
		r.Meta.Failed = slices.Sorted(slices.Values(s.Meta.Failed))
	}
	if len(s.Meta.Tags) > 0 {
		r.Meta.Tags = s.Meta.Tags
	}
	if m := s.Meta.Machine; !m.IsZero() {
		if m.CPUs < 0 {
			return nil, fmt.Errorf("machine: negative CPU count %d", m.CPUs)
		}
		r.Meta.Machine = &m
	}
	// The metrics in key order, a key's samples in snapshot order: a
	// snapshot is usually sorted already (then no sort at all), and the
	// stable sort keeps a repeated key's metrics in their order.
	ms := s.Metrics
	if !slices.IsSortedFunc(ms, cmpMetricKey) {
		ms = slices.Clone(ms)
		slices.SortStableFunc(ms, cmpMetricKey)
	}
	r.list = make([]namedMetric, 0, len(ms))
	for _, m := range ms {
		if m.Key == "" {
			return nil, fmt.Errorf("metric with an empty key")
		}
		if len(m.Samples) == 0 {
			return nil, fmt.Errorf("metric %q has no samples", m.Key)
		}
		for _, v := range m.Samples {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("metric %q: sample %v is not a finite number", m.Key, v)
			}
		}
		if n := len(r.list); n > 0 && r.list[n-1].key == m.Key {
			have := &r.list[n-1]
			have.Samples = append(slices.Clip(have.Samples), m.Samples...)
			have.CI = nil
			continue
		}
		rm := recordMetric{Direction: m.Direction.String(), Samples: m.Samples, Unit: m.Unit, Info: m.Info}
		if c := m.CI; c != nil && len(m.Samples) == 1 {
			if math.IsNaN(c.Lo) || math.IsInf(c.Lo, 0) || math.IsNaN(c.Hi) || math.IsInf(c.Hi, 0) || c.Lo > c.Hi || c.N < 0 {
				return nil, fmt.Errorf("metric %q: interval [%v, %v] n=%d is not valid", m.Key, c.Lo, c.Hi, c.N)
			}
			rm.CI = &recordCI{Lo: c.Lo, Hi: c.Hi, N: c.N}
		}
		r.list = append(r.list, namedMetric{key: m.Key, recordMetric: rm})
	}
	return r.encode()
}

func cmpMetricKey(a, b *Metric) int { return strings.Compare(a.Key, b.Key) }

// encode writes r as encoding/json writes it without HTML escaping
// (TestEncodeLikeEncodingJSON holds the two equal), with the metrics
// written directly: through reflection, a map of 60,000 metrics cost a
// record of a monorepo's benchmarks 140 ms. The line is sized up front
// (with room for the newline a note line gets), so that the 9 MB of a
// monorepo's record is written once, not copied as it grows.
func (r *record) encode() ([]byte, error) {
	list := r.metricList()
	b := make([]byte, 0, 128+metricsSize(list))
	b = append(b, `{"id":`...)
	b = appendJSONString(b, r.ID)
	meta, err := marshalJSON(r.Meta)
	if err != nil {
		return nil, err
	}
	b = append(b, `,"meta":`...)
	b = append(b, meta...)
	b = append(b, `,"metrics":{`...)
	if b, err = appendMetrics(b, list); err != nil {
		return nil, err
	}
	b = append(b, `},"schema":`...)
	b = appendJSONString(b, r.Schema)
	return append(b, '}'), nil
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

// appendJSONFloat appends v as encoding/json writes a float64.
// encodeChunk is the number of metrics below which a note is written on
// one goroutine; above it, the parts are written beside each other and
// joined (a 60,000-metric record in half the time on two cores).
const encodeChunk = 8192

// appendMetrics appends the members of the "metrics" object, in list
// order, each as encode documents.
func appendMetrics(b []byte, list []namedMetric) ([]byte, error) {
	parts := min(runtime.GOMAXPROCS(0), len(list)/encodeChunk)
	if parts < 2 {
		return appendMetricRange(b, list, true)
	}
	// The first part goes straight into b (sized for all of them by
	// encode), the others into buffers of their own, appended after.
	bufs := make([][]byte, parts)
	errs := make([]error, parts)
	var wg sync.WaitGroup
	for p := 1; p < parts; p++ {
		part := list[p*len(list)/parts : (p+1)*len(list)/parts]
		wg.Go(func() {
			bufs[p], errs[p] = appendMetricRange(make([]byte, 0, metricsSize(part)), part, false)
		})
	}
	b, errs[0] = appendMetricRange(b, list[:len(list)/parts], true)
	wg.Wait()
	for p := range parts {
		if errs[p] != nil {
			return nil, errs[p]
		}
		b = append(b, bufs[p]...)
	}
	return b, nil
}

// metricsSize is about the size appendMetricRange writes for list (a
// little more for most samples).
func metricsSize(list []namedMetric) int {
	size := 0
	for _, m := range list {
		size += len(m.key) + len(m.Unit) + 48 + 16*len(m.Samples)
	}
	return size
}

// appendMetricRange appends the metrics of list, comma-separated, with a
// comma first unless first.
func appendMetricRange(b []byte, list []namedMetric, first bool) ([]byte, error) {
	var err error
	for i, m := range list {
		if i > 0 || !first {
			b = append(b, ',')
		}
		b = appendJSONString(b, m.key)
		b = append(b, `:{`...)
		if m.CI != nil {
			ci, err := marshalJSON(m.CI)
			if err != nil {
				return nil, err
			}
			b = append(b, `"ci":`...)
			b = append(b, ci...)
			b = append(b, ',')
		}
		b = append(b, `"direction":`...)
		b = appendJSONString(b, m.Direction)
		if m.Info {
			b = append(b, `,"info":true`...)
		}
		b = append(b, `,"samples":`...)
		if m.Samples == nil {
			b = append(b, "null"...)
		} else {
			b = append(b, '[')
			for j, v := range m.Samples {
				if j > 0 {
					b = append(b, ',')
				}
				if b, err = appendJSONFloat(b, v); err != nil {
					return nil, err
				}
			}
			b = append(b, ']')
		}
		if m.Unit != "" {
			b = append(b, `,"unit":`...)
			b = appendJSONString(b, m.Unit)
		}
		b = append(b, '}')
	}
	return b, nil
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
