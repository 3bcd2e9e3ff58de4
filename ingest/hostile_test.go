package ingest

// Hostile input (issue 9, item 4): huge streamed Go text, deeply nested
// JSON, hostile metric names, and every malformed corpus file. Parsers must
// never panic: they accept (keeping names intact) or fail with *Error/Errors
// naming the file.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/flameiq/git-flameiq/snapshot"
)

// goTextSource produces `go test -bench -v` style text on the fly, never
// holding more than one chunk: result lines for a handful of long-named
// benchmarks, interleaved with the log lines verbose benchmarks print.
type goTextSource struct {
	limit, n int64
	i        int
	buf      []byte
}

func newGoTextSource(limit int64) *goTextSource {
	return &goTextSource{limit: limit, buf: []byte("goos: linux\ngoarch: amd64\npkg: example.com/huge\ncpu: Test CPU\n")}
}

func (g *goTextSource) Read(p []byte) (int, error) {
	if g.n >= g.limit && len(g.buf) == 0 {
		return 0, io.EOF
	}
	for len(g.buf) < len(p) && g.n+int64(len(g.buf)) < g.limit {
		g.i++
		g.buf = fmt.Appendf(g.buf, "BenchmarkEncode/codec=json/size=%d/mode=streaming-2   \t  %d\t  %d.%d ns/op\n"+
			"    huge_test.go:%d: iteration %d: warming up the encoder with a payload of %d bytes, nothing to see\n"+
			"    huge_test.go:%d: iteration %d: done, the output buffer was reused and no allocation happened\n",
			1<<(g.i%4+10), 1000+g.i%97, 40000+g.i%1013, g.i%10, 100+g.i%50, g.i, g.i%4096, 200+g.i%50, g.i)
	}
	k := copy(p, g.buf)
	g.buf = g.buf[k:]
	if len(g.buf) == 0 {
		g.buf = g.buf[:0:0] // let the chunk go
	}
	g.n += int64(k)
	return k, nil
}

// peakHeap runs f while sampling the live heap, and returns the largest
// HeapAlloc seen above the level before f started.
func peakHeap(f func()) uint64 {
	// A low GC target keeps HeapAlloc close to the live heap: at the
	// default, garbage the collector has not reached yet (later on a loaded
	// machine) counts as growth and the measure depends on the machine.
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(2 * time.Millisecond)
		defer t.Stop()
		for {
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > base && ms.HeapAlloc-base > peak.Load() {
				peak.Store(ms.HeapAlloc - base)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	f()
	close(done)
	wg.Wait()
	runtime.ReadMemStats(&ms)
	if ms.HeapAlloc > base && ms.HeapAlloc-base > peak.Load() {
		peak.Store(ms.HeapAlloc - base)
	}
	return peak.Load()
}

func TestHugeGoTextStreamed(t *testing.T) {
	size := int64(48 << 20)
	if os.Getenv("FLAMEIQ_HUGE") == "1" {
		size = 200 << 20
	}
	src := newGoTextSource(size)
	var s *snapshotResult
	peak := peakHeap(func() {
		snap, err := Parse(src, "huge.txt", "")
		s = &snapshotResult{err: err}
		if snap != nil {
			s.keys = snap.Keys()
			for _, m := range snap.Metrics {
				s.samples += len(m.Samples)
			}
		}
	})
	if s.err != nil {
		t.Fatalf("parse: %v", s.err)
	}
	if src.n < size {
		t.Fatalf("parser stopped after %d of %d bytes", src.n, size)
	}
	if len(s.keys) != 4 || s.samples != src.i {
		t.Fatalf("got %d keys %v and %d samples, want 4 keys and %d samples", len(s.keys), s.keys, s.samples, src.i)
	}
	t.Logf("%d MB of Go text (%d results): peak heap growth %.1f MB", size>>20, src.i, float64(peak)/(1<<20))
	// The samples themselves (8 bytes per result line, slices doubling)
	// are all that should grow; the text is never held.
	if peak > uint64(size)/4 {
		t.Errorf("peak heap growth %d bytes for %d bytes of input: the input is not streamed", peak, size)
	}
}

type snapshotResult struct {
	keys    []string
	samples int
	err     error
}

// isIngestError reports whether err is an *Error or Errors, every one
// naming file.
func isIngestError(t *testing.T, err error, file string) {
	t.Helper()
	var one *Error
	var many Errors
	switch {
	case errors.As(err, &one):
		if one.File != file {
			t.Errorf("error names %q, want %q: %v", one.File, file, err)
		}
	case errors.As(err, &many):
		if len(many) == 0 {
			t.Errorf("empty Errors")
		}
		for _, e := range many {
			if e.File != file {
				t.Errorf("error names %q, want %q: %v", e.File, file, e)
			}
		}
	default:
		t.Errorf("error %T (%v), want *ingest.Error or ingest.Errors", err, err)
	}
	if !strings.Contains(err.Error(), file) {
		t.Errorf("message does not name %s: %v", file, err)
	}
}

func noPanic(t *testing.T, label string, f func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%s: panic: %v", label, r)
		}
	}()
	f()
}

func TestDeeplyNestedJSON(t *testing.T) {
	const depth = 100_000
	inputs := map[string][]byte{
		"array":        bytes.Repeat([]byte("["), depth),
		"array-closed": append(bytes.Repeat([]byte("["), depth), bytes.Repeat([]byte("]"), depth)...),
		"in-object":    append([]byte(`{"results":[{"command":"x","times":`), bytes.Repeat([]byte("["), depth)...),
	}
	formats := []string{""}
	for _, f := range Formats() {
		formats = append(formats, f.Name)
	}
	for label, in := range inputs {
		for _, format := range formats {
			name := "nested-" + label + ".json"
			noPanic(t, label+"/"+format, func() {
				s, err := Parse(bytes.NewReader(in), name, format)
				if err == nil {
					t.Errorf("%s --format %q: accepted (%d metrics)", label, format, len(s.Metrics))
					return
				}
				isIngestError(t, err, name)
			})
		}
	}
	// As a file on disk, through ParseFileWith, too.
	dir := t.TempDir()
	p := filepath.Join(dir, "nested.json")
	if err := os.WriteFile(p, inputs["in-object"], 0o644); err != nil {
		t.Fatal(err)
	}
	noPanic(t, "ParseFileWith", func() {
		_, err := ParseFileWith(p, Options{})
		if err == nil {
			t.Fatal("accepted")
		}
		isIngestError(t, err, p)
		t.Logf("ParseFileWith: %v", firstLine(err.Error()))
	})
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

var hostileNames = map[string]string{
	"html":        `<script>alert(1)</script>`,
	"ansi":        "\x1b[31mred\x1b[0m\x1b]0;title\x07",
	"newline":     "line1\nline2\r\nline3",
	"dotdot":      "../../etc/passwd",
	"dots":        "..",
	"long-100KB":  strings.Repeat("n", 100<<10),
	"nul":         "a\x00b",
	"quote-colon": `a"b:c\d`,
	"unicode-rtl": "\u202eevil\u202c",
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestHostileMetricNames: a FlameIQ custom key, a pytest benchmark name and
// a hyperfine command holding each hostile name: accepted with the name
// intact, or rejected with *Error — never a panic.
func TestHostileMetricNames(t *testing.T) {
	for label, name := range hostileNames {
		docs := []struct {
			format, doc, key string
		}{
			{"flameiq", `{"schema_version":1,"metrics":{"custom":{` + jsonString(name) + `:1.5}}}`, "custom." + name},
			{"pytest-benchmark", `{"machine_info":{},"commit_info":{},"benchmarks":[{"group":null,"name":` + jsonString(name) +
				`,"fullname":` + jsonString(name) + `,"params":null,"stats":{"min":0.001,"max":0.003,"mean":0.002,"stddev":0.0001,"rounds":3,"median":0.002,"iqr":0.0001,"q1":0.0015,"q3":0.0025,"iqr_outliers":0,"stddev_outliers":0,"outliers":"0;0","ld15iqr":0.001,"hd15iqr":0.003,"ops":500,"total":0.006,"data":[0.001,0.002,0.003],"iterations":1}}],"datetime":"2026-01-01T00:00:00","version":"4.0.0"}`,
				name + ":sec/op"},
			{"hyperfine", `{"results":[{"command":` + jsonString(name) + `,"mean":0.1,"stddev":0.01,"median":0.1,"user":0.05,"system":0.01,"min":0.09,"max":0.11,"times":[0.09,0.1,0.11],"exit_codes":[0,0,0]}]}`,
				name + ":sec"},
		}
		for _, d := range docs {
			for _, format := range []string{d.format, ""} {
				t.Run(label+"/"+d.format+"/"+format, func(t *testing.T) {
					file := "hostile-" + label + ".json"
					noPanic(t, "parse", func() {
						s, err := Parse(strings.NewReader(d.doc), file, format)
						if err != nil {
							isIngestError(t, err, file)
							t.Logf("rejected: %s", firstLine(err.Error()))
							return
						}
						// Control characters are escaped (\x1b, \n) so they
						// can never drive a terminal; everything else is kept.
						if s.Get(snapshot.Printable(d.key)) == nil {
							keys := s.Keys()
							for i, k := range keys {
								if len(k) > 80 {
									keys[i] = fmt.Sprintf("%.80q…", k)
								}
							}
							t.Errorf("accepted, but the key is not intact: want %.80q…, have %q", d.key, keys)
						}
					})
				})
			}
		}
	}
}

// The MANIFEST labels these as valid edge cases that must parse (or, for
// utf16, may be rejected with a clear encoding error).
var malformedValid = map[string]bool{
	"go-text/crlf.txt":                       true,
	"go-text/large-5mb.txt":                  true,
	"generic/utf16-bom.json":                 true,
	"go-text/no-results.txt":                 false, // zero results: an error is right ("no benchmark results")
	"pytest-benchmark/empty-benchmarks.json": false,
}

func TestMalformedCorpus(t *testing.T) {
	root := filepath.Join("..", "testdata", "corpus", "malformed")
	var files []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	})
	if err != nil || len(files) == 0 {
		t.Fatalf("no malformed corpus under %s: %v", root, err)
	}
	for _, p := range files {
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		t.Run(rel, func(t *testing.T) {
			noPanic(t, rel, func() {
				s, err := ParseFileWith(p, Options{})
				if malformedValid[rel] {
					if err != nil {
						t.Errorf("valid edge case rejected: %v", firstLine(err.Error()))
						return
					}
					t.Logf("accepted: %s, %d metrics", s.Meta.Format, len(s.Metrics))
					return
				}
				if err == nil {
					t.Errorf("MALFORMED input accepted as %s with %d metrics", s.Meta.Format, len(s.Metrics))
					return
				}
				isIngestError(t, err, p)
				t.Logf("rejected: %s", firstLine(err.Error()))
			})
		})
	}
}
