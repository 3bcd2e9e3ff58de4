package gitstore

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// worktreePrefix starts the name of the temporary directory of every
// worktree AddWorktree makes, followed by the owning process's id: a
// process killed with SIGKILL cannot remove its worktree, and the next
// one recognises it (PruneStaleWorktrees).
const worktreePrefix = "flameiq-worktree-"

// PgidFile is the file, beside a worktree AddWorktree made (in its parent
// directory), where the benchmark command running there records its
// process group, so that PruneStaleWorktrees can stop what a killed
// owner left running.
const PgidFile = "pgid"

// AddWorktree checks out commit h in a new temporary detached worktree
// (through the git CLI, like push and pull) and returns its path and a
// cleanup function that removes it. Cleanup runs with its own context so it
// works after the caller's context was cancelled (Ctrl-C). Worktrees left
// by killed git-flameiq processes are removed first.
func (r *Repo) AddWorktree(ctx context.Context, h Hash) (string, func(), error) {
	wts, cleanup, err := r.AddWorktrees(ctx, h)
	if err != nil {
		return "", nil, err
	}
	return wts[0], cleanup, nil
}

// AddWorktrees is AddWorktree for several commits, with one cleanup that
// removes them all. They are made one after the other: `git worktree add`
// reads the other worktrees' administrative files, and fails on one that
// another `git worktree add` is writing. Cleanup deletes the directories
// and lets one `git worktree prune` drop what git kept about them.
func (r *Repo) AddWorktrees(ctx context.Context, hs ...Hash) ([]string, func(), error) {
	_, _ = r.PruneStaleWorktrees(ctx)
	top := r.top()
	var dirs, wts []string
	cleanup := func() {
		for _, d := range dirs {
			_ = os.RemoveAll(d)
		}
		_, _ = runGit(context.Background(), top, "worktree", "prune")
	}
	for _, h := range hs {
		dir, err := os.MkdirTemp("", fmt.Sprintf("%s%d-*", worktreePrefix, os.Getpid()))
		if err != nil {
			cleanup()
			return nil, nil, err
		}
		dirs = append(dirs, dir)
		wt := filepath.Join(dir, "wt")
		if _, err := runGit(ctx, top, "worktree", "add", "--detach", "--quiet", "--", wt, h.String()); err != nil {
			cleanup()
			return nil, nil, err
		}
		wts = append(wts, wt)
	}
	return wts, cleanup, nil
}

func (r *Repo) top() string {
	if r.workTree != "" {
		return r.workTree
	}
	return r.gitDir
}

// PruneStaleWorktrees removes the worktrees AddWorktree made for processes
// that no longer run (a bisect --run killed with SIGKILL), after killing
// the process group recorded beside each (PgidFile), and returns their
// paths. Worktrees of live processes and anyone else's are left alone.
func (r *Repo) PruneStaleWorktrees(ctx context.Context) ([]string, error) {
	top := r.top()
	out, err := runGit(ctx, top, "worktree", "list", "--porcelain")
	if err != nil {
		return nil, err
	}
	var removed []string
	for _, line := range strings.Split(out, "\n") {
		wt, ok := strings.CutPrefix(line, "worktree ")
		if !ok || filepath.Base(wt) != "wt" {
			continue
		}
		parent := filepath.Dir(wt)
		rest, ok := strings.CutPrefix(filepath.Base(parent), worktreePrefix)
		if !ok {
			continue
		}
		pidText, _, _ := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if err != nil || pid <= 0 || processAlive(pid) {
			continue
		}
		if b, err := os.ReadFile(filepath.Join(parent, PgidFile)); err == nil {
			if pgid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pgid > 1 {
				killGroup(pgid)
			}
		}
		_, _ = runGit(ctx, top, "worktree", "remove", "--force", "--", wt)
		_ = os.RemoveAll(parent)
		removed = append(removed, wt)
	}
	if len(removed) > 0 {
		_, _ = runGit(ctx, top, "worktree", "prune")
	}
	return removed, nil
}
