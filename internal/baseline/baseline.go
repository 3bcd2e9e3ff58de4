// Package baseline decides what diff and profile diff compare. Resolve
// applies diff's revision grammar (none: HEAD against its merge-base with
// the base branch; BASE [HEAD]; A..B; A...B) and says why it chose the base
// commit; Nearest then finds the commit whose record is used: the base
// itself or, when it has none, its nearest first-parent ancestor that has
// one, and says that too, in the words the reports print. It knows git
// (gitstore), not flags, notes formats or exit codes: the caller says what
// a record is (a snapshot, a named profile) and every error here is a
// repository or usage problem.
package baseline

import (
	"errors"
	"fmt"
	"strings"

	"github.com/flameiq/git-flameiq/gitstore"
	"github.com/flameiq/git-flameiq/internal/store"
)

// Request is what the user asked to compare.
type Request struct {
	// Revs are the command's arguments: none, BASE [HEAD], A..B or A...B.
	Revs []string
	// Branch is the base branch asked for (--base, else flameiq.yaml
	// base); "" tries the remote's default branch, then origin/main,
	// origin/master, main and master. Only used without Revs.
	Branch string
	// HaveCurrent: the head side is a results file (diff --current), so
	// on the base branch itself HEAD is still compared with its
	// merge-base (HEAD) rather than with its first parent.
	HaveCurrent bool
}

// Sides is the outcome of Resolve.
type Sides struct {
	Head    gitstore.Hash
	HeadRev string        // the head revision as typed ("HEAD" by default)
	Base    gitstore.Hash // the commit the rules chose (merge-base, BASE…)
	Reason  string        // how Base was chosen, said aloud: "merge-base of HEAD and main"
}

// Resolve applies diff's revision grammar to r.
func Resolve(r *gitstore.Repo, req Request) (Sides, error) {
	args := req.Revs
	s := Sides{HeadRev: "HEAD"}
	var err error
	switch {
	case len(args) == 1 && strings.Contains(args[0], "..."):
		a, b := sidesOf(args[0], "...")
		ah, err := Rev(r, a)
		if err != nil {
			return s, err
		}
		if s.Head, err = Rev(r, b); err != nil {
			return s, err
		}
		s.HeadRev = b
		if s.Base, err = mergeBase(r, ah, s.Head, a, b); err != nil {
			return s, err
		}
		s.Reason = fmt.Sprintf("merge-base of %s and %s", a, b)
	case len(args) == 1 && strings.Contains(args[0], ".."):
		a, b := sidesOf(args[0], "..")
		if s.Base, err = Rev(r, a); err != nil {
			return s, err
		}
		if s.Head, err = Rev(r, b); err != nil {
			return s, err
		}
		s.HeadRev = b
		s.Reason = a
	case len(args) == 1 || len(args) == 2:
		if s.Base, err = Rev(r, args[0]); err != nil {
			return s, err
		}
		if len(args) == 2 {
			s.HeadRev = args[1]
		}
		if s.Head, err = Rev(r, s.HeadRev); err != nil {
			return s, err
		}
		s.Reason = args[0]
	case len(args) == 0:
		if s.Head, err = Rev(r, "HEAD"); err != nil {
			return s, err
		}
		branch, bh, err := Branch(r, req.Branch)
		if err != nil {
			return s, err
		}
		if s.Base, err = mergeBase(r, bh, s.Head, branch, "HEAD"); err != nil {
			return s, err
		}
		s.Reason = fmt.Sprintf("merge-base of HEAD and %s", branch)
		if s.Base == s.Head && !req.HaveCurrent {
			// On the base branch itself: compare with the previous recorded commit.
			c, err := r.Commit(s.Head)
			if err != nil {
				return s, err
			}
			if len(c.Parents) == 0 {
				return s, fmt.Errorf("HEAD is the root commit and on %s: nothing to compare with", branch)
			}
			s.Base = c.Parents[0]
			s.Reason = fmt.Sprintf("HEAD is on %s, so its first parent", branch)
		}
	default:
		return s, fmt.Errorf("takes [BASE [HEAD]], A..B or A...B; got %d arguments", len(args))
	}
	return s, nil
}

// sidesOf splits A..B (sep "..") or A...B (sep "..."); an empty side is HEAD.
func sidesOf(arg, sep string) (a, b string) {
	a, b, _ = strings.Cut(arg, sep)
	if a == "" {
		a = "HEAD"
	}
	if b == "" {
		b = "HEAD"
	}
	return a, b
}

// Rev resolves a revision to a commit; an unborn HEAD says what to do.
func Rev(r *gitstore.Repo, rev string) (gitstore.Hash, error) {
	h, err := r.Resolve(rev)
	if err != nil && rev == "HEAD" {
		return h, store.ErrUnborn
	}
	return h, err
}

func mergeBase(r *gitstore.Repo, a, b gitstore.Hash, an, bn string) (gitstore.Hash, error) {
	mb, err := r.MergeBase(a, b)
	if err != nil {
		if errors.Is(err, gitstore.ErrNoMergeBase) {
			msg := fmt.Sprintf("%s and %s have no common ancestor", an, bn)
			if r.IsShallow() {
				msg += "; this is a shallow clone: fetch more history (actions/checkout with fetch-depth: 0, or git fetch --unshallow)"
			}
			return mb, errors.New(msg)
		}
		return mb, fmt.Errorf("merge-base of %s and %s: %v", an, bn, err)
	}
	return mb, nil
}

// Branch picks the base branch: name when given (or its remote-tracking
// branch origin/name), else the remote's default branch, origin/main,
// origin/master, main, master. It returns the branch as found and its tip.
func Branch(r *gitstore.Repo, name string) (string, gitstore.Hash, error) {
	var cands []string
	if name != "" {
		cands = []string{name}
	} else {
		if d := r.DefaultBranch("origin"); d != "" {
			cands = append(cands, d)
		}
		cands = append(cands, "origin/main", "origin/master", "main", "master")
	}
	for _, b := range cands {
		if h, err := r.Resolve(b); err == nil {
			return b, h, nil
		}
		if name != "" {
			// Try the remote-tracking branch of an explicit name too.
			if h, err := r.Resolve("origin/" + b); err == nil {
				return "origin/" + b, h, nil
			}
			return "", gitstore.Hash{}, fmt.Errorf("base branch %q not found (set base: in flameiq.yaml or pass --base)", b)
		}
	}
	return "", gitstore.Hash{}, fmt.Errorf("no base branch found (tried %s); pass --base BRANCH or set base: in flameiq.yaml", strings.Join(cands, ", "))
}

// Lookup says what Nearest looks for.
type Lookup struct {
	// MaxWalk is how many first-parent commits to look at, the base
	// included (at least 1).
	MaxWalk int
	// Has reports whether a commit has the record.
	Has func(gitstore.Hash) (bool, error)
	// What names the record in messages: `snapshot in refs/notes/flameiq`.
	What string
	// Ref is the notes ref Has reads, for messages; RefMissing says it
	// does not exist here (so the message says to fetch it).
	Ref        string
	RefMissing bool
	// Hint says how to record one on a commit (the last line of the
	// error when none is found).
	Hint func(gitstore.Hash) string
}

// Found is the commit whose record is used.
type Found struct {
	Commit gitstore.Hash
	// Back is how many first-parent steps Commit is behind the base (0:
	// the base itself).
	Back int
	// Reason is the sides' reason with the commit used, and the fallback
	// said aloud when Back > 0.
	Reason string
}

// Nearest finds s.Base or its nearest first-parent ancestor (at most
// l.MaxWalk commits) that has the record. When none has, the error says
// where it looked, why it may have missed (a shallow clone, a notes ref
// never fetched) and l.Hint.
func Nearest(r *gitstore.Repo, s Sides, l Lookup) (Found, error) {
	limit := max(l.MaxWalk, 1)
	commits, err := r.FirstParent(s.Base, limit)
	if err != nil && len(commits) == 0 {
		return Found{}, fmt.Errorf("reading history from %s: %v", store.Short(s.Base), err)
	}
	for i, cm := range commits {
		ok, err := l.Has(cm.Hash)
		if err != nil {
			return Found{}, fmt.Errorf("reading %s: %v", l.Ref, err)
		}
		if !ok {
			continue
		}
		f := Found{Commit: cm.Hash, Back: i}
		if i == 0 {
			f.Reason = fmt.Sprintf("base %s (%s)", store.Short(cm.Hash), s.Reason)
			if len(s.Reason) >= 4 && strings.HasPrefix(cm.Hash.String(), s.Reason) {
				f.Reason = "base " + store.Short(cm.Hash) // typed as a hash: nothing more to say
			}
		} else {
			f.Reason = fmt.Sprintf("base %s: %s is %s, which has no %s; using its nearest first-parent ancestor that has one, %d commit(s) back",
				store.Short(cm.Hash), store.Short(s.Base), s.Reason, l.What, i)
		}
		return f, nil
	}
	msg := fmt.Sprintf("no baseline: %s (%s) and its %d nearest first-parent ancestors have no %s",
		store.Short(s.Base), s.Reason, len(commits)-1, l.What)
	if r.IsShallow() && len(commits) < limit {
		msg += "\nthis is a shallow clone that may hide the baseline: fetch more history (actions/checkout fetch-depth: 0) and the notes (git fetch origin 'refs/notes/flameiq*:refs/notes/flameiq*')"
	} else if l.RefMissing {
		msg += fmt.Sprintf("\n%s does not exist here: fetch it with 'git flameiq pull', or", l.Ref)
	}
	msg += "\n" + l.Hint(s.Base)
	return Found{}, errors.New(msg)
}
