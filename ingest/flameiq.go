package ingest

// FlameIQ v1 snapshot JSON (format "flameiq").
//
// Keys are flattened exactly as FlameIQ does:
//
//	metrics.latency.{mean,p50,p95,p99} -> latency.mean, latency.p50, latency.p95, latency.p99 (unit ms)
//	metrics.throughput                 -> throughput
//	metrics.memory_mb                  -> memory_mb (unit MB)
//	metrics.cpu_percent                -> cpu_percent (unit %)
//	metrics.custom.<name>              -> custom.<name>
//
// Directions are FlameIQ's fixed groups (snapshot.FlameIQDirection):
// latency, memory and cpu lower is better, throughput higher is better,
// custom two-sided. metadata.commit, branch, environment, timestamp (kept
// when it parses as an ISO 8601 date-time) and tags become snapshot.Meta.
// Unknown keys at any level are ignored, and null values count as absent,
// as in FlameIQ.
//
// Validation follows FlameIQ's schema (schema_version must be 1, metrics a
// non-empty object with at least one value) and is stricter where FlameIQ
// is lax: NaN/Infinity tokens, negative values, booleans, numeric strings
// and a boolean schema_version are errors naming the field, e.g.
// "snap.json: metrics.latency.p95: negative value -3".
//
// A file holding several snapshot documents one after another (FlameIQ's
// history.jsonl) is accepted; the samples of equal keys concatenate.

import (
	"io"
	"time"

	"github.com/flameiq/git-flameiq/snapshot"
)

func init() {
	register(Format{
		Name:     "flameiq",
		Doc:      "FlameIQ v1 snapshot JSON (schema_version 1)",
		Detect:   detectFlameIQ,
		Parse:    parseFlameIQ,
		Priority: 90,
	})
}

func detectFlameIQ(head []byte, _ string) bool {
	return jsonHead(head, "{") && hasAll(head, "schema_version", "metrics")
}

// parseFlameIQ walks the documents one member at a time (jsonStream):
// metrics.custom entry by entry, every other member (metadata, latency …)
// decoded whole. The errors come in the order of a document decoded
// whole: schema_version, metadata, then the metrics (latency, throughput,
// memory_mb, cpu_percent, custom in byte order of the name).
func parseFlameIQ(r io.Reader, name string) (*snapshot.Snapshot, error) {
	st, err := openJSONDocs(r, name)
	if err != nil {
		return nil, err
	}
	defer st.done()
	s := st.snapshot()
	c := &collector{file: name}
	for docs := 1; st.err == nil && st.dec.More(); docs++ {
		base := ""
		if docs > 1 {
			base = index("", docs-1) // "[1]": the second document
		}
		flameIQDoc(st, c, s, base)
	}
	if err := st.fail(); err != nil {
		return nil, err
	}
	return c.result(s)
}

var flameIQLatency = []string{"mean", "p50", "p95", "p99"}

// flameIQDoc walks one document.
func flameIQDoc(st *jsonStream, c *collector, s *snapshot.Snapshot, base string) {
	if what, ok := st.open('{'); !ok {
		c.fail(base, "expected a FlameIQ snapshot object, got %s", what)
		return
	}
	var doc = map[string]any{} // schema_version and metadata
	var fm flameIQMetrics
	st.rest(func(key string) {
		switch key {
		case "schema_version", "metadata":
			doc[key] = st.value()
		case "metrics":
			fm.walk(st, s, path(base, "metrics"))
		default:
			st.skip()
		}
	})
	sv, ok := doc["schema_version"]
	if !ok {
		c.fail(path(base, "schema_version"), "missing (FlameIQ v1 snapshots have \"schema_version\": 1)")
	} else if f, ok := c.number(sv, path(base, "schema_version")); ok && f != 1 {
		c.fail(path(base, "schema_version"), "unsupported schema version %s (want 1)", fmtNum(f))
	}
	if m, ok := c.optObject(doc, "metadata", base); ok {
		flameIQMeta(c, &s.Meta, m, path(base, "metadata"))
	}
	fm.finish(c, s, path(base, "metrics"))
}

// flameIQMetrics is what the walk of one document's metrics found: the
// custom metrics are added as they come (their errors held back in
// custom), the few others kept to be added after.
type flameIQMetrics struct {
	present bool
	notObj  string         // the type of a metrics that is not an object
	members int            // how many members it has
	rest    map[string]any // latency, throughput, memory_mb, cpu_percent
	custom  collector      // the errors of the custom metrics
	added   int            // the metrics added
}

// walk reads the value of "metrics" (at mb).
func (fm *flameIQMetrics) walk(st *jsonStream, s *snapshot.Snapshot, mb string) {
	fm.present = true
	what, ok := st.open('{')
	if !ok {
		fm.notObj = what
		return
	}
	fm.rest = map[string]any{}
	fm.custom.file = st.name
	st.rest(func(key string) {
		fm.members++
		switch key {
		case "latency", "throughput", "memory_mb", "cpu_percent":
			fm.rest[key] = st.value()
		case "custom":
			fm.walkCustom(st, s, path(mb, "custom"))
		default:
			st.skip()
		}
	})
}

// walkCustom adds the metrics of custom (at cb) entry by entry.
func (fm *flameIQMetrics) walkCustom(st *jsonStream, s *snapshot.Snapshot, cb string) {
	what, ok := st.open('{')
	switch {
	case what == "null":
		return // absent
	case !ok:
		fm.custom.fail(cb, "expected an object, got %s", what)
		return
	}
	st.rest(func(k string) {
		v := st.value()
		fm.custom.member(k, func(c *collector) {
			if v == nil {
				return
			}
			if f, ok := c.nonNeg(v, path(cb, k)); ok {
				s.Add("custom."+k, "", snapshot.FlameIQDirection("custom."+k), f)
				fm.added++
				st.spend(built(s, s.Len()-1))
			}
		})
	})
	fm.custom.membersDone()
}

// finish adds the other metrics and reports the errors in the order of
// the document decoded whole.
func (fm *flameIQMetrics) finish(c *collector, s *snapshot.Snapshot, mb string) {
	switch {
	case !fm.present:
		c.fail(mb, "missing")
		return
	case fm.notObj != "":
		c.fail(mb, "expected an object, got %s", fm.notObj)
		return
	case fm.members == 0:
		c.fail(mb, "empty: a snapshot needs at least one metric")
		return
	}
	add := func(key, unit string, f float64) {
		s.Add(key, unit, snapshot.FlameIQDirection(key), f)
		fm.added++
	}
	if lat, ok := c.optObject(fm.rest, "latency", mb); ok {
		for _, k := range flameIQLatency {
			if f, ok := c.optNonNeg(lat, k, path(mb, "latency")); ok {
				add("latency."+k, "ms", f)
			}
		}
	}
	for _, k := range []struct{ key, unit string }{{"throughput", ""}, {"memory_mb", "MB"}, {"cpu_percent", "%"}} {
		if f, ok := c.optNonNeg(fm.rest, k.key, mb); ok {
			add(k.key, k.unit, f)
		}
	}
	c.errs = append(c.errs, fm.custom.errs...)
	if fm.added == 0 && len(c.errs) == 0 {
		c.fail(mb, "no metric values (every metric is null or empty)")
	}
}

func flameIQMeta(c *collector, meta *snapshot.Meta, m map[string]any, base string) {
	set := func(dst *string, key string) {
		if v, ok := c.str(m, key, base); ok && *dst == "" {
			*dst = v
		}
	}
	set(&meta.Commit, "commit")
	set(&meta.Branch, "branch")
	set(&meta.Environment, "environment")
	if ts, ok := c.str(m, "timestamp", base); ok && meta.Timestamp == "" && validTimestamp(ts) {
		meta.Timestamp = ts
	}
	if tags, ok := c.optObject(m, "tags", base); ok {
		for _, k := range sortedKeys(tags) {
			if meta.Tags == nil {
				meta.Tags = map[string]string{}
			}
			if _, have := meta.Tags[k]; !have {
				meta.Tags[k] = scalarString(tags[k])
			}
		}
	}
}

// validTimestamp accepts the ISO 8601 forms Python's datetime.isoformat
// writes, with or without a zone.
func validTimestamp(s string) bool {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999"} {
		if _, err := time.Parse(layout, s); err == nil {
			return true
		}
	}
	return false
}
