package snapshot

import "strings"

// FlameIQDirection is FlameIQ's fixed direction group for a flat key:
// latency.*, memory_mb and cpu_percent are higher-is-worse, throughput is
// lower-is-worse, everything else (custom.* included) is two-sided.
func FlameIQDirection(key string) Direction {
	switch key {
	case "latency.mean", "latency.p50", "latency.p95", "latency.p99", "memory_mb", "cpu_percent":
		return LowerIsBetter
	case "throughput":
		return HigherIsBetter
	}
	return TwoSided
}

// UnitDirection infers a direction from a (tidied) unit: rates (anything
// per second, ops/s, B/s) are higher-is-better; times, bytes, allocations and
// other costs per operation are lower-is-better; anything else is two-sided.
func UnitDirection(unit string) Direction {
	u := strings.ToLower(unit)
	switch {
	case u == "":
		return TwoSided
	case strings.HasSuffix(u, "/s"), strings.HasSuffix(u, "/sec"), strings.HasSuffix(u, "ops"), strings.HasSuffix(u, "bps"),
		strings.HasSuffix(u, "per_second"), strings.Contains(u, "ops/s"), strings.Contains(u, "/second"),
		u == "hz", u == "rps", u == "ops", u == "score":
		return HigherIsBetter
	}
	base := u
	if i := strings.IndexByte(base, '/'); i >= 0 {
		base = base[:i]
	}
	switch base {
	case "sec", "s", "ms", "us", "µs", "μs", "ns", "ps", "min", "h",
		"b", "kb", "mb", "gb", "kib", "mib", "gib", "bytes", "byte",
		"allocs", "alloc", "cycles", "instructions", "%", "percent", "cpu", "ns_per_op":
		return LowerIsBetter
	}
	if strings.HasSuffix(u, "/op") || strings.HasSuffix(u, "/iter") || strings.HasSuffix(u, "/call") {
		return LowerIsBetter
	}
	return TwoSided
}
