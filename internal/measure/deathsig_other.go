//go:build unix && !linux

package measure

import "syscall"

// dieWithParent: only Linux has Pdeathsig; elsewhere the next run kills
// what a killed git-flameiq left (Run.PgidFile).
func dieWithParent(*syscall.SysProcAttr) {}
