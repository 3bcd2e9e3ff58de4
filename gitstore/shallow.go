package gitstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// A shallow clone lists in $GIT_COMMON_DIR/shallow the commits whose
// parents it does not have (its boundary). git reads those commits as
// parentless (grafts); so does this package, in-process and on the
// plumbing backend alike (both decode commits in (*Repo).Commit): a walk
// ends at the boundary exactly where `git log` ends, and a parent that
// happens to be present (fetched by another route) is not followed either.
// The boundary is read when the repository is opened; after Deepen, open
// the repository again.

// readShallow reads the boundary commits of a shallow clone (nil when the
// repository is complete). Lines that are not object names are ignored,
// as git ignores them.
func readShallow(commonDir string) map[Hash]bool {
	b, err := os.ReadFile(filepath.Join(commonDir, "shallow"))
	if err != nil {
		return nil
	}
	set := map[Hash]bool{}
	for _, l := range strings.Split(string(b), "\n") {
		if h, err := ParseHash(strings.TrimSpace(l)); err == nil {
			set[h] = true
		}
	}
	return set
}

// graft returns c as a shallow clone sees it: without parents when c is
// on the shallow boundary.
func (r *Repo) graft(c *Commit) *Commit {
	if len(c.Parents) == 0 || !r.shallow[c.Hash] {
		return c
	}
	g := *c
	g.Parents = nil
	return &g
}

// UpstreamRemote is the remote the repository pulls from: the current
// branch's branch.<name>.remote, else "origin" (a detached HEAD in CI).
func (r *Repo) UpstreamRemote() string {
	if b := r.CurrentBranch(); b != "" {
		if rm := r.config()["branch."+b+".remote"]; rm != "" && rm != "." && !strings.HasPrefix(rm, "-") {
			return rm
		}
	}
	return "origin"
}

// Deepen fetches n more commits behind the shallow boundary of the clone at
// dir from remote (`git fetch --deepen=n <boundary commits>`, through the
// git CLI like Push and Pull). moved reports whether the boundary changed: false means the
// remote has no more history to give (it is shallow itself, or the
// boundary commits are roots). A complete clone is left alone.
func Deepen(ctx context.Context, dir, remote string, n int) (moved bool, err error) {
	r, err := locate(dir)
	if err != nil {
		return false, err
	}
	path := filepath.Join(r.commonDir, "shallow")
	before, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	// Ask for the boundary commits themselves: the deepening then brings
	// their ancestors only, not every branch the remote's refspec names
	// (a CI checkout's origin lists all of them). A server that refuses
	// object names in wants gets the refspec's fetch instead.
	plain := []string{"fetch", "--quiet", "--no-tags", "--no-write-fetch-head", fmt.Sprintf("--deepen=%d", n), "--", remote}
	wants := slices.Clone(plain)
	for h := range readShallow(r.commonDir) {
		wants = append(wants, h.String())
	}
	if _, err := runGit(ctx, dir, wants...); err != nil {
		if _, err := runGit(ctx, dir, plain...); err != nil {
			return false, err
		}
	}
	after, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return true, nil // the whole history is here now
	}
	return !bytes.Equal(before, after), err
}

// FetchBranch fetches branch from remote into refs/remotes/<remote>/<branch>
// (at most depth commits of it when depth > 0, as a shallow clone fetches):
// the base branch a shallow CI checkout did not fetch. found is false when
// the remote has no such branch.
func FetchBranch(ctx context.Context, dir, remote, branch string, depth int) (found bool, err error) {
	if strings.HasPrefix(branch, "-") || !validRefName("refs/heads/"+branch) {
		return false, nil // not a branch name: nothing the remote could have
	}
	args := []string{"fetch", "--quiet", "--no-tags"}
	if depth > 0 {
		args = append(args, fmt.Sprintf("--depth=%d", depth))
	}
	args = append(args, "--", remote, "+refs/heads/"+branch+":refs/remotes/"+remote+"/"+branch)
	_, err = runGit(ctx, dir, args...)
	var ge *GitError
	if errors.As(err, &ge) && strings.Contains(ge.Stderr, "couldn't find remote ref") {
		return false, nil
	}
	return err == nil, err
}

// OnShallowBoundary reports whether h is a boundary commit of a shallow
// clone: git reads it as parentless, but its parents exist elsewhere.
func (r *Repo) OnShallowBoundary(h Hash) bool { return r.shallow[h] }

// HasRemote reports whether remote.<name>.url is configured.
func (r *Repo) HasRemote(name string) bool { return r.config()["remote."+name+".url"] != "" }

// HistoryReaches reports whether the first-parent history of from is all
// here as far as a walk of n commits (n <= 0: the whole chain) needs it:
// the walk finds a commit stop accepts, counts n commits, or ends at a
// true root; false when it ends on the shallow boundary (or at a missing
// commit of a shallow clone) before that.
func (r *Repo) HistoryReaches(from Hash, n int, stop func(Hash) (bool, error)) (bool, error) {
	h := from
	for seen := 0; n <= 0 || seen < n; seen++ {
		c, err := r.Commit(h)
		if err != nil {
			if r.IsShallow() {
				return false, nil
			}
			return false, err
		}
		if stop != nil {
			if ok, err := stop(c.Hash); ok || err != nil {
				return ok, err
			}
		}
		if n > 0 && seen+1 == n {
			return true, nil
		}
		if len(c.Parents) == 0 {
			return !r.OnShallowBoundary(c.Hash), nil
		}
		h = c.Parents[0]
	}
	return true, nil
}

// ShallowError is history a shallow clone lacks and its remote could not
// supply.
type ShallowError struct {
	What   string // what was looked for: "the merge-base of HEAD and origin/main"
	Remote string
	Err    error // the fetch's failure, or nil when the remote had no more history
}

func (e *ShallowError) Error() string {
	why := e.Remote + " has no more history to give"
	var ge *GitError
	switch {
	case errors.As(e.Err, &ge) && strings.TrimSpace(ge.Stderr) != "":
		why = fmt.Sprintf("fetching from %s failed: %s", e.Remote, strings.TrimSpace(ge.Stderr))
	case e.Err != nil:
		why = fmt.Sprintf("fetching from %s failed: %v", e.Remote, e.Err)
	}
	return fmt.Sprintf("this is a shallow clone, and %s is not in it; %s\n"+
		"fix: fetch the whole history (git fetch --unshallow %s, or actions/checkout with fetch-depth: 0)", e.What, why, e.Remote)
}

func (e *ShallowError) Unwrap() error { return e.Err }

// DeepenUntil deepens the shallow clone at dir from remote in growing
// steps (first, then twice as many each time: git fetch --deepen) until
// have reports true or the clone is complete; say is told each step
// before it is fetched. have is asked first, so a clone that already has
// what is needed fetches nothing; it must open the repository afresh (a
// Repo reads the boundary when opened). The error is a *ShallowError when
// the remote cannot supply what is missing.
func DeepenUntil(ctx context.Context, dir, remote, what string, first int, have func() (bool, error), say func(step int)) error {
	step := max(first, 1)
	for {
		ok, err := have()
		if err != nil || ok {
			return err
		}
		r, err := locate(dir)
		if err != nil {
			return err
		}
		if readShallow(r.commonDir) == nil {
			return nil // complete: the caller's own checks say what is missing
		}
		say(step)
		moved, err := Deepen(ctx, dir, remote, step)
		if err != nil || !moved {
			return &ShallowError{What: what, Remote: remote, Err: err}
		}
		step = min(2*step, 1<<20)
	}
}
