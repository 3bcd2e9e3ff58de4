package profile

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	golden_ "github.com/flameiq/git-flameiq/internal/golden"
)

const corpus = "../testdata/corpus/profiles"

func readCorpus(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(corpus, rel))
	if err != nil {
		t.Fatalf("corpus not available: %v", err)
	}
	return b
}

func parseCorpus(t testing.TB, rel string) *Profile {
	t.Helper()
	p, err := Parse(readCorpus(t, rel), rel)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func diffCorpus(t *testing.T, base, head string, o DiffOptions) *DiffResult {
	t.Helper()
	r, err := Diff(parseCorpus(t, base), parseCorpus(t, head), o)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestCorpusCPUInjectedFunctionFirst(t *testing.T) {
	r := diffCorpus(t, "go-cpu/cpu-base.pprof", "go-cpu/cpu-head.pprof",
		DiffOptions{BasePerOp: 446646e-9, HeadPerOp: 854202e-9})
	if r.SampleType != "cpu" || r.Unit != "nanoseconds" {
		t.Errorf("sample type %s/%s, want cpu/nanoseconds", r.SampleType, r.Unit)
	}
	f := r.Functions[0]
	if f.Name != "profgen2.escapeSlow" {
		t.Fatalf("first function %q, want profgen2.escapeSlow", f.Name)
	}
	if math.Abs(f.DeltaFlatPct-50) > 5 {
		t.Errorf("escapeSlow Δ flat %.2f points, want ≈ +50", f.DeltaFlatPct)
	}
	// Half of 854 µs/op ≈ 427 µs/op.
	if d := *f.DeltaFlatPerOp; math.Abs(d-427e-6) > 30e-6 {
		t.Errorf("escapeSlow Δ per op %g s, want ≈ 427µs", d)
	}
}

func TestCorpusCPUAA(t *testing.T) {
	r := diffCorpus(t, "go-cpu/cpu-base.pprof", "go-cpu/cpu-base2.pprof", DiffOptions{})
	for _, f := range r.Functions {
		if math.Abs(f.DeltaFlatPct) > 3 {
			t.Errorf("A/A: %s moved %.2f points", f.Name, f.DeltaFlatPct)
		}
	}
}

func TestCorpusFolded(t *testing.T) {
	r := diffCorpus(t, "folded/base.folded", "folded/head.folded", DiffOptions{})
	f := r.Functions[0]
	if f.Name != "bcrypt_hashpw" || math.Abs(f.DeltaFlatPct-27) > 1.5 {
		t.Fatalf("first %s %+.2f, want bcrypt_hashpw ≈ +27", f.Name, f.DeltaFlatPct)
	}
	if r.BaseTotal != 3870 || r.HeadTotal != 5320 {
		t.Errorf("totals %d, %d; want 3870, 5320", r.BaseTotal, r.HeadTotal)
	}
}

func TestCorpusMem(t *testing.T) {
	for _, f := range []string{"mem-base.pprof", "mem-head.pprof", "mem-base2.pprof"} {
		p := parseCorpus(t, "go-mem/"+f)
		if len(p.SampleTypes) != 4 {
			t.Errorf("%s: %d sample types, want 4", f, len(p.SampleTypes))
		}
		if n := p.DefaultName(); n != "heap" {
			t.Errorf("%s: DefaultName %q, want heap", f, n)
		}
	}
	r := diffCorpus(t, "go-mem/mem-base.pprof", "go-mem/mem-head.pprof", DiffOptions{SampleType: "alloc_space"})
	got := map[string]FunctionDiff{}
	for _, f := range r.Functions {
		got[f.Name] = f
	}
	if f := got["strconv.quoteWith"]; f.BaseFlat == 0 || f.HeadFlat != 0 {
		t.Errorf("strconv.quoteWith: base %d head %d, want it to disappear", f.BaseFlat, f.HeadFlat)
	}
	if f := got["strings.(*Builder).WriteString"]; f.BaseFlat != 0 || f.HeadFlat == 0 {
		t.Errorf("strings.(*Builder).WriteString: base %d head %d, want it to appear", f.BaseFlat, f.HeadFlat)
	}
}

func TestDefaultNames(t *testing.T) {
	for _, tc := range []struct{ file, want string }{
		{"go-cpu/cpu-base.pprof", "cpu"},
		{"folded/base.folded", "folded"},
	} {
		if got := parseCorpus(t, tc.file).DefaultName(); got != tc.want {
			t.Errorf("%s: DefaultName %q, want %q", tc.file, got, tc.want)
		}
	}
}

// The structural decoder must agree with google/pprof's decoder.
func TestDecoderMatchesGooglePprof(t *testing.T) {
	pp := GenerateSynthetic(7, 300, 2000, 3, 12)
	var b bytes.Buffer
	if err := pp.Write(&b); err != nil {
		t.Fatal(err)
	}
	fast, err := Parse(b.Bytes(), "synth.pb.gz")
	if err != nil {
		t.Fatal(err)
	}
	slow, err := FromPprof(pp)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range []string{"samples", "cpu"} {
		fa, _ := fast.Aggregate(st)
		sa, _ := slow.Aggregate(st)
		if fa.Total != sa.Total {
			t.Fatalf("%s total %d vs %d", st, fa.Total, sa.Total)
		}
		want := map[string][2]int64{}
		for i, n := range sa.Names {
			want[n] = [2]int64{sa.Flat[i], sa.Cum[i]}
		}
		for i, n := range fa.Names {
			if w := want[n]; w != [2]int64{fa.Flat[i], fa.Cum[i]} {
				t.Errorf("%s %s: flat/cum %d/%d, google/pprof %d/%d", st, n, fa.Flat[i], fa.Cum[i], w[0], w[1])
			}
		}
	}
	// Uncompressed protobuf too.
	var u bytes.Buffer
	if err := pp.WriteUncompressed(&u); err != nil {
		t.Fatal(err)
	}
	if p, err := Parse(u.Bytes(), "synth.pb"); err != nil || p.NumSamples() != 2000 {
		t.Fatalf("uncompressed: %v, %v", p, err)
	}
}

func TestRecursionCountsCumOnce(t *testing.T) {
	p, err := Parse([]byte("main;f;g;f;f 10\nmain;g 5\n"), "rec.folded")
	if err != nil {
		t.Fatal(err)
	}
	a, _ := p.Aggregate("")
	got := map[string][2]int64{}
	for i, n := range a.Names {
		got[n] = [2]int64{a.Flat[i], a.Cum[i]}
	}
	if got["f"] != [2]int64{10, 10} || got["g"] != [2]int64{5, 15} || got["main"] != [2]int64{0, 15} || a.Total != 15 {
		t.Errorf("aggregate %v total %d", got, a.Total)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		line     int
		msg      string
	}{
		{"empty", "", 0, "empty input"},
		{"blank", "\n\n  \n", 0, "empty input"},
		{"comments only", "# nothing\n", 0, "no stacks"},
		{"no count", "a;b;c\n", 1, "no count"},
		{"bad count", "a;b 1\na;b x\n", 2, "bad count"},
		{"float count", "a;b 1.5\n", 1, "bad count"},
		{"negative", "a;b -3\n", 1, "bad count"},
		{"empty frame", "a;;b 3\n", 1, "empty frame"},
		{"differential", "a;b 1 2\n", 1, "two counts"},
		{"binary junk", "\x00\x01\x02garbage", 0, "malformed pprof"},
		{"truncated proto", "\x0a\x10\x08", 0, "malformed pprof"},
		{"bad gzip", "\x1f\x8b\x08\x00junk", 0, "gzip"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.in), "in.txt")
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %v (%T), want *Error", err, err)
			}
			if pe.File != "in.txt" || pe.Line != tc.line || !strings.Contains(pe.Msg, tc.msg) {
				t.Errorf("got %q (line %d), want line %d and %q", err, pe.Line, tc.line, tc.msg)
			}
		})
	}
}

func TestFoldedNormalisedBytes(t *testing.T) {
	in := "# comment\n\nz;y 1\r\na;b c 2\na;b c 3\t\n"
	p, err := Parse([]byte(in), "x")
	if err != nil {
		t.Fatal(err)
	}
	b, err := p.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if want := "a;b c 5\nz;y 1\n"; string(b) != want {
		t.Errorf("Bytes = %q, want %q", b, want)
	}
	q, err := Parse(b, "x")
	if err != nil {
		t.Fatal(err)
	}
	if b2, _ := q.Bytes(); !bytes.Equal(b, b2) {
		t.Errorf("round trip changed bytes: %q", b2)
	}
}

func TestPprofBytesRoundTrip(t *testing.T) {
	p := parseCorpus(t, "go-cpu/cpu-head.pprof")
	b, err := p.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		t.Fatalf("Bytes not gzipped")
	}
	q, err := Parse(b, "stored")
	if err != nil {
		t.Fatal(err)
	}
	r, err := Diff(p, q, DiffOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if r.BaseTotal != r.HeadTotal || math.Abs(r.Functions[0].DeltaFlatPct) > 1e-9 {
		t.Errorf("stored profile differs: totals %d/%d, %+v", r.BaseTotal, r.HeadTotal, r.Functions[0])
	}
}

func TestMerge(t *testing.T) {
	a := parseCorpus(t, "go-cpu/cpu-base.pprof")
	b := parseCorpus(t, "go-cpu/cpu-base2.pprof")
	m, err := Merge(a, b)
	if err != nil {
		t.Fatal(err)
	}
	at, _ := a.Aggregate("")
	bt, _ := b.Aggregate("")
	mt, _ := m.Aggregate("")
	if mt.Total != at.Total+bt.Total {
		t.Errorf("merged total %d, want %d", mt.Total, at.Total+bt.Total)
	}
	if _, err := m.Bytes(); err != nil {
		t.Fatal(err)
	}
	fa := parseCorpus(t, "folded/base.folded")
	fb := parseCorpus(t, "folded/head.folded")
	fm, err := Merge(fa, fb)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := fm.Aggregate(""); got.Total != 3870+5320 {
		t.Errorf("folded merged total %d", got.Total)
	}
	if _, err := Merge(a, fa); err == nil {
		t.Error("merging pprof with folded: no error")
	}
	mem := parseCorpus(t, "go-mem/mem-base.pprof")
	if _, err := Merge(a, mem); err == nil {
		t.Error("merging cpu with heap: no error")
	}
	if _, err := Diff(a, mem, DiffOptions{}); err == nil {
		t.Error("diffing cpu with heap: no error")
	}
}

func TestTop(t *testing.T) {
	r := diffCorpus(t, "go-cpu/cpu-base.pprof", "go-cpu/cpu-head.pprof", DiffOptions{Top: 5})
	if len(r.Functions) != 5 {
		t.Fatalf("%d functions, want 5", len(r.Functions))
	}
	for i := 1; i < len(r.Functions); i++ {
		if math.Abs(r.Functions[i].DeltaFlatPct) > math.Abs(r.Functions[i-1].DeltaFlatPct) {
			t.Errorf("not sorted at %d", i)
		}
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden_.Check(t, filepath.Join("testdata", name+".golden"), got)
}

func TestGolden(t *testing.T) {
	for _, tc := range []struct {
		name, base, head string
		o                DiffOptions
	}{
		{"cpu", "go-cpu/cpu-base.pprof", "go-cpu/cpu-head.pprof",
			DiffOptions{BasePerOp: 446646e-9, HeadPerOp: 854202e-9, Top: 15}},
		{"cpu-aa", "go-cpu/cpu-base.pprof", "go-cpu/cpu-base2.pprof", DiffOptions{Top: 10}},
		{"heap", "go-mem/mem-base.pprof", "go-mem/mem-head.pprof", DiffOptions{SampleType: "alloc_space", Top: 10}},
		{"folded", "folded/base.folded", "folded/head.folded", DiffOptions{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := diffCorpus(t, tc.base, tc.head, tc.o)
			var fo bytes.Buffer
			if err := WriteFolded(&fo, r); err != nil {
				t.Fatal(err)
			}
			golden(t, tc.name+".folded", fo.Bytes())
		})
	}
}

func TestFlame(t *testing.T) {
	r := diffCorpus(t, "folded/base.folded", "folded/head.folded", DiffOptions{})
	fg, err := r.Flame(0.001)
	if err != nil {
		t.Fatal(err)
	}
	if fg.Names[fg.Root.Name] != "all" || fg.Root.Base != r.BaseTotal || fg.Root.Head != r.HeadTotal || len(fg.Root.Kids) == 0 {
		t.Fatalf("root = %+v (%q), want all with the totals %d, %d", fg.Root, fg.Names[fg.Root.Name], r.BaseTotal, r.HeadTotal)
	}
	var check func(n *FlameNode)
	check = func(n *FlameNode) {
		var b, h int64
		for i, k := range n.Kids {
			b, h = b+k.Base, h+k.Head
			if i > 0 && fg.Names[n.Kids[i-1].Name] >= fg.Names[k.Name] {
				t.Errorf("children of %q not sorted by name", fg.Names[n.Name])
			}
			check(k)
		}
		if b > n.Base || h > n.Head {
			t.Errorf("%q: children sum to %d, %d, more than the frame's %d, %d", fg.Names[n.Name], b, h, n.Base, n.Head)
		}
	}
	check(fg.Root)
	if _, err := (&DiffResult{}).Flame(0.001); err == nil {
		t.Error("Flame of a DiffResult not made by Diff: no error")
	}
}
