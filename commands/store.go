package commands

import (
	"errors"
	"fmt"

	"github.com/flameiq/git-flameiq/gitstore"
	"github.com/flameiq/git-flameiq/internal/baseline"
	fstore "github.com/flameiq/git-flameiq/internal/store"
	"github.com/flameiq/git-flameiq/snapshot"
)

// store is the snapshot store (internal/store) with its errors mapped to
// exit codes: a bad repository or ref is a usage error (2), an unreadable
// note a data error (3).
type store struct {
	*fstore.Store
	repo *gitstore.Repo
	ref  string
}

// repo opens the repository at -C without a notes ref (push, pull).
func (e *env) repo() (*gitstore.Repo, error) {
	r, err := gitstore.Open(e.workDir())
	if err != nil {
		return nil, repoError(e, err)
	}
	return r, nil
}

// notesRepo opens the repository without a store and resolves the notes
// ref (gc, size: they work on the refs themselves).
func (e *env) notesRepo() (*gitstore.Repo, string, error) {
	ref, err := e.notesRef()
	if err != nil {
		return nil, "", err
	}
	r, err := e.repo()
	return r, ref, err
}

func repoError(e *env, err error) error {
	if errors.Is(err, gitstore.ErrNotRepo) {
		return usagef("not a git repository (or any parent up to /): %s", e.workDir())
	}
	return usagef("%v", err)
}

func (e *env) openStore() (*store, error) {
	ref, err := e.notesRef()
	if err != nil {
		return nil, err
	}
	s, err := fstore.Open(e.workDir(), ref, e.cacheReads)
	if err != nil {
		return nil, repoError(e, err)
	}
	if e.cacheReads {
		e.repos = append(e.repos, s.Repo)
	}
	return &store{Store: s, repo: s.Repo, ref: ref}, nil
}

// notes is the view of the notes ref (see fstore.Store.Notes).
func (s *store) notes() (*gitstore.Notes, error) { return s.Notes() }

// snapshot is fstore.Store.Snapshot with exit codes: an unreadable note
// is exit 3, a failure to read the ref exit 2.
func (s *store) snapshot(h gitstore.Hash) (*snapshot.Snapshot, bool, []string, error) {
	return s.snapshotWhere(h, nil)
}

// snapshotWhere is snapshot over the records keep accepts (all when nil).
func (s *store) snapshotWhere(h gitstore.Hash, keep func(snapshot.Meta) bool) (*snapshot.Snapshot, bool, []string, error) {
	snap, ok, warns, err := s.SnapshotWhere(h, keep)
	var de *fstore.DataError
	switch {
	case errors.As(err, &de):
		return nil, false, warns, &dataError{de.Err}
	case err != nil:
		return nil, false, warns, usagef("%v", err)
	}
	return snap, ok, warns, nil
}

// resolve turns a revision into a commit (exit 2 when unknown).
func resolve(r *gitstore.Repo, rev string) (gitstore.Hash, error) {
	h, err := baseline.Rev(r, rev)
	if err != nil {
		return h, usagef("%v", err)
	}
	return h, nil
}

func short(h gitstore.Hash) string { return fstore.Short(h) }

// recordHint is the hint printed when a baseline is missing.
func recordHint(h gitstore.Hash) string {
	return fmt.Sprintf("record one with: git flameiq record --commit %s bench.txt", short(h))
}

// openRev opens the store and resolves the command's optional REV argument
// (args: the command's arguments; default HEAD). It returns the store, the
// commit and the revision as typed.
func (e *env) openRev(args []string) (*store, gitstore.Hash, string, error) {
	if len(args) > 1 {
		return nil, gitstore.Hash{}, "", usagef("takes at most one REV")
	}
	rev := "HEAD"
	if len(args) == 1 {
		rev = args[0]
	}
	st, err := e.openStore()
	if err != nil {
		return nil, gitstore.Hash{}, rev, err
	}
	h, err := resolve(st.repo, rev)
	return st, h, rev, err
}
