//go:build !unix

package measure

import "os/exec"

// ownProcessGroup: elsewhere cancellation kills the command itself
// (exec.CommandContext's default), and WaitDelay bounds the wait for its
// output.
func ownProcessGroup(*exec.Cmd) {}
