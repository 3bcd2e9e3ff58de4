package ingest

// BenchmarkDotNet full JSON (format "benchmarkdotnet"): the
// `*-report-full.json` exporter (JsonExporter.Full) output.
//
//	`<FullName>[<Parameters>]:sec/op`  time per operation, lower is better.
//	        FullName is Namespace.Type.Method (built from those fields
//	        for the 0.9/0.10 exporters, which wrote none); the Parameters string
//	        ("N=10&Mode=Fast"), when not empty, is appended in brackets.
//	        Samples: the Measurements with IterationMode "Workload" and
//	        IterationStage "Result" (Nanoseconds / Operations, one per
//	        iteration) when present; else Statistics.OriginalValues; else
//	        Statistics.Median, else Mean, as one sample. Nanoseconds are
//	        converted to seconds.
//	`<…>:B/op`     Memory.BytesAllocatedPerOperation (MemoryDiagnoser), lower is better
//	`<…>:gen0/op`  Memory.Gen0Collections / TotalOperations (likewise gen1, gen2)
//
// A benchmark with none of these is an error naming it.

import (
	"io"

	"github.com/flameiq/git-flameiq/snapshot"
)

func init() {
	register(Format{
		Name:     "benchmarkdotnet",
		Doc:      "BenchmarkDotNet full JSON export",
		Detect:   detectBDN,
		Parse:    parseBDN,
		Priority: 70,
	})
}

func detectBDN(head []byte, _ string) bool {
	return jsonHead(head, "{") && hasAll(head, "Benchmarks") && (hasAll(head, "Statistics") || hasAll(head, "HostEnvironmentInfo"))
}

func parseBDN(r io.Reader, name string) (*snapshot.Snapshot, error) {
	js, err := openJSONStream(r, name)
	if err != nil {
		return nil, err
	}
	defer js.done()
	s := js.snapshot()
	// One benchmark decoded at a time (jsonStream).
	c, cb := &collector{file: name}, &collector{file: name}
	_, _, walked := js.object("Benchmarks", func(i int, v any) {
		base := index("Benchmarks", i)
		if b, ok := cb.object(v, base); ok {
			js.build(s, func() { bdnBenchmark(cb, s, base, b) })
		}
	})
	if err := js.fail(); walked && err != nil {
		return nil, err
	}
	if !walked {
		return nil, js.unwalked(c, func(doc map[string]any) { c.requiredArray(doc, "Benchmarks", "BenchmarkDotNet JSON export") })
	}
	c.errs = append(c.errs, cb.errs...)
	return c.result(s)
}

// bdnBenchmark adds the metrics of one benchmark (at base).
func bdnBenchmark(c *collector, s *snapshot.Snapshot, base string, b map[string]any) {
	key, _ := c.str(b, "FullName", base)
	if key == "" {
		// The 0.9 and 0.10 exporters wrote no FullName: build it as
		// the newer exporter does, Namespace.Type.Method (0.9.9 has
		// no Namespace either).
		ns, _ := c.str(b, "Namespace", base)
		typ, _ := c.str(b, "Type", base)
		method, _ := c.str(b, "Method", base)
		if typ != "" && method != "" {
			key = typ + "." + method
			if ns != "" {
				key = ns + "." + key
			}
		}
	}
	if key == "" {
		key, _ = c.str(b, "DisplayInfo", base)
	}
	if key == "" {
		c.fail(path(base, "FullName"), "missing (and no Type and Method to build it from)")
		return
	}
	if p, _ := c.str(b, "Parameters", base); p != "" {
		key += "[" + p + "]"
	}
	bad := len(c.errs)
	var ns []float64
	if mv, ok := b["Measurements"]; ok && mv != nil {
		if ms, ok := c.array(mv, path(base, "Measurements")); ok {
			for mb, m := range c.objects(ms, path(base, "Measurements")) {
				mode, _ := c.str(m, "IterationMode", mb)
				stage, _ := c.str(m, "IterationStage", mb)
				if mode != "Workload" || stage != "Result" {
					continue
				}
				nsec, ok1 := c.nonNeg(m["Nanoseconds"], path(mb, "Nanoseconds"))
				ops, ok2 := c.nonNeg(m["Operations"], path(mb, "Operations"))
				if ok1 && ok2 && ops > 0 {
					ns = append(ns, nsec/ops)
				}
			}
		}
	}
	if st, ok := b["Statistics"].(map[string]any); ok && len(ns) == 0 {
		sb := path(base, "Statistics")
		if ov, ok := st["OriginalValues"]; ok && ov != nil {
			ns, _ = c.numbers(ov, path(sb, "OriginalValues"))
		}
		if len(ns) == 0 {
			if f, ok := c.firstNonNeg(st, sb, "Median", "Mean"); ok {
				ns = []float64{f}
			}
		}
	}
	if len(c.errs) > bad {
		return
	}
	if len(ns) == 0 {
		c.fail(base, "no measurements or statistics for %s", key)
		return
	}
	secs := make([]float64, len(ns))
	for j, x := range ns {
		secs[j] = x / 1e9
	}
	s.Add(key+":sec/op", "sec/op", snapshot.LowerIsBetter, secs...)
	if mem, ok := c.optObject(b, "Memory", base); ok {
		mb := path(base, "Memory")
		if f, ok := c.optNonNeg(mem, "BytesAllocatedPerOperation", mb); ok {
			s.Add(key+":B/op", "B/op", snapshot.LowerIsBetter, f)
		}
		if total, ok := c.optNonNeg(mem, "TotalOperations", mb); ok && total > 0 {
			for g, k := range []string{"Gen0Collections", "Gen1Collections", "Gen2Collections"} {
				if f, ok := c.optNonNeg(mem, k, mb); ok {
					u := "gen" + string(rune('0'+g)) + "/op"
					s.Add(key+":"+u, u, snapshot.LowerIsBetter, f/total)
				}
			}
		}
	}
}
