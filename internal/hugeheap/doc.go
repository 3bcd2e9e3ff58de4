// Package hugeheap asks Linux to back the first chunk of the Go heap with
// transparent huge pages, so a short-lived command does not pay one page
// fault per 4 KiB it touches.
//
// git-flameiq is a command that starts, reads a few objects and exits;
// most of its wall time on a virtual machine goes to page faults, not
// to work. Measured on the CI machines (2-core VMs, Linux 6.x, THP
// "madvise"): `git-flameiq --version` took 694 page faults and 22 ms
// against 184 faults and 6 ms for an empty Go program; 400 of the extra
// faults were heap pages touched during package initialisation. With
// the first 4 MiB heap chunk advised MADV_HUGEPAGE and collapsed
// (MADV_COLLAPSE), the same run takes about 300 faults and 14 ms.
//
// Go 1.26 starts the heap at a random page of its first chunk. When that
// page is near the chunk's end, package initialisation spills into a chunk
// the runtime maps later; this package then makes the runtime map it at
// once (an allocation that does not fit, never written) and advises it as
// well. Without that, a third of the runs took ~500 faults instead of ~300.
//
// Import it for its side effect from package main, before anything
// that allocates much at init. It is advice only: on other systems, on
// kernels without MADV_COLLAPSE or with THP disabled, nothing changes.
// GODEBUG=disablethp=1 (the Go runtime's own switch) turns it off.
package hugeheap
