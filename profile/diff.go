package profile

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
)

// DiffOptions choose what Diff compares.
type DiffOptions struct {
	// SampleType is a sample type name (or index) present on both sides;
	// "" uses the base profile's default.
	SampleType string
	// BasePerOp and HeadPerOp are the centres of a linked time-per-op metric
	// on each side (0 = not linked). When both are set, each function gets
	// its flat share times the centre, in PerOpUnit.
	BasePerOp, HeadPerOp float64
	// PerOpUnit is the unit of BasePerOp/HeadPerOp, as the metric states it
	// ("sec/op" when empty). Text output scales sec/op and ns/op to ns…s.
	PerOpUnit string
	// Top keeps only the first Top functions after sorting (0 = all).
	Top int
}

// FunctionDiff is one function's change between base and head. Shares are
// in percent of that side's total; deltas in percentage points.
type FunctionDiff struct {
	Name         string  `json:"name"`
	BaseFlat     int64   `json:"base_flat"`
	HeadFlat     int64   `json:"head_flat"`
	BaseFlatPct  float64 `json:"base_flat_pct"`
	HeadFlatPct  float64 `json:"head_flat_pct"`
	DeltaFlatPct float64 `json:"delta_flat_pct"`
	BaseCumPct   float64 `json:"base_cum_pct"`
	HeadCumPct   float64 `json:"head_cum_pct"`
	DeltaCumPct  float64 `json:"delta_cum_pct"`
	// Per-op attribution, set only when the diff is linked to a metric.
	BaseFlatPerOp  *float64 `json:"base_flat_per_op,omitempty"`
	HeadFlatPerOp  *float64 `json:"head_flat_per_op,omitempty"`
	DeltaFlatPerOp *float64 `json:"delta_flat_per_op,omitempty"`

	BaseCum int64 `json:"-"`
	HeadCum int64 `json:"-"`
}

// DiffResult is the function-level comparison of two profiles, sorted by
// |DeltaFlatPct| descending, ties by name.
type DiffResult struct {
	SampleType string
	Unit       string
	BaseTotal  int64
	HeadTotal  int64
	// Linked reports whether per-op values are set; PerOpUnit is their unit.
	Linked    bool
	PerOpUnit string
	Functions []FunctionDiff

	base, head       *Profile
	baseIdx, headIdx int
}

// Diff compares base and head on one sample type, normalising each side
// to its own total. Both profiles must carry that sample type with the
// same unit. The two sides are aggregated in parallel.
func Diff(base, head *Profile, opts DiffOptions) (*DiffResult, error) {
	bi, err := base.SampleIndex(opts.SampleType)
	if err != nil {
		return nil, err
	}
	st := base.SampleTypes[bi]
	hi, err := head.SampleIndex(st.Type)
	if err != nil {
		return nil, err
	}
	if hu := head.SampleTypes[hi].Unit; hu != st.Unit {
		return nil, fmt.Errorf("sample type %s: unit %s in base, %s in head", st.Type, st.Unit, hu)
	}
	var ba, ha *Aggregate
	var wg sync.WaitGroup
	wg.Go(func() { ha = head.aggregate(hi) })
	ba = base.aggregate(bi)
	wg.Wait()

	r := &DiffResult{SampleType: st.Type, Unit: st.Unit, BaseTotal: ba.Total, HeadTotal: ha.Total,
		base: base, head: head, baseIdx: bi, headIdx: hi}
	r.Linked = opts.BasePerOp != 0 && opts.HeadPerOp != 0
	if r.Linked {
		r.PerOpUnit = opts.PerOpUnit
		if r.PerOpUnit == "" {
			r.PerOpUnit = "sec/op"
		}
	}
	pct := func(v, total int64) float64 {
		if total == 0 {
			return 0
		}
		return 100 * float64(v) / float64(total)
	}
	// Head names → head ids; walk base, then head-only names.
	hid := make(map[string]int32, len(ha.Names))
	for i, n := range ha.Names {
		hid[n] = int32(i)
	}
	seen := make([]bool, len(ha.Names))
	fs := make([]FunctionDiff, 0, len(ba.Names)+len(ha.Names)/8)
	add := func(name string, bf, bc, hf, hc int64) {
		if bf == 0 && bc == 0 && hf == 0 && hc == 0 {
			return
		}
		f := FunctionDiff{Name: name, BaseFlat: bf, HeadFlat: hf, BaseCum: bc, HeadCum: hc,
			BaseFlatPct: pct(bf, ba.Total), HeadFlatPct: pct(hf, ha.Total),
			BaseCumPct: pct(bc, ba.Total), HeadCumPct: pct(hc, ha.Total)}
		f.DeltaFlatPct = f.HeadFlatPct - f.BaseFlatPct
		f.DeltaCumPct = f.HeadCumPct - f.BaseCumPct
		if r.Linked {
			b := f.BaseFlatPct / 100 * opts.BasePerOp
			h := f.HeadFlatPct / 100 * opts.HeadPerOp
			d := h - b
			f.BaseFlatPerOp, f.HeadFlatPerOp, f.DeltaFlatPerOp = &b, &h, &d
		}
		fs = append(fs, f)
	}
	for i, n := range ba.Names {
		var hf, hc int64
		if j, ok := hid[n]; ok {
			seen[j] = true
			hf, hc = ha.Flat[j], ha.Cum[j]
		}
		add(n, ba.Flat[i], ba.Cum[i], hf, hc)
	}
	for j, n := range ha.Names {
		if !seen[j] {
			add(n, 0, 0, ha.Flat[j], ha.Cum[j])
		}
	}
	slices.SortFunc(fs, func(a, b FunctionDiff) int {
		da, db := math.Abs(a.DeltaFlatPct), math.Abs(b.DeltaFlatPct)
		if da != db {
			if da > db {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Name, b.Name)
	})
	if opts.Top > 0 && len(fs) > opts.Top {
		fs = fs[:opts.Top:opts.Top]
	}
	r.Functions = fs
	return r, nil
}

// ParsePair parses a base and a head profile concurrently (the two sides
// of a diff decode independently). Errors are *Error.
func ParsePair(base []byte, baseName string, head []byte, headName string) (b, h *Profile, err error) {
	var herr error
	var wg sync.WaitGroup
	wg.Go(func() { h, herr = Parse(head, headName) })
	b, err = Parse(base, baseName)
	wg.Wait()
	if err != nil {
		return nil, nil, err
	}
	if herr != nil {
		return nil, nil, herr
	}
	return b, h, nil
}
