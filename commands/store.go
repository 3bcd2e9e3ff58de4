package commands

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/urfave/cli/v2"

	"github.com/flameiq/git-flameiq/gitstore"
	"github.com/flameiq/git-flameiq/snapshot"
)

// repo opens the repository at -C (exit 2 outside one).
func (e *env) repo() (*gitstore.Repo, error) {
	r, err := gitstore.Open(e.workDir())
	if err != nil {
		if errors.Is(err, gitstore.ErrNotRepo) {
			return nil, usagef("not a git repository (or any parent up to /): %s", e.workDir())
		}
		return nil, usagef("%v", err)
	}
	if e.cacheReads {
		r.CacheReads()
		e.repos = append(e.repos, r)
	}
	return r, nil
}

// resolve turns a revision into a commit (exit 2 when unknown).
func resolve(r *gitstore.Repo, rev string) (gitstore.Hash, error) {
	h, err := r.Resolve(rev)
	if err != nil {
		if rev == "HEAD" {
			return h, usagef("HEAD does not name a commit yet (an empty repository or an unborn branch): commit first, then record")
		}
		return h, usagef("%v", err)
	}
	return h, nil
}

// store is an opened repository plus its notes ref.
type store struct {
	repo     *gitstore.Repo
	mu       sync.Mutex      // guards current: history workers read notes concurrently
	current  *gitstore.Notes // nil after a write: reopened by notes()
	profiles *gitstore.Notes // the profile notes, opened on first use
	ref      string
}

// notes is the view of the notes ref, reopened after this run wrote to it
// (so later reads, such as profile links, see the new record).
func (s *store) notes() (*gitstore.Notes, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.current == nil {
		n, err := s.repo.Notes(s.ref)
		if err != nil {
			return nil, err
		}
		s.current = n
	}
	return s.current, nil
}

func (e *env) openStore() (*store, error) {
	ref, err := e.notesRef()
	if err != nil {
		return nil, err
	}
	r, err := e.repo()
	if err != nil {
		return nil, err
	}
	n, err := r.Notes(ref)
	if err != nil {
		return nil, usagef("%v\nrepair it: point it back at its last notes commit (git reflog %s; git update-ref %s <commit>) or delete it (git update-ref -d %s)", err, ref, ref, ref)
	}
	return &store{repo: r, current: n, ref: ref}, nil
}

// snapshot loads and merges every record attached to commit h. ok is false
// when the commit has no note. Corrupt lines are reported as warnings (the
// other records stay usable); a note with no readable record is an error.
func (s *store) snapshot(h gitstore.Hash) (snap *snapshot.Snapshot, ok bool, warnings []string, err error) {
	n, err := s.notes()
	if err != nil {
		return nil, false, nil, usagef("reading %s: %v", s.ref, err)
	}
	data, err := n.Read(h)
	if err != nil {
		return nil, false, nil, usagef("reading the note of %s in %s: %v", short(h), s.ref, err)
	}
	if data == nil {
		return nil, false, nil, nil
	}
	recs, errs := snapshot.DecodeNote(data)
	switch {
	case len(errs) == 1:
		warnings = append(warnings, fmt.Sprintf("note of %s in %s: %v (line skipped)", short(h), s.ref, errs[0]))
	case len(errs) > 1:
		warnings = append(warnings, fmt.Sprintf("note of %s in %s: %d unreadable lines skipped (first: %v)", short(h), s.ref, len(errs), errs[0]))
	}
	if len(recs) == 0 {
		return nil, false, warnings, &dataError{fmt.Errorf("note of %s in %s holds no readable flameiq record (%d bad line(s)); inspect it with: git notes --ref=%s show %s",
			short(h), s.ref, len(errs), strings.TrimPrefix(s.ref, "refs/notes/"), short(h))}
	}
	var m *snapshot.Snapshot
	if len(recs) == 1 {
		m = recs[0].Snapshot // freshly decoded, sorted and owned here: nothing to merge
	} else {
		snaps := make([]*snapshot.Snapshot, len(recs))
		for i, r := range recs {
			snaps[i] = r.Snapshot
		}
		m = snapshot.Merge(snaps...)
	}
	m.Meta.Commit = h.String()
	return m, true, warnings, nil
}

func short(h gitstore.Hash) string { return h.String()[:7] }

// recordHint is the hint printed when a baseline is missing.
func recordHint(h gitstore.Hash) string {
	return fmt.Sprintf("record one with: git flameiq record --commit %s bench.txt", short(h))
}

// openRev opens the store and resolves the command's optional REV argument
// (default HEAD). It returns the store, the commit and the revision as typed.
func (e *env) openRev(c *cli.Context) (*store, gitstore.Hash, string, error) {
	if c.NArg() > 1 {
		return nil, gitstore.Hash{}, "", usagef("takes at most one REV")
	}
	rev := "HEAD"
	if c.NArg() == 1 {
		rev = c.Args().First()
	}
	st, err := e.openStore()
	if err != nil {
		return nil, gitstore.Hash{}, rev, err
	}
	h, err := resolve(st.repo, rev)
	return st, h, rev, err
}
