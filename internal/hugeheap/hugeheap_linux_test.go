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

// The chunk holding the probe carries the kernel's "hg" flag (MADV_HUGEPAGE
// took effect) wherever THP can be advised at all.
func TestFirstChunkAdvised(t *testing.T) {
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
	p := uint64(uintptr(unsafe.Pointer(probe)))
	var inVMA bool
	for _, line := range strings.Split(string(smaps), "\n") {
		f := strings.Fields(line)
		if len(f) > 0 && strings.Contains(f[0], "-") && !strings.HasSuffix(f[0], ":") {
			lo, hi, _ := strings.Cut(f[0], "-")
			a, err1 := strconv.ParseUint(lo, 16, 64)
			b, err2 := strconv.ParseUint(hi, 16, 64)
			inVMA = err1 == nil && err2 == nil && a <= p && p < b
			continue
		}
		if inVMA && len(f) > 0 && f[0] == "VmFlags:" {
			if !slices.Contains(f[1:], "hg") {
				t.Fatalf("heap chunk at %#x not advised: %s", p, line)
			}
			return
		}
	}
	t.Fatalf("no mapping holds the probe at %#x", p)
}
