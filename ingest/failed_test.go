package ingest

// Failed benchmarks are errors, never silence: every failure signal of the
// Go text, go test -json and criterion console formats gives a
// *FailedError naming the failure (as the metric keys name it), where it
// is (file, line) and the tool's message, with what passed in Snapshot.

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/flameiq/git-flameiq/snapshot"
)

// corpusFailed are the corpus files that report failed benchmarks (the
// MANIFEST calls them "valid input": their results before the failure
// are): they give a *FailedError naming these, with what passed.
var corpusFailed = map[string][]string{
	"go-text/cachesim-verbose-failing.txt": {"Flaky-2"},
	"go-json/cachesim-failing-json.jsonl":  {"Flaky-2"},
	"criterion/bencher-failed.txt":         {"trace4rs_bench"},
}

// gate is the directory of real Go runs made for the gate
// (testdata/gate/go/README.md says how).
const gate = "../testdata/gate/go"

// checkFailed verifies the invariants of every *FailedError.
func checkFailed(t testing.TB, fe *FailedError, name string) {
	t.Helper()
	if fe.File != name {
		t.Errorf("FailedError.File %q, want %q", fe.File, name)
	}
	if len(fe.Failures) == 0 {
		t.Fatalf("FailedError without failures")
	}
	for _, f := range fe.Failures {
		if f.Name == "" || f.File != name || f.Line < 1 {
			t.Errorf("failure %+v: want a name, file %q and a line", f, name)
		}
		if !strings.Contains(fe.Error(), f.String()) {
			t.Errorf("message %q does not show %q", fe.Error(), f.String())
		}
	}
	if !strings.HasPrefix(fe.Error(), name) {
		t.Errorf("message does not start with the file: %q", fe.Error())
	}
	if s := fe.Snapshot; s != nil {
		checkSane(t, s)
		if len(s.Meta.Failed) != len(fe.Failures) {
			t.Errorf("Meta.Failed %q for %d failures", s.Meta.Failed, len(fe.Failures))
		}
		if s.Meta.Format == "" {
			t.Errorf("partial snapshot without a format")
		}
	}
}

// wantFailed checks that err is a *FailedError for file naming exactly
// names (in input order) with a partial snapshot, and returns that.
func wantFailed(t testing.TB, err error, file string, names ...string) *snapshot.Snapshot {
	t.Helper()
	var fe *FailedError
	if !errors.As(err, &fe) {
		t.Fatalf("want *FailedError naming %q, got %T: %v", names, err, err)
	}
	checkFailed(t, fe, file)
	var got []string
	for _, f := range fe.Failures {
		got = append(got, f.Name)
	}
	if !slices.Equal(got, names) {
		t.Errorf("failures %q, want %q", got, names)
	}
	if fe.Snapshot == nil {
		t.Fatalf("no snapshot of what passed")
	}
	if !slices.Equal(fe.Snapshot.Meta.Failed, names) {
		t.Errorf("Meta.Failed %q, want %q", fe.Snapshot.Meta.Failed, names)
	}
	return fe.Snapshot
}

type failCase struct {
	name, format, input string
	want                []Failure // File is filled in; Msg "" = no message
	keys                []string  // the partial snapshot's keys; nil: no snapshot
}

// goHead is the configuration go test prints before benchmarks.
const goHead = "goos: linux\ngoarch: amd64\npkg: example.com/x\ncpu: AMD EPYC\n"

func goRes(name string, ns int) string {
	return "Benchmark" + name + "   \t    2000\t      " + itoa(ns) + " ns/op\n"
}

func itoa(n int) string {
	s := ""
	for {
		s = string(rune('0'+n%10)) + s
		if n /= 10; n == 0 {
			return s
		}
	}
}

var goFailCases = []failCase{
	{
		name: "run1 fail: no -N on the FAIL line, the results' -2",
		input: goHead + goRes("Before-2", 1600) + // 5
			"--- FAIL: BenchmarkFlaky\n" + // 6
			"    x_test.go:32: connecting\n    x_test.go:33: backend unavailable\n" +
			goRes("After-2", 800) + "FAIL\nexit status 1\nFAIL\texample.com/x\t0.4s\nFAIL\n",
		want: []Failure{{Name: "Flaky-2", Line: 6, Msg: "x_test.go:32: connecting; x_test.go:33: backend unavailable"}},
		keys: []string{"After-2:sec/op", "Before-2:sec/op"},
	},
	{
		name: "-v: the log comes before the FAIL line",
		input: goHead + "BenchmarkBefore\n" + goRes("Before-2", 1600) +
			"BenchmarkFlaky\n    x_test.go:33: backend unavailable\n--- FAIL: BenchmarkFlaky\n" + // 7, 8, 9
			"BenchmarkAfter\n" + goRes("After-2", 800) + "FAIL\nexit status 1\nFAIL\texample.com/x\t0.4s\n",
		want: []Failure{{Name: "Flaky-2", Line: 9, Msg: "x_test.go:33: backend unavailable"}},
		keys: []string{"After-2:sec/op", "Before-2:sec/op"},
	},
	{
		name: "a sub-benchmark: the parent's FAIL is the same failure",
		input: goHead + goRes("Parse/small-2", 150) +
			"--- FAIL: BenchmarkParse/large\n    x_test.go:47: input too large\n--- FAIL: BenchmarkParse\n" + // 6
			"FAIL\nexit status 1\nFAIL\texample.com/x\t0.2s\n",
		want: []Failure{{Name: "Parse/large-2", Line: 6, Msg: "x_test.go:47: input too large"}},
		keys: []string{"Parse/small-2:sec/op"},
	},
	{
		name: "a parent that fails by itself",
		input: goHead + goRes("Other-2", 150) + "--- FAIL: BenchmarkParse\n    x_test.go:9: no input\n" +
			"FAIL\texample.com/x\t0.2s\n",
		want: []Failure{{Name: "Parse-2", Line: 6, Msg: "x_test.go:9: no input"}},
		keys: []string{"Other-2:sec/op"},
	},
	{
		name: "a later -count run fails after its name: every run of it is left out, one failure",
		input: goHead + goRes("Late-2", 500) + // 5
			"BenchmarkLate-2   \t--- FAIL: BenchmarkLate-2\n    x_test.go:67: lost the connection\n" + // 6
			"BenchmarkLate-2   \t--- FAIL: BenchmarkLate-2\n    x_test.go:67: lost the connection\n" +
			goRes("Keep-2", 100) + "FAIL\nexit status 1\nFAIL\texample.com/x\t0.5s\n",
		want: []Failure{{Name: "Late-2", Line: 6, Msg: "x_test.go:67: lost the connection"}},
		keys: []string{"Keep-2:sec/op"},
	},
	{
		name: "a panic after the name go test printed",
		input: goHead + goRes("Before-2", 1600) +
			"BenchmarkDecode-2   \tpanic: runtime error: index out of range [7] with length 3\n\ngoroutine 8 [running]:\n" + // 6
			"example.com/x.BenchmarkDecode(0xc)\n\t/x/x_test.go:41 +0xe5\nexit status 2\nFAIL\texample.com/x\t0.06s\nFAIL\n",
		want: []Failure{{Name: "Decode-2", Line: 6, Msg: "runtime error: index out of range [7] with length 3"}},
		keys: []string{"Before-2:sec/op"},
	},
	{
		// The shape of a real run whose name write was lost before the
		// panic (go test 1.26, GATE_PANIC=1, once in several runs).
		name: "a panic no name came with: the package the FAIL line names",
		input: goHead + goRes("Before-2", 1600) +
			"panic: runtime error: index out of range [7] with length 3\n\ngoroutine 34 [running]:\n" + // 6
			"exit status 2\nFAIL\texample.com/x\t0.05s\nFAIL\n",
		want: []Failure{{Run: true, Name: "example.com/x", Line: 6, Msg: "runtime error: index out of range [7] with length 3"}},
		keys: []string{"Before-2:sec/op"},
	},
	{
		name: "-v: a panic names the benchmark of the name line",
		input: goHead + "BenchmarkBefore\n" + goRes("Before-2", 1600) + "BenchmarkDecode\n" +
			"panic: boom [recovered]\n\tpanic: boom again\n\ngoroutine 1 [running]:\nexit status 2\nFAIL\texample.com/x\t0.05s\n", // 8
		want: []Failure{{Name: "Decode-2", Line: 8, Msg: "boom [recovered]"}},
		keys: []string{"Before-2:sec/op"},
	},
	{
		name: "-v: a panic in a later -count run names the benchmark of the results before it",
		input: goHead + "BenchmarkWork\n" + goRes("Work-2", 1600) + "panic: later\n" + // 7
			"exit status 2\nFAIL\texample.com/x\t0.05s\n",
		want: []Failure{{Name: "Work-2", Line: 7, Msg: "later"}},
	},
	{
		name:  "fatal error: is a crash like a panic",
		input: goHead + goRes("A-2", 10) + "BenchmarkMap-2   \tfatal error: concurrent map writes\n\ngoroutine 9 [running]:\nexit status 2\nFAIL\texample.com/x\t0.05s\n",
		want:  []Failure{{Name: "Map-2", Line: 6, Msg: "fatal error: concurrent map writes"}},
		keys:  []string{"A-2:sec/op"},
	},
	{
		name:  "a panic and no FAIL line (a cut output)",
		input: goHead + goRes("A-2", 10) + "panic: boom\n\ngoroutine 1 [running]:\n",
		want:  []Failure{{Run: true, Name: "panic", Line: 6, Msg: "boom"}},
		keys:  []string{"A-2:sec/op"},
	},
	{
		name:  "FAIL pkg alone (log.Fatal in a benchmark): the package, with the exit status",
		input: goHead + goRes("A-2", 10) + "2026/12/06 07:00:00 cannot open fixture\nexit status 1\nFAIL\texample.com/x\t0.05s\n", // 8
		want:  []Failure{{Run: true, Name: "example.com/x", Line: 8, Msg: "exit status 1"}},
		keys:  []string{"A-2:sec/op"},
	},
	{
		name:  "a failed test makes the package fail",
		input: goHead + "--- FAIL: TestParse (0.00s)\n    x_test.go:12: bad\n" + goRes("A-2", 10) + "FAIL\nexit status 1\nFAIL\texample.com/x\t0.05s\n",
		want:  []Failure{{Run: true, Name: "example.com/x", Line: 10, Msg: "failed: TestParse"}},
		keys:  []string{"A-2:sec/op"},
	},
	{
		name:  "a build failure: nothing passed",
		input: "# example.com/x\n./x_test.go:3:2: undefined: y\nFAIL\texample.com/x [build failed]\nFAIL\n",
		want:  []Failure{{Run: true, Name: "example.com/x", Line: 3, Msg: "[build failed]"}},
	},
	{
		name:  "exit status alone",
		input: goHead + goRes("A-2", 10) + "exit status 2\n",
		want:  []Failure{{Run: true, Name: "exit status 2", Line: 6}},
		keys:  []string{"A-2:sec/op"},
	},
	{
		name:  "a lone FAIL: the package of the pkg: line",
		input: goHead + goRes("A-2", 10) + "FAIL\n",
		want:  []Failure{{Run: true, Name: "example.com/x", Line: 6, Msg: "the test binary reported FAIL"}},
		keys:  []string{"A-2:sec/op"},
	},
	{
		name:  "GOMAXPROCS=1: results have no suffix, nor has the failure",
		input: goHead + "BenchmarkA   \t 10\t 5 ns/op\n--- FAIL: BenchmarkFlaky\nFAIL\texample.com/x\t0.1s\n",
		want:  []Failure{{Name: "Flaky", Line: 6}},
		keys:  []string{"A:sec/op"},
	},
	{
		name: "-cpu 1,2: the suffix cannot be known, the bare name",
		input: goHead + "BenchmarkA   \t 10\t 5 ns/op\nBenchmarkA-2 \t 10\t 4 ns/op\n--- FAIL: BenchmarkFlaky\n" +
			"FAIL\texample.com/x\t0.1s\n",
		want: []Failure{{Name: "Flaky", Line: 7}},
		keys: []string{"A-2:sec/op", "A:sec/op"},
	},
	{
		name:  "nothing passed: the name line printed before the run gives the suffix",
		input: goHead + "BenchmarkFlaky-4\n--- FAIL: BenchmarkFlaky\n    x_test.go:1: no\nFAIL\texample.com/x\t0.1s\n",
		want:  []Failure{{Name: "Flaky-4", Line: 6, Msg: "x_test.go:1: no"}},
	},
	{
		name:  "nothing passed, no suffix known: the bare name",
		input: "--- FAIL: BenchmarkFlaky\n    x_test.go:1: no\nFAIL\n",
		want:  []Failure{{Name: "Flaky", Line: 1, Msg: "x_test.go:1: no"}},
	},
	{
		name: "several packages: the failed one's name gets the prefix its keys would have",
		input: "pkg: example.com/a/json\n" + goRes("Encode-2", 5) + goRes("Decode-2", 5) + "ok  \texample.com/a/json\t0.1s\n" +
			"pkg: example.com/b/xml\n" + goRes("Decode-2", 7) + "--- FAIL: BenchmarkEncode\n    x_test.go:5: no\n" + // 7
			"FAIL\texample.com/b/xml\t0.1s\n" +
			"pkg: example.com/c/yaml\n" + "--- FAIL: BenchmarkOnly\nFAIL\texample.com/c/yaml\t0.1s\n", // 11
		want: []Failure{{Name: "xml.Encode-2", Line: 7, Msg: "x_test.go:5: no"}, {Name: "Only-2", Line: 11}},
		keys: []string{"Encode-2:sec/op", "json.Decode-2:sec/op", "xml.Decode-2:sec/op"},
	},
	{
		name: "a long message is cut at 200 bytes",
		input: goHead + goRes("A-2", 10) + "--- FAIL: BenchmarkLong\n" +
			"    x_test.go:1: " + strings.Repeat("é", 150) + "\n    x_test.go:2: never shown\nFAIL\n",
		want: []Failure{{Name: "Long-2", Line: 6, Msg: "x_test.go:1: " + strings.Repeat("é", 92) + "…"}},
		keys: []string{"A-2:sec/op"},
	},
	{
		name:  "the log of a passing benchmark (--- BENCH) is not the message of the next failure",
		input: goHead + goRes("A-2", 10) + "--- BENCH: BenchmarkA-2\n    x_test.go:3: tuned\n--- FAIL: BenchmarkB\nFAIL\n",
		want:  []Failure{{Name: "B-2", Line: 8}},
		keys:  []string{"A-2:sec/op"},
	},
	{
		name:   "go test -json: the fail event; its Output log lines are the message",
		format: "gojson",
		input: `{"Action":"start","Package":"example.com/x"}
{"Action":"output","Package":"example.com/x","Output":"pkg: example.com/x\n"}
{"Action":"run","Package":"example.com/x","Test":"BenchmarkA"}
{"Action":"output","Package":"example.com/x","Test":"BenchmarkA","Output":"BenchmarkA\n"}
{"Action":"output","Package":"example.com/x","Test":"BenchmarkA","Output":"BenchmarkA-2   \t"}
{"Action":"output","Package":"example.com/x","Test":"BenchmarkA","Output":"  2000\t  5 ns/op\n"}
{"Action":"run","Package":"example.com/x","Test":"BenchmarkFlaky"}
{"Action":"output","Package":"example.com/x","Test":"BenchmarkFlaky","Output":"=== RUN   BenchmarkFlaky\n"}
{"Action":"output","Package":"example.com/x","Test":"BenchmarkFlaky","Output":"BenchmarkFlaky\n"}
{"Action":"output","Package":"example.com/x","Test":"BenchmarkFlaky","Output":"    x_test.go:33: backend unavailable\n"}
{"Action":"output","Package":"example.com/x","Test":"BenchmarkFlaky","Output":"--- FAIL: BenchmarkFlaky\n"}
{"Action":"fail","Package":"example.com/x","Test":"BenchmarkFlaky"}
{"Action":"output","Package":"example.com/x","Output":"FAIL\n"}
{"Action":"output","Package":"example.com/x","Output":"exit status 1\n"}
{"Action":"output","Package":"example.com/x","Output":"FAIL\texample.com/x\t0.5s\n"}
{"Action":"fail","Package":"example.com/x","Elapsed":0.5}
`,
		want: []Failure{{Name: "Flaky-2", Line: 12, Msg: "x_test.go:33: backend unavailable"}},
		keys: []string{"A-2:sec/op"},
	},
	{
		name:   "go test -json: a sub-benchmark's fail event, and its parent's",
		format: "gojson",
		input: `{"Action":"output","Package":"p","Output":"BenchmarkS/a-2 \t 10\t 5 ns/op\n"}
{"Action":"output","Package":"p","Test":"BenchmarkS/b","Output":"    x_test.go:4: too big\n"}
{"Action":"fail","Package":"p","Test":"BenchmarkS/b"}
{"Action":"fail","Package":"p","Test":"BenchmarkS"}
{"Action":"fail","Package":"p"}
`,
		want: []Failure{{Name: "S/b-2", Line: 3, Msg: "x_test.go:4: too big"}},
		keys: []string{"S/a-2:sec/op"},
	},
	{
		name:   "go test -json: a panic in a benchmark's Output",
		format: "gojson",
		input: `{"Action":"output","Package":"p","Test":"BenchmarkA","Output":"BenchmarkA-2 \t 10\t 5 ns/op\n"}
{"Action":"run","Package":"p","Test":"BenchmarkDecode"}
{"Action":"output","Package":"p","Test":"BenchmarkDecode","Output":"BenchmarkDecode\n"}
{"Action":"output","Package":"p","Test":"BenchmarkDecode","Output":"panic: runtime error: index out of range [7] with length 3\n"}
{"Action":"output","Package":"p","Test":"BenchmarkDecode","Output":"exit status 2\n"}
{"Action":"fail","Package":"p","Elapsed":0.1}
`,
		want: []Failure{{Name: "Decode-2", Line: 4, Msg: "runtime error: index out of range [7] with length 3"}},
		keys: []string{"A-2:sec/op"},
	},
	{
		name:   "go test -json: the package fails alone, its exit status the message",
		format: "gojson",
		input: `{"Action":"output","Package":"p","Output":"BenchmarkA-2 \t 10\t 5 ns/op\n"}
{"Action":"output","Package":"p","Output":"exit status 3\n"}
{"Action":"fail","Package":"p","Elapsed":0.1}
`,
		want: []Failure{{Run: true, Name: "p", Line: 3, Msg: "exit status 3"}},
		keys: []string{"A-2:sec/op"},
	},
	{
		name:   "go test -json: a fail event without a package",
		format: "gojson",
		input:  "{\"Action\":\"fail\"}\n",
		want:   []Failure{{Run: true, Name: "run", Line: 1}},
	},
	{
		name:   "go test -json: a failed test; a build failure",
		format: "gojson",
		input: `{"Action":"output","Package":"p","Output":"BenchmarkA-2 \t 10\t 5 ns/op\n"}
{"Action":"fail","Package":"p","Test":"TestParse"}
{"Action":"fail","Package":"p","Elapsed":0.1}
{"Action":"fail","Package":"q","FailedBuild":"q"}
`,
		want: []Failure{{Run: true, Name: "p", Line: 3, Msg: "failed: TestParse"}, {Run: true, Name: "q", Line: 4, Msg: "[build failed]"}},
		keys: []string{"A-2:sec/op"},
	},
	{
		name:   "criterion: a panic while a benchmark runs names it (Rust ≥ 1.73's two-line panic)",
		format: "criterion",
		input: `     Running benches/work.rs (target/release/deps/work-3f373bec1068ab29)
Benchmarking work
Benchmarking work: Collecting 20 samples in estimated 2.0089 s (47k iterations)
Benchmarking work: Analyzing
work                    time:   [43.219 µs 43.747 µs 44.658 µs]
Benchmarking parse
Benchmarking parse: Warming up for 500.00 ms
thread 'main' panicked at benches/work.rs:42:5:
index out of bounds: the len is 3 but the index is 7
note: run with ` + "`RUST_BACKTRACE=1`" + ` environment variable to display a backtrace
error: bench failed, to rerun pass ` + "`--bench work`" + `
`,
		want: []Failure{{Name: "parse", Line: 8, Msg: "thread 'main' panicked at benches/work.rs:42:5: index out of bounds: the len is 3 but the index is 7"}},
		keys: []string{"work:sec/op"},
	},
	{
		name:   "criterion: error: bench failed alone (a signal) names the bench target",
		format: "criterion",
		input: `     Running target/release/deps/sums-0123456789abcdef
sum/256                 time:   [25.633 ns 25.954 ns 26.447 ns]
error: process didn't exit successfully: ` + "`sums-0123456789abcdef --bench`" + ` (signal: 11, SIGSEGV: invalid memory reference)
error: bench failed
`,
		want: []Failure{{Name: "sums", Line: 3, Msg: "error: process didn't exit successfully: `sums-0123456789abcdef --bench` (signal: 11, SIGSEGV: invalid memory reference)"}},
		keys: []string{"sum/256:sec/op"},
	},
	{
		name:   "criterion: two bench binaries fail, nothing passed",
		format: "criterion",
		input: "Benchmarking a: Warming up for 3.0000 s\nthread 'main' panicked at 'boom', benches/a.rs:1:1\nerror: bench failed\n" +
			"     Running benches/b.rs (target/release/deps/b-0123456789abcdef)\nthread 'main' panicked at 'bang', benches/b.rs:2:2\n",
		want: []Failure{{Name: "a", Line: 2, Msg: "thread 'main' panicked at 'boom', benches/a.rs:1:1"}, {Name: "b", Line: 5, Msg: "thread 'main' panicked at 'bang', benches/b.rs:2:2"}},
	},
}

func TestFailures(t *testing.T) {
	for _, tc := range goFailCases {
		t.Run(tc.name, func(t *testing.T) {
			format := tc.format
			if format == "" {
				format = "gobench"
			}
			const file = "bench.out"
			for _, f := range []string{format, ""} { // forced and detected
				s, err := Parse(strings.NewReader(tc.input), file, f)
				var fe *FailedError
				if !errors.As(err, &fe) {
					t.Fatalf("format %q: want *FailedError, got %T %v (snapshot %v)", f, err, err, s)
				}
				checkFailed(t, fe, file)
				var want []Failure
				var names []string
				for _, w := range tc.want {
					w.File = file
					want = append(want, w)
					names = append(names, w.Name)
				}
				if !slices.Equal(fe.Failures, want) {
					t.Errorf("format %q: failures\n%#v\nwant\n%#v", f, fe.Failures, want)
				}
				if tc.keys == nil {
					if fe.Snapshot != nil {
						t.Errorf("a snapshot when nothing passed: %v", fe.Snapshot.Keys())
					}
					continue
				}
				if fe.Snapshot == nil {
					t.Fatalf("no snapshot of what passed, want %q", tc.keys)
				}
				if got := fe.Snapshot.Keys(); !slices.Equal(got, tc.keys) {
					t.Errorf("passed keys %q, want %q", got, tc.keys)
				}
				if !slices.Equal(fe.Snapshot.Meta.Failed, names) {
					t.Errorf("Meta.Failed %q, want %q", fe.Snapshot.Meta.Failed, names)
				}
				if fe.Snapshot.Meta.Format != format || fe.Snapshot.Meta.Source != file {
					t.Errorf("partial snapshot format %q source %q", fe.Snapshot.Meta.Format, fe.Snapshot.Meta.Source)
				}
			}
		})
	}
}

// The user sees one line per failure: file:line: benchmark NAME failed: message.
func TestFailedErrorMessage(t *testing.T) {
	_, err := Parse(strings.NewReader(goFailCases[0].input), "bench.txt", "")
	want := "bench.txt:6: benchmark Flaky-2 failed: x_test.go:32: connecting; x_test.go:33: backend unavailable"
	if err == nil || err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}

// Inputs without a failure stay what they were: a FAIL inside a name, a
// benchmark printing to stdout (benchfmt's syntax error), exit status 0
// texts in logs.
func TestNoFailureSignal(t *testing.T) {
	for _, tc := range []struct{ name, input, wantErr string }{
		{"FAIL in a name", goHead + goRes("FAILover-2", 5) + "ok  \texample.com/x\t0.1s\n", ""},
		{"log line mentioning panic", goHead + goRes("A-2", 5) + "--- BENCH: BenchmarkA-2\n    x_test.go:1: panic: not really\nPASS\n", ""},
		{"stdout after the name is still a syntax error", goHead + "BenchmarkA-2   \thello\n", "bench.txt:5: parsing iteration count: invalid syntax"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse(strings.NewReader(tc.input), "bench.txt", "gobench")
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("error %v", err)
				}
				checkSane(t, s)
				return
			}
			var fe *FailedError
			if err == nil || errors.As(err, &fe) || err.Error() != tc.wantErr {
				t.Fatalf("error %T %v, want %q", err, err, tc.wantErr)
			}
		})
	}
	// A malformed line beside a failure: the file is rejected, not recorded.
	_, err := Parse(strings.NewReader(goHead+"BenchmarkA-2 \t x\t 5 ns/op\n--- FAIL: BenchmarkB\n"), "bench.txt", "gobench")
	var ie *Error
	if !errors.As(err, &ie) || ie.Line != 5 {
		t.Errorf("error %T %v, want the syntax error of line 5", err, err)
	}
}

// The real runs of testdata/gate/go: every failure signal go test writes.
func TestGateGoFailures(t *testing.T) {
	for _, tc := range []struct {
		file, name, at, msg string // at: the text of the failure's line
		keep, gone          []string
	}{
		{"fatal.txt", "Flaky-2", "--- FAIL: BenchmarkFlaky", "fatal_test.go:35: connecting to the test backend; fatal_test.go:36: backend unavailable: connection refused",
			[]string{"Before-2", "Parse/small-2", "Parse/large-2", "After-2", "Late-2"}, []string{"Flaky-2"}},
		{"fatal-v.txt", "Flaky-2", "--- FAIL: BenchmarkFlaky", "fatal_test.go:35: connecting to the test backend; fatal_test.go:36: backend unavailable: connection refused",
			[]string{"Before-2", "Parse/small-2", "Parse/large-2", "After-2", "Late-2"}, []string{"Flaky-2"}},
		{"fatal.jsonl", "Flaky-2", `"Action":"fail","Package":"example.com/gatebench/fatal","Test":"BenchmarkFlaky"`, "fatal_test.go:35: connecting to the test backend; fatal_test.go:36: backend unavailable: connection refused",
			[]string{"Before-2", "Parse/small-2", "Parse/large-2", "After-2", "Late-2"}, []string{"Flaky-2"}},
		{"fatal-sub.txt", "Parse/large-2", "--- FAIL: BenchmarkParse/large", "fatal_test.go:50: input too large: 10000 bytes",
			[]string{"Before-2", "Flaky-2", "Parse/small-2", "After-2", "Late-2"}, []string{"Parse/large-2", "Parse-2"}},
		{"fatal-late.txt", "Late-2", "\t--- FAIL: BenchmarkLate-2", "fatal_test.go:67: lost the connection after 2000 iterations",
			[]string{"Before-2", "Flaky-2", "Parse/small-2", "Parse/large-2", "After-2"}, []string{"Late-2"}},
		{"panic.txt", "Decode-2", "\tpanic: runtime error", "runtime error: index out of range [7] with length 3",
			[]string{"Before-2"}, []string{"Decode-2", "Grow-2", "After-2"}},
		{"panic-v.txt", "Decode-2", "panic: runtime error", "runtime error: index out of range [7] with length 3",
			[]string{"Before-2"}, []string{"Decode-2", "Grow-2", "After-2"}},
		{"panic.jsonl", "Decode-2", `"Output":"panic: runtime error`, "runtime error: index out of range [7] with length 3",
			[]string{"Before-2"}, []string{"Decode-2", "Grow-2", "After-2"}},
		{"panic-late.txt", "Grow-2", "\tpanic: grow", "grow: capacity exhausted at b.N=2000",
			[]string{"Before-2", "Decode-2"}, []string{"Grow-2", "After-2"}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			p := filepath.Join(gate, tc.file)
			_, err := ParseFileWith(p, Options{})
			s := wantFailed(t, err, p, tc.name)
			var fe *FailedError
			errors.As(err, &fe)
			f := fe.Failures[0]
			if want := lineOf(t, p, tc.at); f.Line != want {
				t.Errorf("line %d, want %d (%q)", f.Line, want, tc.at)
			}
			if f.Msg != tc.msg {
				t.Errorf("message %q, want %q", f.Msg, tc.msg)
			}
			for _, k := range tc.keep {
				m := s.Get(k + ":sec/op")
				if m == nil || len(m.Samples) != 10 {
					t.Errorf("%s:sec/op: %+v, want the 10 samples that passed", k, m)
				}
				if s.Get(k+":allocs/op") == nil {
					t.Errorf("%s:allocs/op missing (-benchmem)", k)
				}
			}
			for _, k := range tc.gone {
				for _, key := range s.Keys() {
					if strings.HasPrefix(key, k+":") {
						t.Errorf("%s of a failed or never run benchmark is in the snapshot", key)
					}
				}
			}
		})
	}
}

// lineOf is the 1-based line of the first line of file containing text.
func lineOf(t *testing.T, file, text string) int {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, text) {
			return i + 1
		}
	}
	t.Fatalf("%s has no line with %q", file, text)
	return 0
}

// The passing gate runs parse, with what their README says of them.
func TestGateGoRuns(t *testing.T) {
	read := func(name string) *snapshot.Snapshot {
		t.Helper()
		s, err := ParseFileWith(filepath.Join(gate, name), Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checkSane(t, s)
		if s.Meta.Format != "gobench" || s.Meta.Tags["goos"] != "linux" {
			t.Errorf("%s: format %q tags %v", name, s.Meta.Format, s.Meta.Tags)
		}
		return s
	}
	all := func(s *snapshot.Snapshot, key string, want float64) {
		t.Helper()
		m := s.Get(key)
		if m == nil || len(m.Samples) != 10 {
			t.Fatalf("%s: %+v, want 10 samples", key, m)
		}
		for _, x := range m.Samples {
			if x != want {
				t.Errorf("%s: sample %v, want every one %v", key, x, want)
			}
		}
	}
	zb, zh := read("zeroalloc-base.txt"), read("zeroalloc-head.txt")
	all(zb, "Encode-2:allocs/op", 0)
	all(zb, "Encode-2:B/op", 0)
	all(zh, "Encode-2:allocs/op", 1)
	all(zh, "Encode-2:B/op", 288)
	all(zb, "Control-2:allocs/op", 0)
	all(zh, "Control-2:allocs/op", 0)

	sb, sh := read("setbytes-base.txt"), read("setbytes-head.txt")
	for _, s := range []*snapshot.Snapshot{sb, sh} {
		for _, k := range []string{"Checksum-2:B/s", "Control-2:B/s"} {
			if m := s.Get(k); m == nil || len(m.Samples) != 10 || m.Direction != snapshot.HigherIsBetter {
				t.Errorf("%s: %+v, want 10 higher-is-better samples (MB/s)", k, m)
			}
		}
	}
	if r := sh.Get("Checksum-2:sec/op").Value() / sb.Get("Checksum-2:sec/op").Value(); r < 1.15 || r > 1.5 {
		t.Errorf("Checksum head/base %.2f, want about 1.3", r)
	}

	ab, ah := read("aa-base.txt"), read("aa-head.txt")
	if !slices.Equal(ab.Keys(), ah.Keys()) || len(ab.Keys()) != 12 {
		t.Errorf("A/A keys differ or are not 4 benchmarks × 3 units: %q / %q", ab.Keys(), ah.Keys())
	}
	for _, k := range []string{"Quiet-2:sec/op", "Alloc-2:sec/op", "Map-2:sec/op", "Sleep-2:sec/op"} {
		if r := ah.Get(k).Value() / ab.Get(k).Value(); math.Abs(math.Log(r)) > math.Log(1.6) {
			t.Errorf("A/A %s: head/base %.2f", k, r)
		}
	}
}

// A last line cut short (no newline) is an error, never a metric such as
// `Control-2:ns/o`; a complete last line without a newline is a result.
func TestTruncatedLastLine(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(gate, "zeroalloc-base.txt"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(data), "\n")
	body := strings.Join(lines[:14], "") // header and the 10 Encode-2 lines
	control := strings.TrimSuffix(lines[14], "\n")
	cut := func(after string, keep int) string {
		i := strings.Index(control, after)
		if i < 0 {
			t.Fatalf("no %q in %q", after, control)
		}
		return body + control[:i+keep]
	}
	for _, tc := range []struct{ name, input, want string }{
		{"in ns/op", cut("ns/op", 4), "truncated line"},
		{"in allocs/op", cut("allocs/op", 8), "truncated line"},
		{"in B/op", cut("B/op", 2), "truncated line"},
		{"the only result, in ns/op", goHead + "BenchmarkA-2 \t 10\t 5 ns/o", "truncated line"},
		{"after a value", cut("B/op", -1), "missing units"},
		{"fewer units than the same benchmark's lines", body + strings.TrimSuffix(lines[5], "\n")[:strings.Index(lines[5], "ns/op")+5], "truncated line"},
		{"a custom unit the file declares", "Unit hit-ratio better=higher\n" + goRes("A-2", 5)[:len(goRes("A-2", 5))-1] + "\t 0.5 hit-rat", "truncated line"},
		{"complete", body + control, ""},
		{"complete, a unit seen nowhere else", body + "BenchmarkX-2 \t 10\t 5 widgets", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse(strings.NewReader(tc.input), "bench.txt", "")
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				checkSane(t, s)
				return
			}
			var ie *Error
			if !errors.As(err, &ie) {
				t.Fatalf("want *Error %q, got %T %v (snapshot %v)", tc.want, err, err, s)
			}
			if n := strings.Count(tc.input, "\n") + 1; ie.Line != n || !strings.HasPrefix(ie.Msg, tc.want) {
				t.Errorf("error %v, want line %d: %s", ie, n, tc.want)
			}
		})
	}
}

// criterion console output: the corpus's failing run and a passing one.
func TestCriterionConsole(t *testing.T) {
	p := filepath.Join(corpus, "criterion/bencher-failed.txt")
	_, err := ParseFileWith(p, Options{})
	s := wantFailed(t, err, p, "trace4rs_bench")
	var fe *FailedError
	errors.As(err, &fe)
	if f := fe.Failures[0]; f.Line != 60 || f.Msg != "thread 'main' panicked at 'explicit panic', trace4rs/benches/trace4rs_bench.rs:42:5" {
		t.Errorf("failure %+v", f)
	}
	want := []string{"file:sec/op", "rolling_file:sec/op", "tracing_file:sec/op", "tracing_rolling_file:sec/op"}
	if !slices.Equal(s.Keys(), want) {
		t.Errorf("keys %q, want %q", s.Keys(), want)
	}
	m := s.Get("file:sec/op")
	if !near(m.Value(), 2.2311e-9) || m.CI == nil || !near(m.CI.Lo, 2.0246e-9) || !near(m.CI.Hi, 2.4461e-9) || m.CI.N != 100 || m.Direction != snapshot.LowerIsBetter {
		t.Errorf("file:sec/op %+v ci %+v, want 2.2311 ns [2.0246, 2.4461] of 100 samples", m, m.CI)
	}
	if m := s.Get("tracing_file:sec/op"); !near(m.Value(), 60.753e-6) {
		t.Errorf("tracing_file (µs) %v", m.Value())
	}

	s, err = ParseFileWith(filepath.Join(corpus, "criterion/runs/aa-02/console.txt"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want = []string{"control:sec/op", "sum/256:B/s", "sum/256:sec/op", "sum/4096:B/s", "sum/4096:sec/op", "sum/65536:B/s", "sum/65536:sec/op", "work:sec/op"}
	if !slices.Equal(s.Keys(), want) {
		t.Errorf("keys %q, want %q (change: lines are not results)", s.Keys(), want)
	}
	if m := s.Get("sum/256:B/s"); m.Value() != 73.488*(1<<30) || m.CI.Lo != 72.120*(1<<30) || m.CI.N != 20 || m.Direction != snapshot.HigherIsBetter {
		t.Errorf("sum/256:B/s %+v %+v", m, m.CI)
	}
	if m := s.Get("work:sec/op"); !near(m.Value(), 43.747e-6) {
		t.Errorf("work %v", m.Value())
	}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Abs(b) }

func TestCriterionConsoleShapes(t *testing.T) {
	const wrapped = "Benchmarking a_rather_long_group_name/with_a_parameter/1024: Collecting 50 samples in estimated 5.0 s (10k iterations)\n" +
		"a_rather_long_group_name/with_a_parameter/1024\n                        time:   [1.0000 ms 1.5000 ms 2.0000 ms]\n" +
		"                        thrpt:  [500.00 Kelem/s 666.67 Kelem/s 1.0000 Melem/s]\n"
	s, err := Parse(strings.NewReader(wrapped), "c.txt", "")
	if err != nil {
		t.Fatal(err)
	}
	id := "a_rather_long_group_name/with_a_parameter/1024"
	if m := s.Get(id + ":sec/op"); m == nil || !near(m.Value(), 1.5e-3) || m.CI.N != 50 {
		t.Errorf("wrapped id: %v", s.Keys())
	}
	if m := s.Get(id + ":elem/s"); m == nil || !near(m.Value(), 666.67e3) || !near(m.CI.Hi, 1e6) {
		t.Errorf("elem/s: %+v", m)
	}
	// Without the progress lines (criterion --quiet), the id line alone.
	quiet := "a_rather_long_group_name/with_a_parameter/1024\n                        time:   [1.0000 ms 1.5000 ms 2.0000 ms]\n"
	if s, err := Parse(strings.NewReader(quiet), "c.txt", "criterion"); err != nil || s.Get(id+":sec/op") == nil || s.Get(id+":sec/op").CI.N != 0 {
		t.Errorf("quiet wrapped id: %v %v", s, err)
	}
	// The same id twice (two runs in one file): two samples, no interval.
	twice := "x   time:   [1 ns 2 ns 3 ns]\nx   time:   [1 ns 4 ns 5 ns]\n"
	s, err = Parse(strings.NewReader(twice), "c.txt", "criterion")
	if err != nil {
		t.Fatal(err)
	}
	if m := s.Get("x:sec/op"); len(m.Samples) != 2 || m.CI != nil {
		t.Errorf("x twice: %+v", m)
	}
	for _, tc := range []struct{ input, want string }{
		{"x   time:   [1 ns 2 parsecs 3 ns]\n", "c.txt:1: not a criterion estimate"},
		{"x   time:   [1 ns 2 ns]\n", "c.txt:1: not a criterion estimate"},
		{"     thrpt:  [1 B/s 2 B/s 3 B/s]\nx   time:   [1 ns 2 ns 3 ns]\n", "c.txt:1: thrpt: line without a time: line before it"},
		{"x   time:   [1 ns 2 B/s 3 ns]\n", "c.txt:1: not a criterion estimate"},
	} {
		_, err := Parse(strings.NewReader(tc.input), "c.txt", "criterion")
		var ie *Error
		if !errors.As(err, &ie) || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.input, err, tc.want)
		}
	}
	if got := Detect([]byte(wrapped), "c.txt"); got != "criterion" {
		t.Errorf("detected %q", got)
	}
}

// hyperfine writes non-zero exit codes only when told to ignore them
// (--ignore-failure): data the user asked for, not a failure. Without it
// a failing command stops hyperfine, and the export holds the commands
// that finished: the format has no failure signal.
func TestHyperfineExitCodesAreNotFailures(t *testing.T) {
	in := `{"results":[{"command":"./flaky","mean":0.5,"stddev":0.1,"median":0.5,"user":0.1,"system":0.1,"min":0.4,"max":0.6,
"times":[0.4,0.5,0.6],"exit_codes":[0,1,2]},{"command":"./ok","mean":0.2,"times":[0.2,0.2],"exit_codes":[0,0]}]}`
	s, err := Parse(strings.NewReader(in), "hf.json", "")
	if err != nil {
		t.Fatalf("exit codes made the input fail: %v", err)
	}
	if len(s.Meta.Failed) != 0 || s.Get("./flaky:sec") == nil || len(s.Get("./flaky:sec").Samples) != 3 {
		t.Errorf("keys %v failed %v", s.Keys(), s.Meta.Failed)
	}
}

// pytest-benchmark leaves a benchmark whose function raised out of its
// JSON (pytest_benchmark_generate_json skips has_error): nothing in the
// file says a benchmark failed, and a file of the passing ones is valid.
func TestPytestHasNoFailureSignal(t *testing.T) {
	in := `{"benchmarks":[{"name":"test_ok","fullname":"t.py::test_ok","extra_info":{},"stats":{"mean":0.1,"median":0.1,"data":[0.1,0.1]}}]}`
	s, err := Parse(strings.NewReader(in), "py.json", "")
	if err != nil || s.Meta.Format != "pytest-benchmark" || len(s.Meta.Failed) != 0 {
		t.Fatalf("%v %v", s, err)
	}
}
