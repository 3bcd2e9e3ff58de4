package gitstore

import (
	"context"
	"os"
	"path/filepath"
)

// AddWorktree checks out commit h in a new temporary detached worktree
// (through the git CLI, like push and pull) and returns its path and a
// cleanup function that removes it. Cleanup runs with its own context so it
// works after the caller's context was cancelled (Ctrl-C).
func (r *Repo) AddWorktree(ctx context.Context, h Hash) (string, func(), error) {
	dir, err := os.MkdirTemp("", "flameiq-worktree-*")
	if err != nil {
		return "", nil, err
	}
	wt := filepath.Join(dir, "wt")
	top := r.workTree
	if top == "" {
		top = r.gitDir
	}
	cleanup := func() {
		_, _ = runGit(context.Background(), top, "worktree", "remove", "--force", wt)
		_ = os.RemoveAll(dir)
		_, _ = runGit(context.Background(), top, "worktree", "prune")
	}
	if _, err := runGit(ctx, top, "worktree", "add", "--detach", "--quiet", wt, h.String()); err != nil {
		cleanup()
		return "", nil, err
	}
	return wt, cleanup, nil
}
