package snapshot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

func sample() *Snapshot {
	return &Snapshot{
		Meta: Meta{Commit: strings.Repeat("a", 40), Branch: "main", Suite: "unit", Timestamp: "2026-11-23T10:00:00Z",
			Format: "gobench", Source: "bench.txt", Tags: map[string]string{"goos": "linux", "<b>": "x"}},
		Metrics: []*Metric{
			{Key: "Index-2:sec/op", Unit: "sec/op", Direction: LowerIsBetter, Samples: []float64{4.1e-05, 4.2e-05, 1e-300, 123456789012345680000}},
			{Key: "custom.score", Direction: TwoSided, Samples: []float64{0, -1.5}},
			{Key: "throughput", Direction: HigherIsBetter, Samples: []float64{18250}},
		},
	}
}

// Decoding then re-encoding a note line gives identical bytes, and the
// encoding is canonical (sorted keys at every level).
func TestRecordRoundTrip(t *testing.T) {
	line, err := EncodeRecord(sample(), "0123456789abcdef")
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"0123456789abcdef","meta":{"branch":"main","commit":"` + strings.Repeat("a", 40) +
		`","format":"gobench","source":"bench.txt","suite":"unit","tags":{"<b>":"x","goos":"linux"},"timestamp":"2026-11-23T10:00:00Z"},` +
		`"metrics":{"Index-2:sec/op":{"direction":"lower_is_better","samples":[0.000041,0.000042,1e-300,123456789012345680000],"unit":"sec/op"},` +
		`"custom.score":{"direction":"two_sided","samples":[0,-1.5]},"throughput":{"direction":"higher_is_better","samples":[18250]}},"schema":"flameiq/1"}`
	if string(line) != want {
		t.Fatalf("encoding:\n got %s\nwant %s", line, want)
	}
	rec, err := DecodeRecord(line, nil)
	if err != nil {
		t.Fatal(err)
	}
	again, err := EncodeRecord(rec.Snapshot, rec.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(line, again) {
		t.Fatalf("round trip changed the bytes:\n%s\n%s", line, again)
	}
}

func TestEncodeRejects(t *testing.T) {
	for name, s := range map[string]*Snapshot{
		"no metrics": {},
		"NaN":        {Metrics: []*Metric{{Key: "a", Samples: []float64{math.NaN()}}}},
		"Inf":        {Metrics: []*Metric{{Key: "a", Samples: []float64{math.Inf(1)}}}},
		"no samples": {Metrics: []*Metric{{Key: "a"}}},
		"empty key":  {Metrics: []*Metric{{Key: "", Samples: []float64{1}}}},
	} {
		if _, err := EncodeRecord(s, "x"); err == nil {
			t.Errorf("%s: encoded", name)
		}
	}
}

// A note is JSON Lines: bad lines are reported with their number and
// skipped, good ones kept.
func TestDecodeNote(t *testing.T) {
	good, _ := EncodeRecord(sample(), "1")
	note := []byte("\n" + string(good) + "\nnot json\n{\"schema\":\"flameiq/9\",\"metrics\":{}}\n{\"schema\":\"other\"}\n" + string(good) + "\n")
	recs, errs := DecodeNote(note, nil)
	if len(recs) != 2 || len(errs) != 3 {
		t.Fatalf("%d records, %d errors: %v", len(recs), len(errs), errs)
	}
	for i, want := range []string{"line 3: not a flameiq record", "line 4: schema \"flameiq/9\" is newer", "line 5: not a flameiq record: schema \"other\""} {
		if !strings.HasPrefix(errs[i].Error(), want) {
			t.Errorf("error %d = %q, want prefix %q", i, errs[i], want)
		}
	}
}

// A record without a direction (written by hand or another tool) gets the
// direction ingest would give it.
func TestDecodeInfersDirection(t *testing.T) {
	for line, want := range map[string]Direction{
		`{"schema":"flameiq/1","metrics":{"a:sec/op":{"samples":[1],"unit":"sec/op"}}}`: LowerIsBetter,
		`{"schema":"flameiq/1","metrics":{"a:ops/s":{"samples":[1],"unit":"ops/s"}}}`:   HigherIsBetter,
		`{"schema":"flameiq/1","metrics":{"throughput":{"samples":[1]}}}`:               HigherIsBetter,
		`{"schema":"flameiq/1","metrics":{"latency.p95":{"samples":[1]}}}`:              LowerIsBetter,
		`{"schema":"flameiq/1","metrics":{"custom.x":{"samples":[1]}}}`:                 TwoSided,
	} {
		r, err := DecodeRecord([]byte(line), nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Snapshot.Metrics[0].Direction; got != want {
			t.Errorf("%s: direction %v, want %v", line, got, want)
		}
	}
}

// Records on one commit combine: samples of the same key concatenate, in
// order; the inputs are not modified.
func TestMerge(t *testing.T) {
	a := &Snapshot{Meta: Meta{Branch: "main"}, Metrics: []*Metric{{Key: "x", Unit: "sec/op", Samples: []float64{1, 2}}}}
	b := &Snapshot{Meta: Meta{Suite: "s", Branch: "other"}, Metrics: []*Metric{{Key: "x", Samples: []float64{3}}, {Key: "a", Samples: []float64{9}}}}
	m := Merge(a, b)
	if got := m.Get("x").Samples; len(got) != 3 || got[2] != 3 {
		t.Errorf("x samples = %v", got)
	}
	if m.Keys()[0] != "a" || m.Metrics[0].Key != "a" {
		t.Errorf("not sorted: %v", m.Keys())
	}
	if m.Meta.Branch != "main" || m.Meta.Suite != "s" {
		t.Errorf("meta = %+v", m.Meta)
	}
	if len(a.Metrics[0].Samples) != 2 {
		t.Error("Merge modified its input")
	}
	if v := m.Get("x").Value(); v != 2 {
		t.Errorf("median = %v", v)
	}
}

func TestMedian(t *testing.T) {
	for _, tt := range []struct {
		in   []float64
		want float64
	}{{[]float64{3}, 3}, {[]float64{3, 1, 2}, 2}, {[]float64{4, 1, 3, 2}, 2.5}} {
		if got := Median(tt.in); got != tt.want {
			t.Errorf("Median(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
	if !math.IsNaN(Median(nil)) {
		t.Error("Median(nil) is not NaN")
	}
}

func TestUnitDirection(t *testing.T) {
	for unit, want := range map[string]Direction{
		"sec/op": LowerIsBetter, "B/op": LowerIsBetter, "allocs/op": LowerIsBetter, "ms": LowerIsBetter, "sec": LowerIsBetter,
		"B/s": HigherIsBetter, "ops/s": HigherIsBetter, "items/s": HigherIsBetter, "req/s": HigherIsBetter,
		"": TwoSided, "widgets": TwoSided,
	} {
		if got := UnitDirection(unit); got != want {
			t.Errorf("UnitDirection(%q) = %v, want %v", unit, got, want)
		}
	}
}

func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"Index-2:sec/op":     "Index-2:sec/op",
		"µs/op ✓":            "µs/op ✓",
		"\x1b[31mred\x1b[0m": `\x1b[31mred\x1b[0m`,
		"a\nb\tc":            `a\nb\tc`,
		"nul\x00":            `nul\x00`,
		"c1\u009b":           `c1\u009b`,
		"bad utf8 \xff":      `bad utf8 \xff`,
		"\xe8 and \xc5":      `\xe8 and \xc5`,
		"kept \uFFFD":        "kept \uFFFD",
	} {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzDecodeRecord(f *testing.F) {
	good, _ := EncodeRecord(sample(), "1")
	f.Add(good)
	f.Add([]byte(`{"schema":"flameiq/1","metrics":{"a":{"samples":[1e308]}}}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		r, err := DecodeRecord(line, nil)
		if err != nil {
			return
		}
		for _, m := range r.Snapshot.Metrics {
			if m.Key != Printable(m.Key) {
				t.Fatalf("key %q not sanitized", m.Key)
			}
		}
		if _, err := EncodeRecord(r.Snapshot, r.ID); err != nil {
			// Only non-finite numbers can fail, and JSON cannot carry them.
			t.Fatalf("decoded record does not re-encode: %v", err)
		}
	})
}

// decodeFast is a fast path for json.Unmarshal of the canonical form: what
// it accepts it must decode exactly as json.Unmarshal does.
func FuzzDecodeFast(f *testing.F) {
	good, _ := EncodeRecord(sample(), "1")
	f.Add(good)
	for _, s := range fastDecodeCases {
		f.Add([]byte(s.line))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		checkFastDecode(t, line)
	})
}

var fastDecodeCases = []struct {
	line string
	fast bool // decodeFast takes it (else encoding/json does)
}{
	{`{"id":"a","meta":{"branch":"main","commit":"c","environment":"ci","format":"gobench","source":"f.txt","suite":"s","tags":{"k":"v","os":"linux"},"timestamp":"2026-01-02T03:04:05Z"},"metrics":{"Op-2:sec/op":{"direction":"lower_is_better","samples":[1.5,2,-0,1e-7,6.02e+23],"unit":"sec/op"}},"schema":"flameiq/1"}`, true},
	{` { "schema" : "flameiq/1" , "metrics" : { "µs ✓" : { "samples" : [ ] } } } `, true},
	{`{"schema":"flameiq/1","metrics":{},"meta":{"tags":{}}}`, true},
	{`{"schema":"flameiq/1","metrics":{},"meta":{"machine":{"arch":"arm64","cpu":"Apple M2","cpus":8,"os":"darwin"}}}`, true},
	{`{"schema":"flameiq/1","metrics":{},"meta":{"machine":{}}}`, true},
	{`{"schema":"flameiq/1","metrics":{},"meta":{"machine":{"cpus":2.5}}}`, false},
	{`{"schema":"flameiq/1","metrics":{},"meta":{"machine":{"cpu":"a","cpu":"b"}}}`, false},
	{`{"schema":"flameiq/1","metrics":{},"meta":{"machine":{"host":"x"}}}`, false},
	{`{"schema":"flameiq/1","metrics":{"a":{"samples":[1]}},"extra":1}`, false},           // unknown key: json ignores it
	{`{"ID":"x","schema":"flameiq/1","metrics":{"a":{"samples":[1]}}}`, false},            // json matches keys case-insensitively
	{`{"id":"a\u0041","schema":"flameiq/1","metrics":{"a":{"samples":[1]}}}`, false},      // escape
	{`{"id":"a","id":"b","schema":"flameiq/1","metrics":{"a":{"samples":[1]}}}`, false},   // duplicate key
	{`{"schema":"flameiq/1","metrics":{"a":{"samples":[1]},"a":{"samples":[2]}}}`, false}, // duplicate metric
	{`{"schema":"flameiq/1","metrics":{"a":{"samples":[1,2],"samples":[3]}}}`, false},
	{`{"schema":"flameiq/1","meta":null,"metrics":{"a":{"samples":[1]}}}`, false},
	{`{"schema":"flameiq/1","metrics":{"a":{"samples":[1e400]}}}`, false}, // out of range
	{`{"schema":"flameiq/1","metrics":{"a":{"samples":[01]}}}`, false},
	{`{"schema":"flameiq/1","metrics":{"a":{"samples":[1.]}}}`, false},
	{`{"schema":"flameiq/1","metrics":{"a":{"samples":[Inf]}}}`, false},
	{`{"schema":"flameiq/1","metrics":{"a":{"samples":[0x10]}}}`, false},
	{`{"schema":"flameiq/1","metrics":{"a\xff":{"samples":[1]}}}`, false}, // invalid UTF-8: json rewrites it
	{"{\"schema\":\"flameiq/1\",\"metrics\":{\"a\tb\":{\"samples\":[1]}}}", false},
	{`{"schema":"flameiq/1","metrics":{"a":{"samples":[1]}}} x`, false},
	{`{"schema":"flameiq/1","metrics":{"a":{"samples":[1]}}`, false},
	{`{"schema":"flameiq/1","metrics":{"a":{"samples":[1,]}}}`, false},
	{`[]`, false},
	{``, false},
}

func TestDecodeFast(t *testing.T) {
	for _, tc := range fastDecodeCases {
		var r record
		if got := decodeFast([]byte(tc.line), &r, nil, nil); got != tc.fast {
			t.Errorf("decodeFast(%s) = %v, want %v", tc.line, got, tc.fast)
		}
		checkFastDecode(t, []byte(tc.line))
	}
	// Every record EncodeRecord writes takes the fast path.
	for _, s := range []*Snapshot{sample(), {Meta: Meta{Tags: map[string]string{"a": "b"}, Branch: "x/y", Machine: Machine{CPU: "Intel(R) Xeon(R) CPU @ 2.20GHz", CPUs: 2}},
		Metrics: []*Metric{{Key: "<b>&\"q\"", Unit: "B/op", Direction: HigherIsBetter, Samples: []float64{1e21, 1e-9, 123456789}}}}} {
		line, err := EncodeRecord(s, NewID())
		if err != nil {
			t.Fatal(err)
		}
		var r record
		if !decodeFast(line, &r, nil, nil) && !bytes.Contains(line, []byte(`\`)) {
			t.Errorf("EncodeRecord output not on the fast path: %s", line)
		}
	}
}

func checkFastDecode(t *testing.T, line []byte) {
	t.Helper()
	var fast record
	if !decodeFast(line, &fast, nil, nil) {
		return
	}
	var ref record
	if err := json.Unmarshal(line, &ref); err != nil {
		t.Fatalf("decodeFast took %q, json.Unmarshal refuses it: %v", line, err)
	}
	if fast.Metrics != nil {
		t.Fatalf("decodeFast(%q) filled the map form of the metrics", line)
	}
	if fast.list != nil { // compare in json.Unmarshal's form
		fast.Metrics = map[string]recordMetric{}
		for i, m := range fast.list {
			if i > 0 && fast.list[i-1].key >= m.key {
				t.Fatalf("decodeFast(%q): metrics not sorted and unique: %q then %q", line, fast.list[i-1].key, m.key)
			}
			fast.Metrics[m.key] = m.recordMetric
		}
		fast.list = nil
	}
	if !reflect.DeepEqual(fast, ref) {
		t.Fatalf("decodeFast(%q)\n = %#v\nwant %#v", line, fast, ref)
	}
}

// TestSanitizeCollision: names that print alike after Sanitize (a control
// byte and its escape written out; two bytes that are not UTF-8 do not
// collide) end up as one metric with both sets of samples, never as two
// metrics with one key.
func TestSanitizeCollision(t *testing.T) {
	s := &Snapshot{Metrics: []*Metric{
		{Key: "a\x1b", Unit: "ns/op", Samples: []float64{1}},
		{Key: `a\x1b`, Samples: []float64{2, 3}},
		{Key: "u:\xe8", Samples: []float64{4}},
		{Key: "u:\xc5", Samples: []float64{5}},
	}}
	s.Sanitize()
	var got []string
	for _, m := range s.Metrics {
		got = append(got, fmt.Sprintf("%s %s %v", m.Key, m.Unit, m.Samples))
	}
	want := []string{`a\x1b ns/op [1 2 3]`, `u:\xc5  [5]`, `u:\xe8  [4]`} // sorted again after the rewrite
	if !slices.Equal(got, want) {
		t.Errorf("after Sanitize:\n%q\nwant\n%q", got, want)
	}
}

// TestDecodeRecordSortedUnique: a decoded record's metrics are sorted by
// key, each key once, also when Sanitize rewrote keys (the store uses a
// single record as it is, without merging).
func TestDecodeRecordSortedUnique(t *testing.T) {
	for _, tc := range []struct {
		line string
		want []string
	}{
		{`{"schema":"flameiq/1","metrics":{"a":{"samples":[1]}}}`, []string{"a [1]"}},
		{`{"schema":"flameiq/1","metrics":{"c":{"samples":[3]},"a":{"samples":[1]},"b":{"samples":[2]}}}`, []string{"a [1]", "b [2]", "c [3]"}},
		// "a\u001b" escapes to a\x1b, which sorts after "a[" ('\' > '[')
		{`{"schema":"flameiq/1","metrics":{"a\u001b":{"samples":[1]},"a[":{"samples":[2]}}}`, []string{`a[ [2]`, `a\x1b [1]`}},
		// "x\u001b" and the written-out `x\x1b` are one key after Sanitize
		{`{"schema":"flameiq/1","metrics":{"x\u001b":{"samples":[1]},"x\\x1b":{"samples":[2]}}}`, []string{`x\x1b [1 2]`}},
	} {
		r, err := DecodeRecord([]byte(tc.line), nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.line, err)
		}
		var got []string
		for _, m := range r.Snapshot.Metrics {
			got = append(got, fmt.Sprintf("%s %v", m.Key, m.Samples))
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("DecodeRecord(%s) metrics = %q, want %q", tc.line, got, tc.want)
		}
	}
}

// TestDecodeNoteKeep: decoding with a filter (keep) gives what decoding
// everything and then filtering gives (records, metadata, metrics and
// samples), and refuses exactly the lines DecodeNote refuses, whether the
// fault is in a kept metric or not.
func TestDecodeNoteKeep(t *testing.T) {
	lines := []string{
		`{"id":"a","meta":{"suite":"s"},"metrics":{"A:sec/op":{"direction":"lower_is_better","samples":[1,2],"unit":"sec/op"},"B:sec/op":{"direction":"lower_is_better","samples":[3],"unit":"sec/op"}},"schema":"flameiq/1"}`,
		`{"id":"b","metrics":{"B:sec/op":{"direction":"lower_is_better","samples":[5,6]}},"schema":"flameiq/1"}`, // nothing kept
		`{"id":"c","metrics":{"A:sec/op":{"direction":"lower_is_better","samples":[1]},"B:x":{"direction":"lower_is_better","samples":[1e999]}},"schema":"flameiq/1"}`,
		`{"id":"d","metrics":{"A:sec/op":{"direction":"lower_is_better","samples":[1]},"B:x":{"direction":"sideways","samples":[1]}},"schema":"flameiq/1"}`,
		`{"id":"e","metrics":{"A:sec/op":{"direction":"lower_is_better","samples":[1]},"B:x":{"direction":"lower_is_better","samples":[]}},"schema":"flameiq/1"}`,
		`{"id":"f","metrics":{"A:sec/op":{"samples":[7]},"B:x":{"samples":[1]},"B:x":{"samples":[2]}},"schema":"flameiq/1"}`,
		`{"id":"g","metrics":{"A\u200b:sec/op":{"samples":[8]},"B\n:x":{"samples":[1]}},"schema":"flameiq/1"}`,
		`{"id":"h","metrics":{"A:sec/op":{"samples":[9]},"":{"samples":[1]}},"schema":"flameiq/1"}`,
		`{"id":"i","metrics":{"B:x":{"samples":[1,"2"]}},"schema":"flameiq/1"}`,
		`not json`,
	}
	// Samples of a skipped metric are checked, not converted, unless
	// they might not fit a float64: the same lines must fail.
	for i, v := range []string{"9e307", "1.7e308", "1.8e308", "-1e400", "1e-99999", "1e0000001", "0.5E+2", "-0", strings.Repeat("9", 299), strings.Repeat("9", 320), "1" + strings.Repeat("0", 200) + "e150", "1.e5", "01", "1e", "+1"} {
		lines = append(lines, fmt.Sprintf(`{"id":"n%d","metrics":{"A:sec/op":{"samples":[1]},"B:x":{"samples":[1,%s]}},"schema":"flameiq/1"}`, i, v))
	}
	note := []byte(strings.Join(lines, "\n"))
	keep := func(k string) bool { return strings.HasPrefix(k, "A") }
	want, wantErrs := DecodeNote(note, nil)
	got, gotErrs := DecodeNote(note, keep)
	if fmt.Sprint(gotErrs) != fmt.Sprint(wantErrs) {
		t.Errorf("errors %v, want %v", gotErrs, wantErrs)
	}
	if len(got) != len(want) {
		t.Fatalf("%d records, want %d", len(got), len(want))
	}
	for i := range want {
		w := want[i].Snapshot.Filter(keep)
		g := got[i].Snapshot
		if got[i].ID != want[i].ID || !reflect.DeepEqual(g.Meta, w.Meta) || len(g.Metrics) != len(w.Metrics) {
			t.Fatalf("record %s: %+v, want %+v", want[i].ID, g, w)
		}
		for j := range w.Metrics {
			if !reflect.DeepEqual(*g.Metrics[j], *w.Metrics[j]) {
				t.Errorf("record %s: metric %+v, want %+v", want[i].ID, *g.Metrics[j], *w.Metrics[j])
			}
		}
	}
}

// TestEncodeLikeEncodingJSON: the record encoder writes exactly what
// encoding/json writes for the record (without HTML escaping), for random
// records with hostile strings, every optional field and any float64.
func TestEncodeLikeEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	strs := []string{"", "a", "BenchmarkX-2:sec/op", `q"uote`, `back\slash`, "tab\there", "nl\n", "\x00\x1f\x7f", "<b>&amp;", "é漢字🙂", "\u2028\u2029", "\xff\xfe", "\u200b", "sec/op", "B/s"}
	str := func() string {
		s := ""
		for k := rng.IntN(3); k >= 0; k-- {
			s += strs[rng.IntN(len(strs))]
		}
		return s
	}
	float := func() float64 {
		for {
			var v float64
			switch rng.IntN(3) {
			case 0:
				v = math.Float64frombits(rng.Uint64())
			case 1:
				v = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(60)-30))
			default:
				v = float64(rng.IntN(100000))
			}
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				return v
			}
		}
	}
	// And four records of 16,000-40,000 metrics.
	for iter := 0; iter < 2000; iter++ {
		n := rng.IntN(8)
		if iter%500 == 499 {
			n = 16000 + rng.IntN(24000)
		}
		r := record{ID: str(), Schema: Schema, Metrics: map[string]recordMetric{}}
		r.Meta = recordMeta{Branch: str(), Commit: str(), Environment: str(), Format: str(), Source: str(), Suite: str(), Timestamp: str()}
		if rng.IntN(2) == 0 {
			r.Meta.Tags = map[string]string{str(): str(), str(): str()}
			r.Meta.Failed = []string{str(), str()}
		}
		for k := n; k > 0; k-- {
			m := recordMetric{Direction: str(), Unit: str(), Info: rng.IntN(2) == 0}
			if rng.IntN(4) == 0 {
				m.CI = &recordCI{Lo: float(), Hi: float(), N: rng.IntN(3)}
			}
			if rng.IntN(20) != 0 {
				m.Samples = []float64{}
				for j := rng.IntN(12); j > 0; j-- {
					m.Samples = append(m.Samples, float())
				}
			}
			key := str()
			if n > 8 {
				key += strconv.Itoa(k)
			}
			r.Metrics[key] = m
		}
		got, err := r.encode()
		want, wantErr := marshalJSON(r)
		if err != nil || wantErr != nil || string(got) != string(want) {
			t.Fatalf("encode:\n%s (%v)\nencoding/json:\n%s (%v)", got, err, want, wantErr)
		}
	}
}

// Sort orders by key and keeps the metrics of a repeated key in their
// order, whether the keys are unique (unstable sort) or not (stable).
func TestSortStable(t *testing.T) {
	for _, tc := range []struct {
		keys, want string // one letter a metric; want: key and position in keys
	}{
		{"", ""},
		{"abc", "a0 b1 c2"},
		{"cba", "a2 b1 c0"},
		{"bab", "a1 b0 b2"},
		{"bbaab", "a2 a3 b0 b1 b4"},
	} {
		s := &Snapshot{}
		for i, k := range tc.keys {
			s.Metrics = append(s.Metrics, &Metric{Key: string(k), Samples: []float64{float64(i)}})
		}
		s.Sort()
		var got []string
		for _, m := range s.Metrics {
			got = append(got, fmt.Sprintf("%s%v", m.Key, m.Samples[0]))
		}
		if g := strings.Join(got, " "); g != tc.want {
			t.Errorf("Sort(%q) = %q, want %q", tc.keys, g, tc.want)
		}
	}
	// Past insertion sort's reach: 300 metrics of 3 keys.
	r := rand.New(rand.NewPCG(1, 2))
	s := &Snapshot{}
	for i := range 300 {
		s.Metrics = append(s.Metrics, &Metric{Key: string(rune('a' + r.IntN(3))), Samples: []float64{float64(i)}})
	}
	s.Sort()
	for i := 1; i < len(s.Metrics); i++ {
		a, b := s.Metrics[i-1], s.Metrics[i]
		if a.Key > b.Key || a.Key == b.Key && a.Samples[0] > b.Samples[0] {
			t.Fatalf("metrics %d and %d out of order: %s%v %s%v", i-1, i, a.Key, a.Samples[0], b.Key, b.Samples[0])
		}
	}
}

// Merge of one snapshot (record FILE) gives what merging it with an empty
// one gives, sorted or not, a key twice or not; the copy shares no samples
// with its input, and growing one metric's samples leaves the next intact.
func TestMergeOne(t *testing.T) {
	for _, keys := range []string{"abc", "cab", "aab", "bab"} {
		s := &Snapshot{Meta: Meta{Branch: "main"}}
		for i, k := range keys {
			s.Metrics = append(s.Metrics, &Metric{Key: string(k), Unit: "u", Samples: []float64{float64(i), 10}})
		}
		one, two := Merge(s), Merge(s, &Snapshot{})
		enc := func(x *Snapshot) string {
			b, err := EncodeRecord(x, "id")
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
		if a, b := enc(one), enc(two); a != b {
			t.Errorf("%s: Merge(s) = %s\nMerge(s, empty) = %s", keys, a, b)
		}
		for _, m := range one.Metrics {
			m.Samples[0] = -1
		}
		for _, m := range s.Metrics {
			if m.Samples[0] == -1 {
				t.Errorf("%s: Merge shares samples with its input", keys)
			}
		}
		if len(one.Metrics) > 1 {
			next := slices.Clone(one.Metrics[1].Samples)
			one.Metrics[0].Samples = append(one.Metrics[0].Samples, 99)
			if !slices.Equal(one.Metrics[1].Samples, next) {
				t.Errorf("%s: appending to one metric's samples changed the next: %v", keys, one.Metrics[1].Samples)
			}
		}
	}
}

// EncodeRecord gives one line whatever the metrics' order: an unsorted
// snapshot with a key twice encodes as its Merge.
func TestEncodeUnsorted(t *testing.T) {
	s := &Snapshot{Metrics: []*Metric{
		{Key: "b", Samples: []float64{1}}, {Key: "a", Samples: []float64{2}}, {Key: "b", Samples: []float64{3}},
	}}
	got, err := EncodeRecord(s, "id")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := EncodeRecord(Merge(s), "id")
	if string(got) != string(want) || !strings.Contains(string(got), `"b":{"direction":"two_sided","samples":[1,3]}`) {
		t.Errorf("EncodeRecord = %s\nwant %s", got, want)
	}
	if len(s.Metrics[0].Samples) != 1 || s.Metrics[0].Key != "b" {
		t.Error("EncodeRecord modified its input")
	}
}

// TestAddBlocks: Add carves metrics, keys and samples out of blocks and
// indexes them in a table of positions: 10,000 metrics take a few dozen
// allocations (blocks, the table and Metrics growing), not three or more
// each (a struct, a key, a sample, map entries) as they did.
func TestAddBlocks(t *testing.T) {
	keys := make([]string, 10000)
	for i := range keys {
		keys[i] = fmt.Sprintf("bench_%d:p95", i)
	}
	allocs := testing.AllocsPerRun(3, func() {
		s := &Snapshot{}
		for _, k := range keys {
			s.Add(k, "sec", LowerIsBetter, 1)
		}
	})
	if allocs > 200 {
		t.Errorf("%v allocations for %d metrics", allocs, len(keys))
	}
}

// TestAddIndex: Add finds the metric of a key wherever it came from (an
// earlier Add, Metrics appended to directly, a Metrics replaced or
// sorted), the first one of a key appended twice; keys, units and
// samples copied into blocks are the ones given, and samples appended to
// later do not spill into another metric's.
func TestAddIndex(t *testing.T) {
	s := &Snapshot{}
	unit := strings.Repeat("u", 3)
	for i := range 1000 {
		s.Add(fmt.Sprintf("k%04d", i), unit[:i%3], TwoSided, float64(i))
	}
	s.Metrics = append(s.Metrics, &Metric{Key: "direct", Samples: []float64{-1}}, &Metric{Key: "direct", Samples: []float64{-2}})
	if m := s.Add("direct", "", TwoSided, -3); m != s.Metrics[1000] || !slices.Equal(m.Samples, []float64{-1, -3}) {
		t.Fatalf("direct: %+v", m)
	}
	s.Sort()
	if s.idx != nil {
		t.Fatal("Sort kept the index")
	}
	for i := range 1000 {
		k := fmt.Sprintf("k%04d", i)
		m := s.Add(k, "other", HigherIsBetter, 1e6)
		if m.Key != k || m.Unit != unit[:i%3] || m.Direction != TwoSided || !slices.Equal(m.Samples, []float64{float64(i), 1e6}) {
			t.Fatalf("%s: %+v", k, m)
		}
	}
	s.Metrics = slices.Clone(s.Metrics[:10]) // another array
	if m := s.Add("k0500", "", TwoSided, 5); len(s.Metrics) != 11 || !slices.Equal(m.Samples, []float64{5}) {
		t.Fatalf("after Metrics was replaced: %d metrics, %+v", len(s.Metrics), m)
	}
	if m := s.Get("k0001"); !slices.Equal(m.Samples, []float64{1, 1e6}) {
		t.Fatalf("k0001: %+v", m)
	}
}

// TestWriteRecord: the streamed record is EncodeRecord's line, written in
// pieces; a snapshot that cannot be encoded writes nothing, and an error
// of the writer stops it.
func TestWriteRecord(t *testing.T) {
	s := &Snapshot{Meta: Meta{Commit: "c", Tags: map[string]string{"a": "b"}}}
	for i := range 5000 {
		m := s.Add(fmt.Sprintf("m%05d", 4999-i), "ns", LowerIsBetter, float64(i), 0.5)
		if i%3 == 0 {
			m.Samples = m.Samples[:1]
			m.CI = &Interval{Lo: 0, Hi: float64(i + 1), N: i}
		}
	}
	s.Metrics = append(s.Metrics, &Metric{Key: "m00001", Samples: []float64{7}})
	line, err := EncodeRecord(s, "id")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteRecord(&b, s, "id"); err != nil || b.String() != string(line) {
		t.Fatalf("WriteRecord: %v, %d bytes, EncodeRecord %d", err, b.Len(), len(line))
	}
	if len(line) < 100<<10 || !bytes.Contains(line, []byte(`"m00001":{"direction":"lower_is_better","samples":[4998,7],"unit":"ns"}`)) ||
		!bytes.Contains(line, []byte(`"m00004":{"ci":{"hi":4996,"lo":0,"n":4995},"direction"`)) {
		t.Fatalf("line: %d bytes, %.300s", len(line), line)
	}
	s.Metrics[0].Samples = []float64{math.NaN()}
	b.Reset()
	if err := WriteRecord(&b, s, "id"); err == nil || b.Len() != 0 {
		t.Fatalf("NaN: %v, %d bytes written", err, b.Len())
	}
	s.Metrics[0].Samples = []float64{1}
	w := &failWriter{left: 50000}
	if err := WriteRecord(w, s, "id"); err != errFull {
		t.Fatalf("a writer that fails: %v", err)
	}
}

var errFull = errors.New("full")

type failWriter struct{ left int }

func (w *failWriter) Write(p []byte) (int, error) {
	if len(p) > w.left {
		return 0, errFull
	}
	w.left -= len(p)
	return len(p), nil
}

// encode writes r through recordOut, as WriteRecord does, for
// TestEncodeLikeEncodingJSON.
func (r *record) encode() ([]byte, error) {
	var out recordOut
	out.start(r.ID, r.Meta)
	for _, m := range r.metricList() {
		out.metric(m.key, &m.recordMetric, m.Samples)
	}
	out.end(r.Schema)
	return out.b, out.err
}

// Medians copies a snapshot with each metric's median as its only
// sample, everything else as it was, and the copies of several snapshots
// share their keys.
func TestMedians(t *testing.T) {
	mk := func(vals ...float64) *Snapshot {
		s := &Snapshot{Meta: Meta{Commit: "c", Suite: "s"}}
		s.Add(strings.Repeat("k", 3)+":sec/op", "sec/op", LowerIsBetter, vals...)
		s.Add("b:ops", "ops", HigherIsBetter, 7)
		s.Metrics[1].Info = true
		s.Metrics[1].CI = &Interval{Lo: 6, Hi: 8, N: 100}
		s.Sort()
		return s
	}
	med := Medians()
	a, b := med(mk(5, 1, 3, 2)), med(mk(9))
	if a.Meta.Commit != "c" || a.Meta.Suite != "s" {
		t.Errorf("meta %+v", a.Meta)
	}
	want := []Metric{
		{Key: "b:ops", Unit: "ops", Direction: HigherIsBetter, Samples: []float64{7}, Info: true, CI: &Interval{Lo: 6, Hi: 8, N: 100}},
		{Key: "kkk:sec/op", Unit: "sec/op", Direction: LowerIsBetter, Samples: []float64{2.5}},
	}
	for i, m := range a.Metrics {
		if !reflect.DeepEqual(*m, want[i]) {
			t.Errorf("metric %d: %+v, want %+v", i, *m, want[i])
		}
	}
	if b.Metrics[1].Samples[0] != 9 {
		t.Errorf("second snapshot: %v", b.Metrics[1].Samples)
	}
	if unsafe.StringData(a.Metrics[1].Key) != unsafe.StringData(b.Metrics[1].Key) {
		t.Error("the copies do not share their keys")
	}
	// Another order (a metric more, first): the same keys still.
	c := mk(4)
	c.Add("a:x", "x", TwoSided, 1)
	c.Sort()
	cc := med(c)
	if cc.Metrics[2].Key != "kkk:sec/op" || unsafe.StringData(cc.Metrics[2].Key) != unsafe.StringData(a.Metrics[1].Key) {
		t.Errorf("a key at another position is not shared: %q", cc.Metrics[2].Key)
	}
}
