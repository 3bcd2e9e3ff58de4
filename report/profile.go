package report

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/flameiq/git-flameiq/profile"
)

// The `git flameiq profile diff` outputs of a profile.DiffResult: text,
// JSON and the flame graph page (flamegraph.go). The folded form is
// profile.WriteFolded's: it is an input of flamegraph.pl, not a report.

// ProfileMeta names what a profile diff compares: full commit ids and the
// profile name (e.g. "cpu"); Reason, when set, is how the base was
// resolved, said in the text's first line.
type ProfileMeta struct {
	BaseCommit, HeadCommit, Name string
	Reason                       string
}

// ProfileText writes r as a pprof -top-like table: for each function, in
// r's order, the flat share of base and head and the change in percentage
// points, the same for cumulative shares, the per-op change when linked,
// and the name. With m.Reason it starts with "profile NAME (TYPE): REASON".
func ProfileText(w io.Writer, r *profile.DiffResult, m ProfileMeta) error {
	bw := bufio.NewWriter(w)
	if m.Reason != "" {
		fmt.Fprintf(bw, "profile %s (%s): %s\n\n", m.Name, r.SampleType, m.Reason)
	}
	fmt.Fprintf(bw, "Type: %s (%s), values normalised to each side's total\n", r.SampleType, r.Unit)
	fmt.Fprintf(bw, "Base total: %s, head total: %s\n", profileValue(r.BaseTotal, r.Unit), profileValue(r.HeadTotal, r.Unit))
	// Written out: %Ns pads bytes, and Δ is two.
	bw.WriteString("base flat% head flat%    Δ flat  base cum%  head cum%     Δ cum")
	if r.Linked {
		bw.WriteString("      Δ per op")
	}
	fmt.Fprintln(bw, "  function")
	for _, f := range r.Functions {
		fmt.Fprintf(bw, "%9.2f%% %9.2f%% %+9.2f %9.2f%% %9.2f%% %+9.2f",
			f.BaseFlatPct, f.HeadFlatPct, f.DeltaFlatPct, f.BaseCumPct, f.HeadCumPct, f.DeltaCumPct)
		if r.Linked {
			fmt.Fprintf(bw, " %13s", profilePerOp(*f.DeltaFlatPerOp, r.PerOpUnit, true))
		}
		fmt.Fprintf(bw, "  %s\n", f.Name)
	}
	if len(r.Functions) == 0 {
		fmt.Fprintln(bw, "(no functions)")
	}
	return bw.Flush()
}

type jsonProfileDiff struct {
	BaseCommit string                 `json:"base_commit"`
	HeadCommit string                 `json:"head_commit"`
	Name       string                 `json:"name"`
	SampleType string                 `json:"sample_type"`
	Unit       string                 `json:"unit"`
	BaseTotal  int64                  `json:"base_total"`
	HeadTotal  int64                  `json:"head_total"`
	PerOpUnit  string                 `json:"per_op_unit,omitempty"`
	Functions  []profile.FunctionDiff `json:"functions"`
}

// ProfileJSON writes r as one indented JSON object: {base_commit,
// head_commit, name, sample_type, unit, base_total, head_total,
// per_op_unit (when linked), functions: [{name, base_flat, head_flat,
// base_flat_pct, head_flat_pct, delta_flat_pct, base_cum_pct, head_cum_pct,
// delta_cum_pct[, base_flat_per_op, head_flat_per_op, delta_flat_per_op]}]};
// docs/schema/profile-diff.schema.json describes every field.
func ProfileJSON(w io.Writer, r *profile.DiffResult, m ProfileMeta) error {
	fs := r.Functions
	if fs == nil {
		fs = []profile.FunctionDiff{}
	}
	e := json.NewEncoder(w)
	e.SetIndent("", "  ")
	return e.Encode(jsonProfileDiff{m.BaseCommit, m.HeadCommit, m.Name, r.SampleType, r.Unit,
		r.BaseTotal, r.HeadTotal, r.PerOpUnit, fs})
}

// profileValue formats a sample value in its unit: nanoseconds as a
// duration, bytes with a decimal prefix, anything else as a number and
// the unit.
func profileValue(v int64, unit string) string {
	switch unit {
	case "nanoseconds":
		return scaleSeconds(float64(v)*1e-9, false)
	case "bytes":
		f := float64(v)
		for _, p := range []struct {
			s string
			m float64
		}{{"GB", 1e9}, {"MB", 1e6}, {"kB", 1e3}} {
			if math.Abs(f) >= p.m {
				return trim3(f/p.m, false) + p.s
			}
		}
		return strconv.FormatInt(v, 10) + "B"
	case "count", "":
		return strconv.FormatInt(v, 10)
	}
	return strconv.FormatInt(v, 10) + " " + unit
}

// profilePerOp formats a per-op value in unit (the metric's unit): sec/op,
// s/op and ns/op are scaled to ns, µs, ms or s ("+427µs/op"); other units
// print with 3 significant digits. sign forces a leading + on positives.
func profilePerOp(v float64, unit string, sign bool) string {
	switch unit {
	case "sec/op", "s/op", "seconds/op":
		return scaleSeconds(v, sign) + "/op"
	case "ns/op":
		return scaleSeconds(v*1e-9, sign) + "/op"
	}
	f := "%.3g %s"
	if sign {
		f = "%+.3g %s"
	}
	return fmt.Sprintf(f, v, unit)
}

func scaleSeconds(s float64, sign bool) string {
	a := math.Abs(s)
	switch {
	case a == 0:
		return trim3(0, sign) + "s"
	case a < 1e-6:
		return trim3(s*1e9, sign) + "ns"
	case a < 1e-3:
		return trim3(s*1e6, sign) + "µs"
	case a < 1:
		return trim3(s*1e3, sign) + "ms"
	}
	return trim3(s, sign) + "s"
}

// trim3 prints about three significant digits: 427, 42.7, 4.27.
func trim3(v float64, sign bool) string {
	a := math.Abs(v)
	prec := 2
	switch {
	case a >= 99.95:
		prec = 0
	case a >= 9.995:
		prec = 1
	}
	s := strconv.FormatFloat(v, 'f', prec, 64)
	if sign && v >= 0 {
		s = "+" + s
	}
	return s
}
