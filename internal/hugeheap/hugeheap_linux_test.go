package hugeheap

import (
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// The advice must leave the heap fully usable: allocate across the
// advised chunk and beyond it, collect, and check the contents.
func TestHeapUsableAfterAdvice(t *testing.T) {
	bufs := make([][]byte, 0, 64)
	for i := range 64 {
		b := make([]byte, 128<<10)
		for j := range b {
			b[j] = byte(i)
		}
		bufs = append(bufs, b)
	}
	runtime.GC()
	for i, b := range bufs {
		if b[0] != byte(i) || b[len(b)-1] != byte(i) {
			t.Fatalf("buffer %d corrupted", i)
		}
	}
	if probe == nil {
		t.Fatal("probe not allocated")
	}
}

// Every chunk advised (the one holding the probe, the one below it when
// the heap started there, and the next one when the heap started near the
// end of its first chunk) carries the kernel's "hg"
// flag (MADV_HUGEPAGE took effect) wherever THP can be advised at all.
func TestChunksAdvised(t *testing.T) {
	mode, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil || strings.Contains(string(mode), "[never]") {
		t.Skip("transparent huge pages unavailable here")
	}
	if strings.Contains(os.Getenv("GODEBUG"), "disablethp=1") {
		t.Skip("GODEBUG=disablethp=1")
	}
	smaps, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		t.Skip(err)
	}
	p := uintptr(unsafe.Pointer(probe))
	if !slices.Contains(advised, p&^(chunk-1)) {
		t.Fatalf("advised %#x, not the probe's chunk %#x", advised, p&^(chunk-1))
	}
	for _, c := range advised {
		if flags := vmFlags(string(smaps), uint64(c)); !slices.Contains(flags, "hg") {
			t.Errorf("heap chunk at %#x not advised: VmFlags %v", c, flags)
		}
	}
}

// vmFlags returns the VmFlags of the mapping holding addr in smaps.
func vmFlags(smaps string, addr uint64) []string {
	var inVMA bool
	for _, line := range strings.Split(smaps, "\n") {
		f := strings.Fields(line)
		if len(f) > 0 && strings.Contains(f[0], "-") && !strings.HasSuffix(f[0], ":") {
			lo, hi, _ := strings.Cut(f[0], "-")
			a, err1 := strconv.ParseUint(lo, 16, 64)
			b, err2 := strconv.ParseUint(hi, 16, 64)
			inVMA = err1 == nil && err2 == nil && a <= addr && addr < b
			continue
		}
		if inVMA && len(f) > 0 && f[0] == "VmFlags:" {
			return f[1:]
		}
	}
	return nil
}

func TestSpillSize(t *testing.T) {
	const base = 0x2c95f2000000 // a chunk-aligned heap start
	for _, tc := range []struct {
		off  uintptr
		want int
	}{
		{0, 0},
		{1 << 20, 0},
		{chunk - headroom, 0}, // exactly the headroom left
		{chunk - headroom + 8, headroom - 8 + 64<<10}, // just under it
		{chunk - 4096, 4096 + 64<<10},                 // last page
		{chunk - 64, 64 + 64<<10},
	} {
		if got := spillSize(base + tc.off); got != tc.want {
			t.Errorf("spillSize(base+%#x) = %d, want %d", tc.off, got, tc.want)
		}
	}
}
