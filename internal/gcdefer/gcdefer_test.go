package gcdefer

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func gcPercent() int {
	p := debug.SetGCPercent(0)
	debug.SetGCPercent(p)
	return p
}

var sink [][]byte

// TestDeferredUntilLimit: the collector stays off below the limit, and
// the first collection, which the limit forces, restores the defaults.
func TestDeferredUntilLimit(t *testing.T) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		t.Skip("GOGC or GOMEMLIMIT set: the package leaves the collector alone")
	}
	defer restore()
	start(64 << 20)
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	if p := gcPercent(); p != -1 {
		t.Fatalf("GOGC after start = %d, want -1 (off)", p)
	}
	for i := 0; i < 8; i++ { // 8 MiB, more than GOGC=100's first 4 MiB goal
		sink = append(sink, make([]byte, 1<<20))
	}
	sink = nil
	var mid runtime.MemStats
	runtime.ReadMemStats(&mid)
	if mid.NumGC != before.NumGC {
		t.Errorf("%d collections below the limit, want 0", mid.NumGC-before.NumGC)
	}
	if got := debug.SetMemoryLimit(-1); got != 64<<20 {
		t.Errorf("memory limit = %d, want %d", got, 64<<20)
	}
	for i := 0; i < 128; i++ { // 128 MiB of garbage: the limit forces a collection
		sink = append(sink[:0], make([]byte, 1<<20))
	}
	sink = nil
	deadline := time.Now().Add(10 * time.Second)
	for gcPercent() != 100 {
		if time.Now().After(deadline) {
			t.Fatalf("GOGC still %d after the first collection, want 100", gcPercent())
		}
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
	if got := debug.SetMemoryLimit(-1); got != 1<<63-1 {
		t.Errorf("memory limit after the first collection = %d, want none", got)
	}
}

// TestRestoreKeepsLaterSettings: the first collection's restore puts back
// only what start set: a memory limit or GOGC set since stays.
func TestRestoreKeepsLaterSettings(t *testing.T) {
	defer restore()
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(64 << 20)
	restoreFrom(64 << 20)
	if p, l := gcPercent(), debug.SetMemoryLimit(-1); p != 100 || l != 1<<63-1 {
		t.Errorf("start's settings: GOGC %d, limit %d after restore, want 100, none", p, l)
	}
	debug.SetGCPercent(20)
	debug.SetMemoryLimit(200 << 20)
	restoreFrom(64 << 20)
	if p, l := gcPercent(), debug.SetMemoryLimit(-1); p != 20 || l != 200<<20 {
		t.Errorf("later settings: GOGC %d, limit %d after restore, want 20, %d", p, l, 200<<20)
	}
}

// restore sets the runtime's defaults back after a test.
func restore() {
	debug.SetMemoryLimit(math.MaxInt64)
	debug.SetGCPercent(100)
}
