package commands

import (
	"errors"
	"fmt"
	"strings"

	"github.com/flameiq/git-flameiq/gitstore"
	"github.com/flameiq/git-flameiq/internal/baseline"
)

// historyNeed is what a history command (diff, bisect, log, check) needs
// a clone to hold; reachHistory fetches what a CI checkout left out.
type historyNeed struct {
	What   string // said in messages: "the baseline of diff"
	Branch string // the base branch, fetched when the shallow clone lacks it ("": none)
	Step   int    // the first deepening step (the command's walk bound)
	// Have reports whether st holds what is needed; asked again on a
	// freshly opened store after each fetch.
	Have func(st *store) (bool, error)
}

// reachHistory fetches the notes refs when the clone has none (from the
// remote it pulls from, as pull does) and, in a shallow clone, the base
// branch when missing and then more history (gitstore.DeepenUntil) until
// need.Have holds. It says on stderr what it fetches. Only a remote that
// cannot supply what is missing is an error (exit 2, with the fix).
func (e *env) reachHistory(st *store, need historyNeed) error {
	r := st.repo
	remote := r.UpstreamRemote()
	if !r.HasRemote(remote) {
		return nil
	}
	if n, err := st.notes(); err == nil && n.Tip().IsZero() {
		for _, ref := range []string{st.ref, profileRef(st.ref)} {
			found, err := gitstore.Pull(e.ctx, e.workDir(), remote, ref)
			if err != nil {
				e.warn([]string{fmt.Sprintf("%s is not in this clone and fetching it from %s failed: %v", ref, remote, err)})
				break
			}
			if found {
				fmt.Fprintf(e.stderr, "git-flameiq: fetched %s from %s (it was not in this clone)\n", ref, remote)
			}
		}
		if err := e.reopenStore(st); err != nil {
			return err
		}
	}
	if !st.repo.IsShallow() {
		return nil
	}
	if need.Branch != "" {
		if _, _, err := baseline.Branch(st.repo, need.Branch); err != nil {
			branch := strings.TrimPrefix(need.Branch, remote+"/")
			fmt.Fprintf(e.stderr, "git-flameiq: shallow clone: fetching the base branch %s from %s (git fetch --depth=%d)\n", branch, remote, need.Step)
			found, err := gitstore.FetchBranch(e.ctx, e.workDir(), remote, branch, need.Step)
			if err != nil {
				return usagef("%v", &gitstore.ShallowError{What: "the base branch " + need.Branch, Remote: remote, Err: err})
			}
			if !found {
				return nil // the command says the base branch is not found
			}
		}
	}
	err := gitstore.DeepenUntil(e.ctx, e.workDir(), remote, need.What, need.Step,
		func() (bool, error) {
			if err := e.reopenStore(st); err != nil {
				return false, err
			}
			return need.Have(st)
		},
		func(step int) {
			fmt.Fprintf(e.stderr, "git-flameiq: shallow clone: %s is beyond the shallow boundary; fetching %d more commits from %s (git fetch --deepen=%d)\n", need.What, step, remote, step)
		})
	var se *gitstore.ShallowError
	if errors.As(err, &se) {
		return usagef("%v", err)
	}
	return err
}

// reopenStore opens st's repository again, so that it sees what a fetch
// brought (objects, refs, the shallow boundary).
func (e *env) reopenStore(st *store) error {
	fresh, err := e.openStore()
	if err != nil {
		return err
	}
	*st = *fresh
	return nil
}

// resolves reports whether every revision resolves (a shallow clone may
// not hold them yet).
func resolves(r *gitstore.Repo, revs ...string) bool {
	for _, rev := range revs {
		if _, err := r.Resolve(rev); err != nil {
			return false
		}
	}
	return true
}
