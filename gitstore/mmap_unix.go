//go:build unix

package gitstore

import (
	"os"
	"syscall"
)

// mapFile maps a whole file read-only. The mapping outlives the file
// descriptor; release it with unmapFile.
func mapFile(path string) ([]byte, error) {
	return mapFileProt(path, syscall.PROT_READ, syscall.MAP_SHARED)
}

// mapFilePrivate maps a whole file copy-on-write: reads share the page
// cache, and a write by mistake changes this process's copy, never the file
// (and never faults, as a write to a read-only mapping would).
func mapFilePrivate(path string) ([]byte, error) {
	return mapFileProt(path, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE)
}

func mapFileProt(path string, prot, flags int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() == 0 {
		return []byte{}, nil
	}
	return syscall.Mmap(int(f.Fd()), 0, int(st.Size()), prot, flags)
}

func unmapFile(b []byte) {
	if len(b) > 0 {
		_ = syscall.Munmap(b)
	}
}
