package gitstore

import "syscall"

// releaseMapped drops the pages of a read-only file mapping from this
// process (the kernel keeps them in its page cache, so touching them again
// is a minor fault, not a read). Long walks call it so that a 100k-commit
// history does not keep the whole pack resident.
func releaseMapped(b []byte) {
	if len(b) > 0 {
		_ = syscall.Madvise(b, syscall.MADV_DONTNEED)
	}
}
