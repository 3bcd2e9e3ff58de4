//go:build !unix

package gitstore

import "os"

// mapFile reads a whole file; platforms without mmap pay a full read.
func mapFile(path string) ([]byte, error) { return os.ReadFile(path) }

// mapFilePrivate reads a whole file (a private copy, as on unix).
func mapFilePrivate(path string) ([]byte, error) { return os.ReadFile(path) }

func unmapFile([]byte) {}

func releaseMapped([]byte) {}
