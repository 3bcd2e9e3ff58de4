package profile

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// This file is a structural decoder for profile.proto that builds the
// compact form directly, without the per-sample allocations of
// google/pprof's decoder. Field numbers are those of
// github.com/google/pprof/proto/profile.proto.

var errTrunc = errors.New("truncated protobuf")

type pbuf struct {
	b []byte
	i int
}

func (d *pbuf) varint() (uint64, error) {
	var x uint64
	for shift := uint(0); shift < 64; shift += 7 {
		if d.i >= len(d.b) {
			return 0, errTrunc
		}
		c := d.b[d.i]
		d.i++
		x |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return x, nil
		}
	}
	return 0, errors.New("varint overflow")
}

// field reads the next tag; for wire type 2 it also returns the payload.
func (d *pbuf) field() (num int, wire int, v uint64, payload []byte, err error) {
	t, err := d.varint()
	if err != nil {
		return
	}
	num, wire = int(t>>3), int(t&7)
	if num <= 0 || t>>3 > math.MaxInt32 {
		err = fmt.Errorf("bad field number %d", t>>3)
		return
	}
	switch wire {
	case 0:
		v, err = d.varint()
	case 1:
		if len(d.b)-d.i < 8 {
			err = errTrunc
			return
		}
		v = binary.LittleEndian.Uint64(d.b[d.i:])
		d.i += 8
	case 5:
		if len(d.b)-d.i < 4 {
			err = errTrunc
			return
		}
		v = uint64(binary.LittleEndian.Uint32(d.b[d.i:]))
		d.i += 4
	case 2:
		var n uint64
		n, err = d.varint()
		if err != nil {
			return
		}
		if n > uint64(len(d.b)-d.i) {
			err = errTrunc
			return
		}
		payload = d.b[d.i : d.i+int(n)]
		d.i += int(n)
	default:
		err = fmt.Errorf("unsupported wire type %d", wire)
	}
	return
}

// repeated calls f for each element of a repeated varint field, packed
// (wire 2) or not (wire 0).
func repeated(wire int, v uint64, payload []byte, f func(uint64)) error {
	if wire == 0 {
		f(v)
		return nil
	}
	if wire != 2 {
		return fmt.Errorf("bad wire type %d for repeated integer", wire)
	}
	// Fast path for packed varints.
	for i := 0; i < len(payload); {
		c := payload[i]
		if c < 0x80 {
			f(uint64(c))
			i++
			continue
		}
		x, n := binary.Uvarint(payload[i:])
		if n <= 0 {
			return errors.New("bad packed varint")
		}
		f(x)
		i += n
	}
	return nil
}

type rawLoc struct {
	id, mapping, addr uint64
	lines             []uint64 // function ids
}

// idIndex maps ids to dense indexes: a slice when ids are small, else a map.
type idIndex struct {
	dense []int32
	m     map[uint64]int32
}

func newIDIndex(ids []uint64) (idIndex, error) {
	var mx uint64
	for _, id := range ids {
		mx = max(mx, id)
	}
	var x idIndex
	if mx <= uint64(4*len(ids)+64) {
		x.dense = make([]int32, mx+1)
		for i := range x.dense {
			x.dense[i] = -1
		}
	} else {
		x.m = make(map[uint64]int32, len(ids))
	}
	for i, id := range ids {
		if id == 0 {
			return x, errors.New("id 0")
		}
		if _, ok := x.get(id); ok {
			return x, fmt.Errorf("duplicate id %d", id)
		}
		if x.dense != nil {
			x.dense[id] = int32(i)
		} else {
			x.m[id] = int32(i)
		}
	}
	return x, nil
}

func (x idIndex) get(id uint64) (int32, bool) {
	if x.dense != nil {
		if id < uint64(len(x.dense)) && x.dense[id] >= 0 {
			return x.dense[id], true
		}
		return -1, false
	}
	i, ok := x.m[id]
	return i, ok
}

func decodePprof(data []byte, name string) (*Profile, error) {
	p, err := decodePprof1(data, name)
	if err != nil {
		return nil, &Error{File: name, Msg: "malformed pprof protobuf: " + err.Error()}
	}
	return p, nil
}

func decodePprof1(data []byte, name string) (*Profile, error) {
	var (
		strs       []string
		typeX      [][2]uint64
		funcIDs    []uint64
		funcNameX  []uint64
		locs       []rawLoc
		mapIDs     []uint64
		nSamples   int
		nLocs      int
		defTypeX   uint64
		periodType []byte
	)
	// Pass 1: everything but samples.
	d := pbuf{b: data}
	for d.i < len(d.b) {
		num, wire, v, pl, err := d.field()
		if err != nil {
			return nil, err
		}
		need2 := func() error {
			if wire != 2 {
				return fmt.Errorf("field %d: wire type %d, want 2", num, wire)
			}
			return nil
		}
		switch num {
		case 1: // sample_type
			if err := need2(); err != nil {
				return nil, err
			}
			t, u, err := decodeValueType(pl)
			if err != nil {
				return nil, fmt.Errorf("sample_type: %v", err)
			}
			typeX = append(typeX, [2]uint64{t, u})
		case 2:
			if err := need2(); err != nil {
				return nil, err
			}
			nSamples++
			nLocs += countLocations(pl)
		case 3: // mapping
			if err := need2(); err != nil {
				return nil, err
			}
			id, err := decodeFirstVarint(pl, 1)
			if err != nil {
				return nil, fmt.Errorf("mapping: %v", err)
			}
			mapIDs = append(mapIDs, id)
		case 4: // location
			if err := need2(); err != nil {
				return nil, err
			}
			l, err := decodeLocation(pl)
			if err != nil {
				return nil, fmt.Errorf("location: %v", err)
			}
			locs = append(locs, l)
		case 5: // function
			if err := need2(); err != nil {
				return nil, err
			}
			id, nx, err := decodeFunction(pl)
			if err != nil {
				return nil, fmt.Errorf("function: %v", err)
			}
			funcIDs = append(funcIDs, id)
			funcNameX = append(funcNameX, nx)
		case 6: // string_table
			if err := need2(); err != nil {
				return nil, err
			}
			strs = append(strs, string(pl))
		case 11: // period_type
			if err := need2(); err != nil {
				return nil, err
			}
			periodType = pl
		case 14: // default_sample_type
			if wire != 0 {
				return nil, errors.New("default_sample_type: bad wire type")
			}
			defTypeX = v
		}
	}
	if len(strs) == 0 || strs[0] != "" {
		return nil, errors.New("string_table[0] must be \"\"")
	}
	str := func(x uint64) (string, error) {
		if x >= uint64(len(strs)) {
			return "", fmt.Errorf("string index %d out of range (%d strings)", x, len(strs))
		}
		return strs[x], nil
	}
	if periodType != nil {
		t, u, err := decodeValueType(periodType)
		if err == nil {
			_, err = str(t)
		}
		if err == nil {
			_, err = str(u)
		}
		if err != nil {
			return nil, fmt.Errorf("period_type: %v", err)
		}
	}
	if len(typeX) == 0 {
		return nil, errors.New("no sample types")
	}
	p := &Profile{Kind: KindPprof, file: name}
	for _, tx := range typeX {
		t, err := str(tx[0])
		if err != nil {
			return nil, err
		}
		u, err := str(tx[1])
		if err != nil {
			return nil, err
		}
		p.SampleTypes = append(p.SampleTypes, SampleType{t, u})
	}
	def, err := str(defTypeX)
	if err != nil {
		return nil, fmt.Errorf("default_sample_type: %v", err)
	}
	p.DefaultSampleType = defaultType(p.SampleTypes, def)

	// Functions → dense name ids (equal names share one id).
	fidx, err := newIDIndex(funcIDs)
	if err != nil {
		return nil, fmt.Errorf("function: %v", err)
	}
	nameOfStr := make(map[uint64]int32, len(funcIDs))
	funcName := make([]int32, len(funcIDs))
	intern := p.interner(len(funcIDs))
	for i, nx := range funcNameX {
		id, ok := nameOfStr[nx]
		if !ok {
			s, err := str(nx)
			if err != nil {
				return nil, fmt.Errorf("function %d name: %v", funcIDs[i], err)
			}
			id = intern(s)
			nameOfStr[nx] = id
		}
		funcName[i] = id
	}
	midx, err := newIDIndex(mapIDs)
	if err != nil {
		return nil, fmt.Errorf("mapping: %v", err)
	}
	// Locations → frames.
	locIDs := make([]uint64, len(locs))
	p.locStart = make([]int32, 1, len(locs)+1)
	for i, l := range locs {
		locIDs[i] = l.id
		if l.mapping != 0 {
			if _, ok := midx.get(l.mapping); !ok {
				return nil, fmt.Errorf("location %d: unknown mapping id %d", l.id, l.mapping)
			}
		}
		if len(l.lines) == 0 {
			p.locFrames = append(p.locFrames, intern(addrName(l.addr)))
		}
		for _, fid := range l.lines {
			if fid == 0 {
				p.locFrames = append(p.locFrames, intern("?"))
				continue
			}
			fi, ok := fidx.get(fid)
			if !ok {
				return nil, fmt.Errorf("location %d: unknown function id %d", l.id, fid)
			}
			p.locFrames = append(p.locFrames, funcName[fi])
		}
		p.locStart = append(p.locStart, int32(len(p.locFrames)))
	}
	lidx, err := newIDIndex(locIDs)
	if err != nil {
		return nil, fmt.Errorf("location: %v", err)
	}

	// Pass 2: samples.
	nt := len(p.SampleTypes)
	p.smpStart = make([]int32, 1, nSamples+1)
	p.values = make([]int64, 0, nSamples*nt)
	p.smpLocs = make([]int32, 0, nLocs)
	d = pbuf{b: data}
	var bad error
	for d.i < len(d.b) {
		num, _, _, pl, err := d.field()
		if err != nil {
			return nil, err
		}
		if num != 2 {
			continue
		}
		s := pbuf{b: pl}
		nv := 0
		for s.i < len(s.b) {
			fn, w, v, spl, err := s.field()
			if err != nil {
				return nil, fmt.Errorf("sample: %v", err)
			}
			switch fn {
			case 1:
				if w == 2 {
					// Packed location ids: the hot loop, kept free of calls.
					for i := 0; i < len(spl); {
						id := uint64(spl[i])
						i++
						if id >= 0x80 {
							x, n := binary.Uvarint(spl[i-1:])
							if n <= 0 {
								return nil, errors.New("sample: bad packed varint")
							}
							id, i = x, i-1+n
						}
						var li int32 = -1
						if lidx.dense != nil {
							if id < uint64(len(lidx.dense)) {
								li = lidx.dense[id]
							}
						} else if x, ok := lidx.m[id]; ok {
							li = x
						}
						if li < 0 {
							return nil, fmt.Errorf("sample: unknown location id %d", id)
						}
						p.smpLocs = append(p.smpLocs, li)
					}
				} else {
					err = repeated(w, v, spl, func(id uint64) {
						li, ok := lidx.get(id)
						if !ok {
							if bad == nil {
								bad = fmt.Errorf("sample: unknown location id %d", id)
							}
							return
						}
						p.smpLocs = append(p.smpLocs, li)
					})
				}
			case 2:
				err = repeated(w, v, spl, func(x uint64) {
					nv++
					p.values = append(p.values, int64(x))
				})
			}
			if err != nil {
				return nil, fmt.Errorf("sample: %v", err)
			}
			if bad != nil {
				return nil, bad
			}
		}
		if nv != nt {
			return nil, fmt.Errorf("sample %d has %d values, want %d (one per sample type)", len(p.smpStart), nv, nt)
		}
		if len(p.smpLocs) > math.MaxInt32 {
			return nil, errors.New("too many locations in samples")
		}
		p.smpStart = append(p.smpStart, int32(len(p.smpLocs)))
	}
	return p, nil
}

// decodeValueType reads a ValueType message: type (1) and unit (2), both
// string-table indexes.
func decodeValueType(b []byte) (t, u uint64, err error) { return decodeVarints12(b) }

// decodeVarints12 reads the varint fields 1 and 2 of a message (the last
// occurrence of each wins, as in protobuf).
func decodeVarints12(b []byte) (f1, f2 uint64, err error) {
	d := pbuf{b: b}
	for d.i < len(d.b) {
		num, wire, v, _, e := d.field()
		if e != nil {
			return 0, 0, e
		}
		if wire == 0 {
			switch num {
			case 1:
				f1 = v
			case 2:
				f2 = v
			}
		}
	}
	return
}

func decodeFirstVarint(b []byte, field int) (uint64, error) {
	d := pbuf{b: b}
	var out uint64
	for d.i < len(d.b) {
		num, wire, v, _, err := d.field()
		if err != nil {
			return 0, err
		}
		if num == field && wire == 0 {
			out = v
		}
	}
	return out, nil
}

// decodeFunction reads a Function message: id (1) and name (2).
func decodeFunction(b []byte) (id, nameX uint64, err error) { return decodeVarints12(b) }

func decodeLocation(b []byte) (rawLoc, error) {
	var l rawLoc
	d := pbuf{b: b}
	for d.i < len(d.b) {
		num, wire, v, pl, err := d.field()
		if err != nil {
			return l, err
		}
		switch {
		case num == 1 && wire == 0:
			l.id = v
		case num == 2 && wire == 0:
			l.mapping = v
		case num == 3 && wire == 0:
			l.addr = v
		case num == 4 && wire == 2:
			fid, err := decodeFirstVarint(pl, 1)
			if err != nil {
				return l, fmt.Errorf("line: %v", err)
			}
			l.lines = append(l.lines, fid)
		}
	}
	return l, nil
}

// countLocations counts the location ids of an encoded Sample without
// decoding it, to size the sample tables exactly. Malformed input gives a
// best-effort count; pass 2 reports the error.
func countLocations(b []byte) int {
	d := pbuf{b: b}
	n := 0
	for d.i < len(d.b) {
		num, wire, _, pl, err := d.field()
		if err != nil {
			return n
		}
		if num != 1 {
			continue
		}
		if wire == 0 {
			n++
			continue
		}
		for _, c := range pl {
			if c < 0x80 {
				n++
			}
		}
	}
	return n
}
