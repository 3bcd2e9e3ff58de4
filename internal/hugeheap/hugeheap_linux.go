package hugeheap

import (
	"os"
	"strings"
	"syscall"
	"unsafe"
)

const (
	// chunk is the unit in which the Go runtime maps heap memory
	// (pallocChunkBytes); the first heap mapping is one chunk, aligned.
	chunk    = 4 << 20
	hugePage = 2 << 20

	madvHugepage = 14 // MADV_HUGEPAGE
	madvCollapse = 25 // MADV_COLLAPSE, Linux 6.1+
)

// probe lies in the heap chunk in use when this package initialises: the
// first one, as this package initialises before the libraries that
// allocate much (an import path under github.com/flameiq sorts early).
var probe = new([64]byte)

func init() {
	if strings.Contains(os.Getenv("GODEBUG"), "disablethp=1") {
		return
	}
	p := uintptr(unsafe.Pointer(probe))
	// Both calls are advice: an older kernel, THP set to "never", or no
	// free huge page just leaves the heap as it was. The advice makes the
	// untouched rest of the chunk fault in 2 MiB at a time; the collapse
	// turns the 2 MiB the runtime has already started filling into one
	// huge page.
	_, _, _ = syscall.Syscall(syscall.SYS_MADVISE, p&^(chunk-1), chunk, madvHugepage)
	_, _, _ = syscall.Syscall(syscall.SYS_MADVISE, p&^(hugePage-1), hugePage, madvCollapse)
}
