// Package gcdefer holds off the garbage collector until the heap is worth
// collecting.
//
// git-flameiq runs for tens of milliseconds. Under the default GOGC=100 the
// runtime starts its first collection at a 4 MiB heap, which `log -n 1000`
// passes: the collection, its sweeping, and the runtime structures it
// touches for the first time cost more than the few megabytes it frees
// (on the CI machines, where a page fault costs ~20 µs, `log -n 1000` ran
// 6 % faster with GOGC=off, and its peak memory fell). This package turns
// the collector off at start-up with a soft memory limit instead: a command
// that allocates less than Limit never collects; one that reaches it gets
// a collection then, and from that collection on the runtime's defaults
// (GOGC=100, no limit) apply as if nothing had changed.
//
// Import it for its side effect from package main. A GOGC or GOMEMLIMIT in
// the environment is the user's choice and is left alone.
package gcdefer

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
)

// Limit is the heap size at which the first collection runs.
const Limit = 32 << 20

func init() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	start(Limit)
}

// start turns the collector off until the heap reaches limit, and restores
// the defaults after the first collection, whatever started it.
func start(limit int64) {
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(limit)
	// A finalizer runs after the collection that finds its object
	// unreachable: the first one. (Not a tiny allocation: those can share
	// a block with live objects and never be finalized.)
	sentinel := new(struct {
		_ *int
		_ [16]byte
	})
	runtime.SetFinalizer(sentinel, func(any) { restoreFrom(limit) })
}

// restoreFrom sets back what start set and is still set: the memory limit
// when it is still limit, GOGC when it is still off. The finalizer runs
// when it runs, after the first collection: a setting made since (the
// memory limit and GOGC of a large JSON walk, ingest/jsonstream.go) is
// kept; put back, it had let the walk's heap double.
func restoreFrom(limit int64) {
	if debug.SetMemoryLimit(-1) == limit {
		debug.SetMemoryLimit(math.MaxInt64)
	}
	if prev := debug.SetGCPercent(100); prev != -1 {
		debug.SetGCPercent(prev)
	}
}
