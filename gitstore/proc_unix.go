//go:build unix

package gitstore

import (
	"errors"
	"syscall"
)

// processAlive reports whether process pid exists (signal 0 probes it;
// EPERM means it exists but is someone else's).
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// killGroup kills process group pgid (what a killed bisect left running).
func killGroup(pgid int) { _ = syscall.Kill(-pgid, syscall.SIGKILL) }
