package snapshot

import (
	"strconv"
	"unicode/utf8"
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
func decodeFast(line []byte, r *record) bool {
	d := fastDecoder{b: line}
	ok := d.record(r)
	d.space()
	return ok && d.i == len(d.b)
}

type fastDecoder struct {
	b []byte
	i int
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
func (d *fastDecoder) object(field func(key string) bool) bool {
	if !d.next('{') {
		return false
	}
	if d.next('}') {
		return true
	}
	for {
		key, ok := d.str()
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

// str reads a string without escapes or control characters, in valid UTF-8
// (json.Unmarshal would rewrite any of those).
func (d *fastDecoder) str() (string, bool) {
	if !d.next('"') {
		return "", false
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
				return "", false
			}
			return string(s), true
		case c == '\\' || c < 0x20:
			return "", false
		case c >= 0x80:
			ascii = false
		}
		d.i++
	}
	return "", false
}

// number reads a JSON number (its exact grammar: strconv alone would also
// take "Inf", hex and underscores) that fits a float64.
func (d *fastDecoder) number() (float64, bool) {
	d.space()
	b, start := d.b, d.i
	i := d.i
	if i < len(b) && b[i] == '-' {
		i++
	}
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
			i++
		}
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return 0, false
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
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
type fields uint8

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
	return d.object(func(key string) bool {
		switch key {
		case "id":
			return seen.first(1) && d.strTo(&r.ID)
		case "schema":
			return seen.first(2) && d.strTo(&r.Schema)
		case "meta":
			return seen.first(4) && d.meta(&r.Meta)
		case "metrics":
			return seen.first(8) && d.metrics(r)
		}
		return false
	})
}

// strTo reads a string (see str) into dst.
func (d *fastDecoder) strTo(dst *string) bool {
	var ok bool
	*dst, ok = d.str()
	return ok
}

func (d *fastDecoder) meta(m *recordMeta) bool {
	var seen fields
	return d.object(func(key string) bool {
		var dst *string
		var bit fields
		switch key {
		case "branch":
			dst, bit = &m.Branch, 1
		case "commit":
			dst, bit = &m.Commit, 2
		case "environment":
			dst, bit = &m.Environment, 4
		case "format":
			dst, bit = &m.Format, 8
		case "source":
			dst, bit = &m.Source, 16
		case "suite":
			dst, bit = &m.Suite, 32
		case "timestamp":
			dst, bit = &m.Timestamp, 64
		case "tags":
			if !seen.first(128) {
				return false
			}
			m.Tags = map[string]string{}
			return d.object(func(k string) bool {
				if _, dup := m.Tags[k]; dup {
					return false
				}
				v, ok := d.str()
				m.Tags[k] = v
				return ok
			})
		default:
			return false
		}
		return seen.first(bit) && d.strTo(dst)
	})
}

func (d *fastDecoder) metrics(r *record) bool {
	r.Metrics = map[string]recordMetric{}
	return d.object(func(key string) bool {
		if _, dup := r.Metrics[key]; dup {
			return false
		}
		var m recordMetric
		var seen fields
		ok := d.object(func(field string) bool {
			switch field {
			case "direction":
				return seen.first(1) && d.strTo(&m.Direction)
			case "unit":
				return seen.first(2) && d.strTo(&m.Unit)
			case "samples":
				if !seen.first(4) || !d.next('[') {
					return false
				}
				m.Samples = []float64{}
				if d.next(']') {
					return true
				}
				for {
					v, ok := d.number()
					if !ok {
						return false
					}
					m.Samples = append(m.Samples, v)
					if d.next(']') {
						return true
					}
					if !d.next(',') {
						return false
					}
				}
			}
			return false // a key json.Unmarshal would ignore
		})
		r.Metrics[key] = m
		return ok
	})
}
