//go:build unix && !linux

package gitstore

// releaseMapped keeps the pages: the syscall package has no madvise here,
// and the kernel reclaims clean file pages under pressure anyway.
func releaseMapped([]byte) {}
