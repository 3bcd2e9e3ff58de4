package measure

import "syscall"

// dieWithParent: on Linux the command gets SIGKILL when git-flameiq dies,
// even by SIGKILL (Pdeathsig); what it started itself in its process
// group is killed by the next run (gitstore.PruneStaleWorktrees, through
// the group recorded in Run.PgidFile).
func dieWithParent(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGKILL }
