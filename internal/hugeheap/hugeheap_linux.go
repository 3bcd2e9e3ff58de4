package hugeheap

import (
	"os"
	"runtime"
	"strings"
	"syscall"
	"unsafe"
)

const (
	// chunk is the unit in which the Go runtime maps heap memory
	// (pallocChunkBytes); heap mappings are whole, aligned chunks.
	chunk = 4 << 20

	// headroom is how much of the first chunk must still be free for a
	// short command's package initialisation and work; with less, the
	// next chunk is mapped at once so that it can be advised too.
	headroom = 2 << 20

	madvHugepage = 14 // MADV_HUGEPAGE
	madvCollapse = 25 // MADV_COLLAPSE, Linux 6.1+
)

// probe lies in the heap chunk in use when this package initialises: the
// first one, as this package initialises before the libraries that
// allocate much (an import path under github.com/flameiq sorts early).
var probe = new([64]byte)

// advised lists the chunks advised, for the tests.
var advised []uintptr

func init() {
	if strings.Contains(os.Getenv("GODEBUG"), "disablethp=1") {
		return
	}
	p := uintptr(unsafe.Pointer(probe))
	last := p &^ (chunk - 1)
	// The heap may have started in the chunk below: os.Args is among the
	// runtime's first allocations.
	first := last
	if len(os.Args) > 0 {
		if a := uintptr(unsafe.Pointer(unsafe.SliceData(os.Args))) &^ (chunk - 1); a < last && last-a <= 2*chunk {
			first = a
		}
	}
	for c := first; c <= last; c += chunk {
		advise(c)
	}
	// Since Go 1.26 the heap starts at a random page of its first chunk
	// (GOEXPERIMENT=randomizedheapbase64, the default). When it started
	// near the end, initialisation soon spills into a chunk the runtime
	// maps later, which would not be advised: measured here, a third of
	// all runs then took ~500 page faults instead of ~300.
	if n := spillSize(p); n > 0 {
		// An allocation that does not fit in what is left makes the
		// runtime map the next chunk now. It is never written (fresh
		// memory needs no zeroing), so it costs address space only, and
		// it is garbage at once.
		spill := make([]byte, n)
		end := uintptr(unsafe.Pointer(unsafe.SliceData(spill))) + uintptr(n) - 1
		if next := end &^ (chunk - 1); next != last {
			advise(next)
		}
		runtime.KeepAlive(spill)
	}
}

// spillSize is the size of the allocation that pushes the heap into its
// next chunk when the chunk holding p has less than headroom left, else 0.
// It asks for what is left plus 64 KiB, so that the allocations after it
// start in the new chunk and the heap grows by no more than needed (a
// larger spill brings the first garbage collection forward).
func spillSize(p uintptr) int {
	left := (p | (chunk - 1)) + 1 - p
	if left >= headroom {
		return 0
	}
	return int(left) + 64<<10
}

// advise asks for huge pages in the chunk at c and collapses what the
// runtime has already touched there. Both calls are advice: an older
// kernel, THP set to "never", or no free huge page leaves the chunk as it
// was. The collapse fails harmlessly (EINVAL) for a half with no pages
// yet, which MADV_HUGEPAGE then fills 2 MiB at a time on its first fault.
func advise(c uintptr) {
	advised = append(advised, c)
	_, _, _ = syscall.Syscall(syscall.SYS_MADVISE, c, chunk, madvHugepage)
	_, _, _ = syscall.Syscall(syscall.SYS_MADVISE, c, chunk, madvCollapse)
}
