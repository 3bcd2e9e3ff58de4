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
	"bytes"
	"encoding/json"
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

func parseFlameIQ(r io.Reader, name string) (*snapshot.Snapshot, error) {
	data, err := readAll(r, name, jsonShare)
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &Error{File: name, Msg: "empty input: no benchmark results"}
	}
	if err := checkDuplicateKeys(data, name); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	s := &snapshot.Snapshot{}
	c := &collector{file: name}
	docs := 0
	for {
		var v any
		err := dec.Decode(&v)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, jsonError(name, data, err)
		}
		docs++
		base := ""
		if docs > 1 {
			base = index("", docs-1) // "[1]": the second document
		}
		flameIQDoc(c, s, v, base)
	}
	return c.result(s)
}

var flameIQLatency = []string{"mean", "p50", "p95", "p99"}

func flameIQDoc(c *collector, s *snapshot.Snapshot, v any, base string) {
	doc, ok := v.(map[string]any)
	if !ok {
		c.fail(base, "expected a FlameIQ snapshot object, got %s", typeName(v))
		return
	}
	sv, ok := doc["schema_version"]
	if !ok {
		c.fail(path(base, "schema_version"), "missing (FlameIQ v1 snapshots have \"schema_version\": 1)")
	} else if f, ok := c.number(sv, path(base, "schema_version")); ok && f != 1 {
		c.fail(path(base, "schema_version"), "unsupported schema version %s (want 1)", fmtNum(f))
	}
	if m, ok := c.optObject(doc, "metadata", base); ok {
		flameIQMeta(c, &s.Meta, m, path(base, "metadata"))
	}
	mv, ok := doc["metrics"]
	if !ok {
		c.fail(path(base, "metrics"), "missing")
		return
	}
	mb := path(base, "metrics")
	metrics, ok := c.object(mv, mb)
	if !ok {
		return
	}
	if len(metrics) == 0 {
		c.fail(mb, "empty: a snapshot needs at least one metric")
		return
	}
	n := 0
	add := func(key, unit string, f float64) {
		s.Add(key, unit, snapshot.FlameIQDirection(key), f)
		n++
	}
	if lat, ok := c.optObject(metrics, "latency", mb); ok {
		for _, k := range flameIQLatency {
			if f, ok := c.optNonNeg(lat, k, path(mb, "latency")); ok {
				add("latency."+k, "ms", f)
			}
		}
	}
	for _, k := range []struct{ key, unit string }{{"throughput", ""}, {"memory_mb", "MB"}, {"cpu_percent", "%"}} {
		if f, ok := c.optNonNeg(metrics, k.key, mb); ok {
			add(k.key, k.unit, f)
		}
	}
	if custom, ok := c.optObject(metrics, "custom", mb); ok {
		for _, k := range sortedKeys(custom) {
			if f, ok := c.optNonNeg(custom, k, path(mb, "custom")); ok {
				add("custom."+k, "", f)
			}
		}
	}
	if n == 0 && len(c.errs) == 0 {
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
