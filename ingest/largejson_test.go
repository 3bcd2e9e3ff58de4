package ingest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// largeJSON writes, for each JSON format, a document of about size bytes
// made of many small entries (the worst case for memory per byte of
// input): the inputs of README "Hardening"'s peak-memory table, measured
// with /usr/bin/time -v git flameiq validate FILE. Each generator writes
// entries until the size is reached; every document is valid input.
var largeJSON = map[string]func(w io.Writer, size int64){
	"bmf": func(w io.Writer, size int64) {
		objectOf(w, size, func(w io.Writer, i int) int {
			n, _ := fmt.Fprintf(w, `"tests::bench_%d":{"latency":{"value":%d.5,"lower_value":%d,"upper_value":%d}}`, i, 1000+i%97, 999+i%97, 1002+i%97)
			return n
		})
	},
	"googlebench": func(w io.Writer, size int64) {
		fmt.Fprint(w, `{"context":{"date":"2026-01-02T03:04:05+00:00","num_cpus":8},"benchmarks":[`)
		arrayOf(w, size, func(w io.Writer, i int) int {
			n, _ := fmt.Fprintf(w, `{"name":"BM_Copy/%d","run_name":"BM_Copy/%d","run_type":"iteration","repetitions":1,"repetition_index":0,"threads":1,"iterations":%d,"real_time":%d.25,"cpu_time":%d.5,"time_unit":"ns"}`, i, i, 1000+i%13, 50+i%31, 49+i%31)
			return n
		})
		fmt.Fprint(w, `}`)
	},
	"pytest-benchmark": func(w io.Writer, size int64) {
		fmt.Fprint(w, `{"machine_info":{},"commit_info":{"id":"abc","branch":"main"},"datetime":"2026-01-02T03:04:05","benchmarks":[`)
		arrayOf(w, size, func(w io.Writer, i int) int {
			n, _ := fmt.Fprintf(w, `{"name":"test_%d","fullname":"tests/test_x.py::test_%d","stats":{"min":0.001,"max":0.003,"mean":0.002,"median":0.002,"rounds":5,"data":[0.0011,0.0021,0.0019,0.0023,0.002%d]}}`, i, i, i%10)
			return n
		})
		fmt.Fprint(w, `}`)
	},
	"flameiq": func(w io.Writer, size int64) {
		fmt.Fprint(w, `{"schema_version":1,"metadata":{"commit":"abc"},"metrics":{"latency":{"mean":1.5,"p95":2.5},"custom":{`)
		members(w, size, func(w io.Writer, i int) int {
			n, _ := fmt.Fprintf(w, `"m%d":%d.25`, i, 10+i%1000)
			return n
		})
		fmt.Fprint(w, `}}}`)
	},
	"regression-json": func(w io.Writer, size int64) {
		objectOf(w, size, func(w io.Writer, i int) int {
			n, _ := fmt.Fprintf(w, `"bench_%d":{"iterations":100,"min_latency":0.001,"max_latency":0.004,"mean_latency":0.002,"median_latency":0.002,"p95_latency":0.003,"p99_latency":0.0035,"peak_memory":%d,"ops_per_second":%d.5}`, i, 1000+i%7, 500+i%11)
			return n
		})
	},
	"hyperfine": func(w io.Writer, size int64) {
		fmt.Fprint(w, `{"results":[`)
		arrayOf(w, size, func(w io.Writer, i int) int {
			n, _ := fmt.Fprintf(w, `{"command":"./run %d","mean":0.012,"stddev":0.001,"median":0.012,"user":0.01,"system":0.002,"min":0.011,"max":0.014,"times":[0.0121,0.0118,0.0125,0.0119,0.012%d],"exit_codes":[0,0,0,0,0]}`, i, i%10)
			return n
		})
		fmt.Fprint(w, `}`)
	},
	"criterion": func(w io.Writer, size int64) {
		n := int(size / 24) // two numbers of about 11 bytes and their commas
		fmt.Fprint(w, `{"sampling_mode":"Linear","iters":[`)
		for i := range n {
			if i > 0 {
				fmt.Fprint(w, ",")
			}
			fmt.Fprintf(w, "%d.0", 10*(i+1))
		}
		fmt.Fprint(w, `],"times":[`)
		for i := range n {
			if i > 0 {
				fmt.Fprint(w, ",")
			}
			fmt.Fprintf(w, "%d.0", 10*(i+1)*(1000+i%97))
		}
		fmt.Fprint(w, `]}`)
	},
	"k6": func(w io.Writer, size int64) {
		fmt.Fprint(w, `{"metrics":{`)
		members(w, size, func(w io.Writer, i int) int {
			n, _ := fmt.Fprintf(w, `"custom_%d":{"type":"trend","contains":"time","values":{"avg":%d.5,"min":1,"med":%d,"max":900,"p(90)":%d,"p(95)":%d}}`, i, 10+i%50, 9+i%50, 20+i%50, 30+i%50)
			return n
		})
		fmt.Fprint(w, `}}`)
	},
	"jmh": func(w io.Writer, size int64) {
		fmt.Fprint(w, `[`)
		arrayOf(w, size, func(w io.Writer, i int) int {
			n, _ := fmt.Fprintf(w, `{"benchmark":"org.bench.B.m%d","mode":"avgt","threads":1,"forks":1,"params":{"n":"%d"},"primaryMetric":{"score":1.5,"scoreError":0.1,"scoreUnit":"ns/op","rawData":[[1.4,1.5,1.6],[1.5,1.5,1.%d]]},"secondaryMetrics":{}}`, i, i%4, i%10)
			return n
		})
	},
	"benchmarkdotnet": func(w io.Writer, size int64) {
		fmt.Fprint(w, `{"Title":"x","HostEnvironmentInfo":{},"Benchmarks":[`)
		arrayOf(w, size, func(w io.Writer, i int) int {
			n, _ := fmt.Fprintf(w, `{"FullName":"Bench.Type.M%d","Statistics":{"Mean":120.5,"Median":120,"OriginalValues":[119.5,120.1,121.%d]},"Memory":{"BytesAllocatedPerOperation":64,"TotalOperations":1000,"Gen0Collections":1}}`, i, i%10)
			return n
		})
		fmt.Fprint(w, `}`)
	},
	"locust-json": func(w io.Writer, size int64) {
		fmt.Fprint(w, `{"endpoints":{`)
		members(w, size, func(w io.Writer, i int) int {
			n, _ := fmt.Fprintf(w, `"GET /item/%d":{"count":1000,"failures":1,"p50":%d,"p95":%d,"p99":%d,"mean":%d.5,"min":1,"max":900}`, i, 10+i%50, 30+i%50, 60+i%50, 12+i%50)
			return n
		})
		fmt.Fprint(w, `},"error_rate":0.001}`)
	},
}

// objectOf writes `{entry,entry…}` of about size bytes.
func objectOf(w io.Writer, size int64, entry func(io.Writer, int) int) {
	fmt.Fprint(w, `{`)
	members(w, size, entry)
	fmt.Fprint(w, `}`)
}

// arrayOf writes `entry,entry…]` of about size bytes (the '[' is the
// caller's).
func arrayOf(w io.Writer, size int64, entry func(io.Writer, int) int) {
	members(w, size, entry)
	fmt.Fprint(w, `]`)
}

// members writes entries separated by commas until about size bytes.
func members(w io.Writer, size int64, entry func(io.Writer, int) int) {
	var n int64
	for i := 0; n < size; i++ {
		if i > 0 {
			fmt.Fprint(w, ",\n")
			n += 2
		}
		n += int64(entry(w, i))
	}
}

// TestWriteLargeJSON writes the large inputs of README "Hardening" into
// the directory FLAMEIQ_LARGE_JSON (MB megabytes each, FLAMEIQ_LARGE_MB,
// default 60); without it, it checks that a 64 KiB document of each
// generator parses, so that the generators stay valid input.
func TestWriteLargeJSON(t *testing.T) {
	dir := os.Getenv("FLAMEIQ_LARGE_JSON")
	size := int64(64 << 10)
	if dir != "" {
		mb := int64(60)
		if v := os.Getenv("FLAMEIQ_LARGE_MB"); v != "" {
			fmt.Sscan(v, &mb)
		}
		size = mb * 1000 * 1000
	} else {
		dir = t.TempDir()
	}
	for format, gen := range largeJSON {
		file := filepath.Join(dir, format+".json")
		if format == "criterion" { // detected by its name
			file = filepath.Join(dir, "criterion", "new", "sample.json")
			if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		f, err := os.Create(file)
		if err != nil {
			t.Fatal(err)
		}
		w := bufio.NewWriter(f)
		gen(w, size)
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		f.Close()
		if size > 1<<20 {
			continue
		}
		s, err := ParseFileWith(file, Options{})
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if s.Meta.Format != format {
			t.Errorf("%s: detected as %s", format, s.Meta.Format)
		}
	}
}

// TestLargeFileRereadSame: a document of 16 MiB or more in a regular file
// is walked from the file again, its bytes let go (jsonStream.reread);
// from a pipe it is spooled to a temporary file first and walked from
// there. What it gives, a snapshot or errors, is the same either way, and
// the temporary file is gone afterwards.
func TestLargeFileRereadSame(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 17 MB")
	}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	var b bytes.Buffer
	largeJSON["bmf"](&b, 17<<20)
	good := b.Bytes()
	bad := append(bytes.Clone(bytes.TrimSuffix(good, []byte("}"))), []byte(`,"last":{"latency":{"value":-1}}}`)...)
	for _, doc := range [][]byte{good, bad} {
		file := filepath.Join(t.TempDir(), "big.json")
		if err := os.WriteFile(file, doc, 0o644); err != nil {
			t.Fatal(err)
		}
		fromFile, errFile := ParseFileWith(file, Options{})
		fromPipe, errPipe := Parse(bytes.NewReader(doc), file, "")
		if left, _ := os.ReadDir(tmp); len(left) > 0 {
			t.Errorf("left in TMPDIR: %v", left)
		}
		if fmt.Sprint(errFile) != fmt.Sprint(errPipe) {
			t.Fatalf("file: %v\npipe: %v", errFile, errPipe)
		}
		if errFile != nil {
			if !strings.Contains(errFile.Error(), "last.latency.value: negative value -1") {
				t.Errorf("error: %v", errFile)
			}
			continue
		}
		if len(fromFile.Metrics) != len(fromPipe.Metrics) || len(fromFile.Metrics) < 100000 {
			t.Errorf("file %d metrics, pipe %d", len(fromFile.Metrics), len(fromPipe.Metrics))
		}
	}
}

// TestSpool: a pipe of 16 MiB or more is copied to a temporary file that
// is read in its place (its size known, readable again) and removed by
// unspool; a smaller one is read from memory.
func TestSpool(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	small, unspool, err := spool(strings.NewReader("{}"), "-")
	if _, ok := small.(sizedReader); ok || err != nil {
		t.Fatalf("small input: %T, %v", small, err)
	}
	unspool()
	big := strings.Repeat(" ", spoolSize+10)
	r, unspool, err := spool(io.MultiReader(strings.NewReader(big), strings.NewReader("{}")), "-")
	if err != nil {
		t.Fatal(err)
	}
	sr, ok := r.(sizedReader)
	if left, _ := os.ReadDir(tmp); !ok || sr.size != int64(len(big)+2) || len(left) != 1 {
		t.Fatalf("large input: %T, size %d, %d files in TMPDIR", r, sr.size, len(left))
	}
	if again, ok := sr.reread(); !ok {
		t.Fatal("cannot read the spooled file again")
	} else if b, _ := io.ReadAll(again); string(b) != big+"{}" {
		t.Fatalf("spooled %d bytes, want %d", len(b), len(big)+2)
	}
	unspool()
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Fatalf("left in TMPDIR: %v", left)
	}
}
