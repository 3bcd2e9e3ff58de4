package snapshot

import (
	"bytes"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"
)

// decodeFast decodes one note line into r when it has the shape that
// EncodeRecord writes: known keys only, each at most once, strings without
// escapes, numbers, no nulls. It reports false, leaving r in an unspecified
// state, for anything else, and the caller then decodes the line with
// encoding/json, whose result is the reference: whatever decodeFast accepts
// it decodes exactly as json.Unmarshal does (FuzzDecodeFast checks this).
//
// History commands decode every note of up to thousands of commits, and
// json.Unmarshal into the record's maps was a third of `log`'s CPU.
//
// keep, when set, is DecodeNote's filter: a metric it does not keep is
// checked as strictly as the others, but its samples are not kept (see
// namedMetric.skip).
//
// c is a NoteDecoder's set of the skipped metrics checked before (nil:
// none).
func decodeFast(line []byte, r *record, keep func(string) bool, c *checked) bool {
	d := fastDecoder{b: line, keep: keep, checked: c}
	if c != nil {
		// A NoteDecoder's scratch slices serve line after line.
		d.scratch, d.skippedKeys = c.scratch, c.keys
		defer func() { c.scratch, c.keys = d.scratch[:0], d.skippedKeys[:0] }()
	}
	ok := d.record(r)
	d.space()
	return ok && d.i == len(d.b)
}

type fastDecoder struct {
	b           []byte
	i           int
	keep        func(string) bool
	scratch     []float64 // the samples of the metric being read
	arena       []float64 // the samples of the metrics kept, back to back
	skippedKeys []string  // their keys (views of the line)
	checked     *checked  // the skipped metrics checked before (nil: none)
}

func (d *fastDecoder) space() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// next skips white space and consumes c if it comes next.
func (d *fastDecoder) next(c byte) bool {
	d.space()
	if d.i < len(d.b) && d.b[d.i] == c {
		d.i++
		return true
	}
	return false
}

// object calls field for each key of a JSON object; field decodes the value
// and reports whether it could.
func (d *fastDecoder) object(field func(key []byte) bool) bool {
	if !d.next('{') {
		return false
	}
	if d.next('}') {
		return true
	}
	for {
		key, ok := d.raw()
		if !ok || !d.next(':') || !field(key) {
			return false
		}
		if d.next('}') {
			return true
		}
		if !d.next(',') {
			return false
		}
	}
}

// str reads a string (see raw).
func (d *fastDecoder) str() (string, bool) {
	b, ok := d.raw()
	return string(b), ok
}

// raw reads a string without escapes or control characters, in valid UTF-8
// (json.Unmarshal would rewrite any of those), and returns its bytes.
func (d *fastDecoder) raw() ([]byte, bool) {
	if !d.next('"') {
		return nil, false
	}
	start := d.i
	ascii := true
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			s := d.b[start:d.i]
			d.i++
			if !ascii && !utf8.Valid(s) {
				return nil, false
			}
			return s, true
		case c == '\\' || c < 0x20:
			return nil, false
		case c >= 0x80:
			ascii = false
		}
		d.i++
	}
	return nil, false
}

// numberOrCheck reads a JSON number (its exact grammar: strconv alone
// would also take "Inf", hex and underscores) that fits a float64. With
// parse false it only checks that there is one (the value is 0), calling
// strconv only when the number might not fit a float64 (strconv's only
// other error, as the grammar is checked here): a skipped sample costs no
// conversion.
func (d *fastDecoder) numberOrCheck(parse bool) (float64, bool) {
	d.space()
	b, start := d.b, d.i
	i := d.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	intStart := i
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return 0, false
	}
	intDigits := i - intStart // a leading 0 counts one: an overestimate is safe
	exp, expNeg, expStart := 0, false, 0
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return 0, false
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			expNeg = b[i] == '-'
			i++
		}
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return 0, false
		}
		expStart = i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			if i-expStart < 6 {
				exp = exp*10 + int(b[i]-'0')
			}
			i++
		}
		if i-expStart >= 6 {
			exp = math.MaxInt32 // decided by strconv below
		}
	}
	if !parse {
		// |value| < 10^(intDigits+exp): far below the largest float64
		// unless both are large; underflow is no error in strconv.
		if expNeg && intDigits < 300 || !expNeg && intDigits+exp < 300 {
			d.i = i
			return 0, true
		}
	}
	v, err := strconv.ParseFloat(string(b[start:i]), 64)
	if err != nil {
		return 0, false
	}
	d.i = i
	return v, true
}

// fields records which keys of an object were seen (bit i: the i-th known
// key), so that a repeated key can be refused.
type fields uint16

// first reports whether bit is new, and marks it.
func (f *fields) first(bit fields) bool {
	if *f&bit != 0 {
		return false
	}
	*f |= bit
	return true
}

func (d *fastDecoder) record(r *record) bool {
	var seen fields
	return d.object(func(key []byte) bool {
		switch string(key) {
		case "id":
			return seen.first(1) && d.strTo(&r.ID)
		case "schema":
			return seen.first(2) && d.internTo(&r.Schema)
		case "meta":
			return seen.first(4) && d.meta(&r.Meta)
		case "metrics":
			return seen.first(8) && d.metrics(r)
		}
		return false
	})
}

// strTo reads a string (see raw) into dst.
func (d *fastDecoder) strTo(dst *string) bool {
	var ok bool
	*dst, ok = d.str()
	return ok
}

// keepSamples returns a copy of xs (never nil) in the arena.
func (d *fastDecoder) keepSamples(xs []float64) []float64 {
	if len(xs) == 0 {
		return []float64{} // as encoding/json decodes []
	}
	if cap(d.arena)-len(d.arena) < len(xs) {
		d.arena = make([]float64, 0, max(len(xs), 4096))
	}
	n := len(d.arena)
	d.arena = append(d.arena, xs...)
	return d.arena[n : n+len(xs) : n+len(xs)] // appending to it copies
}

// stringTo is internTo, or with view set (a skipped metric's field, only
// checked) a view of the line, which must not outlive it.
func (d *fastDecoder) stringTo(dst *string, view bool) bool {
	if !view {
		return d.internTo(dst)
	}
	b, ok := d.raw()
	*dst = unsafe.String(unsafe.SliceData(b), len(b))
	return ok
}

// internTo reads a string that many notes repeat (a metric's name, unit or
// direction, a suite) into dst, as one shared copy.
func (d *fastDecoder) internTo(dst *string) bool {
	b, ok := d.raw()
	*dst = intern(b)
	return ok
}

func (d *fastDecoder) meta(m *recordMeta) bool {
	var seen fields
	return d.object(func(key []byte) bool {
		var dst *string
		var bit fields
		intern := true
		switch string(key) {
		case "branch":
			dst, bit = &m.Branch, 1
		case "commit":
			dst, bit, intern = &m.Commit, 2, false
		case "environment":
			dst, bit = &m.Environment, 4
		case "format":
			dst, bit = &m.Format, 8
		case "source":
			dst, bit = &m.Source, 16
		case "suite":
			dst, bit = &m.Suite, 32
		case "timestamp":
			dst, bit, intern = &m.Timestamp, 64, false
		case "machine":
			if !seen.first(256) {
				return false
			}
			m.Machine = &Machine{}
			return d.machine(m.Machine)
		case "tags":
			if !seen.first(128) {
				return false
			}
			m.Tags = map[string]string{}
			return d.object(func(k []byte) bool {
				if _, dup := m.Tags[string(k)]; dup {
					return false
				}
				v, ok := d.str()
				m.Tags[string(k)] = v
				return ok
			})
		default:
			return false
		}
		if intern {
			return seen.first(bit) && d.internTo(dst)
		}
		return seen.first(bit) && d.strTo(dst)
	})
}

// machine reads meta.machine; a CPU count that is not a whole number
// leaves the line to encoding/json, which refuses it.
func (d *fastDecoder) machine(m *Machine) bool {
	var seen fields
	return d.object(func(key []byte) bool {
		switch string(key) {
		case "arch":
			return seen.first(1) && d.internTo(&m.Arch)
		case "cpu":
			return seen.first(2) && d.internTo(&m.CPU)
		case "os":
			return seen.first(4) && d.internTo(&m.OS)
		case "cpus":
			v, ok := d.numberOrCheck(true)
			if !ok || !seen.first(8) || v != math.Trunc(v) || math.Abs(v) > 1<<30 {
				return false
			}
			m.CPUs = int(v)
			return true
		}
		return false
	})
}

func (d *fastDecoder) metrics(r *record) bool {
	r.list = make([]namedMetric, 0, 1)
	d.skippedKeys = d.skippedKeys[:0]
	ok := d.next('{')
	if ok && !d.next('}') {
		for ok = d.metric(r); ok && !d.next('}'); ok = d.metric(r) {
			if !d.next(',') {
				return false
			}
		}
	}
	if !ok {
		return false
	}
	// json.Unmarshal keeps the last of a repeated key: refuse those. (A
	// key is listed or skipped, never both.)
	if !slices.IsSorted(d.skippedKeys) {
		slices.Sort(d.skippedKeys)
	}
	for i := 1; i < len(d.skippedKeys); i++ {
		if d.skippedKeys[i] == d.skippedKeys[i-1] {
			return false
		}
	}
	slices.SortFunc(r.list, func(a, b namedMetric) int { return strings.Compare(a.key, b.key) })
	for i := 1; i < len(r.list); i++ {
		if r.list[i].key == r.list[i-1].key {
			return false
		}
	}
	r.skipped = len(d.skippedKeys) > 0
	return true
}

// metric reads one member of "metrics". A metric the filter skips, and
// whose bytes the decoder's checked set holds (the same key and value as a
// metric it checked in an earlier line or note), is passed over without
// being read again.
func (d *fastDecoder) metric(r *record) bool {
	c := d.checked
	slot := -1
	var rawKey []byte
	d.space()
	if n := c.at(d.b[d.i:]); n > 0 {
		slot, rawKey = c.cursor, d.b[d.i+1:d.i+n-1]
		d.i += n
	} else {
		var ok bool
		if rawKey, ok = d.raw(); !ok {
			return false
		}
		slot = c.find(rawKey)
	}
	if !d.next(':') {
		return false
	}
	d.space()
	start := d.i
	if slot >= 0 {
		c.cursor = slot + 1
		// The value of a canonical metric ends at its first '}'. (If
		// one of its strings holds a '}', it is not found, and is read.)
		if e := bytes.IndexByte(d.b[start:], '}'); e >= 0 && c.has(slot, d.b[start:start+e+1]) {
			d.i += e + 1
			d.skippedKeys = append(d.skippedKeys, c.slots[slot].key)
			return true
		}
	}
	var m namedMetric
	// A key the filter leaves out is not copied (nor interned): a view
	// of the line serves the checks of decodeFast and DecodeRecord
	// (empty, repeated), which end before the line does. keep sees the
	// key as DecodeRecord's snapshot would (Printable).
	if view := unsafe.String(unsafe.SliceData(rawKey), len(rawKey)); slot >= 0 || d.keep != nil && !d.keep(Printable(view)) {
		m.skip, m.key = true, view
	} else {
		m.key = intern(rawKey)
	}
	var seen fields
	ok := d.object(func(field []byte) bool {
		switch string(field) {
		case "direction":
			return seen.first(1) && d.stringTo(&m.Direction, m.skip)
		case "unit":
			return seen.first(2) && d.stringTo(&m.Unit, m.skip)
		case "samples":
			if !seen.first(4) || !d.next('[') {
				return false
			}
			// Read into the scratch slice, then (a kept metric) into
			// the record's arena at its exact size: one allocation per
			// few thousand samples instead of five per metric.
			m.Samples = d.scratch[:0]
			done := d.next(']')
			for !done {
				v, ok := d.numberOrCheck(!m.skip)
				if !ok {
					return false
				}
				m.Samples = append(m.Samples, v)
				if done = d.next(']'); !done && !d.next(',') {
					return false
				}
			}
			if !m.skip {
				d.scratch, m.Samples = m.Samples[:0], d.keepSamples(m.Samples)
			}
			return true
		}
		return false // a key json.Unmarshal would ignore
	})
	if !m.skip {
		r.list = append(r.list, m)
		return ok
	}
	// A skipped metric is not listed. What DecodeRecord would refuse
	// in it (an empty key, no samples, an unknown direction) sends
	// the line to the reference decoder, which says which metric
	// fails first, as without a filter.
	d.scratch = m.Samples[:0]
	if _, err := ParseDirection(m.Direction); !ok || err != nil || m.key == "" || len(m.Samples) == 0 {
		return false
	}
	if slot < 0 {
		slot = c.add(rawKey)
		c.cursor = slot + 1
	}
	if v := d.b[start:d.i]; slot >= 0 && bytes.IndexByte(v, '}') == len(v)-1 {
		c.remember(slot, v)
		m.key = c.slots[slot].key
	}
	d.skippedKeys = append(d.skippedKeys, m.key)
	return true
}

// interned holds one copy of the strings that notes repeat. It stops
// growing at internMax entries, so a history of hostile notes cannot make it
// large; past that, strings are simply copied.
var interned struct {
	sync.RWMutex
	m map[string]string
}

const internMax = 4096

func intern(b []byte) string {
	interned.RLock()
	s, ok := interned.m[string(b)]
	interned.RUnlock()
	if ok {
		return s
	}
	s = string(b)
	interned.Lock()
	if interned.m == nil {
		interned.m = map[string]string{}
	}
	if len(interned.m) < internMax {
		interned.m[s] = s
	}
	interned.Unlock()
	return s
}
