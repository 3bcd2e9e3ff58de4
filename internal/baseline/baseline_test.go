package baseline

import (
	"strings"
	"testing"

	"github.com/flameiq/git-flameiq/gitstore"
	"github.com/flameiq/git-flameiq/internal/testkit"
)

// repo: main c1 c2 c3, feature from c2: f1 f2 (checked out).
func repo(t *testing.T) (*gitstore.Repo, func(...string) string, map[string]gitstore.Hash) {
	t.Helper()
	dir, git := testkit.GitRepo(t)
	ids := map[string]gitstore.Hash{}
	commit := func(name string) {
		git("commit", "-q", "--allow-empty", "-m", name)
		h, err := gitstore.ParseHash(git("rev-parse", "HEAD"))
		if err != nil {
			t.Fatal(err)
		}
		ids[name] = h
	}
	commit("c1")
	commit("c2")
	git("branch", "feature")
	commit("c3")
	git("checkout", "-q", "feature")
	commit("f1")
	commit("f2")
	r, err := gitstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return r, git, ids
}

func TestResolve(t *testing.T) {
	r, _, id := repo(t)
	tests := []struct {
		req        Request
		head, base string
		reason     string
	}{
		{Request{}, "f2", "c2", "merge-base of HEAD and main"},
		{Request{Branch: "main"}, "f2", "c2", "merge-base of HEAD and main"},
		{Request{Revs: []string{"main"}}, "f2", "c3", "main"},
		{Request{Revs: []string{"main", "feature"}}, "f2", "c3", "main"},
		{Request{Revs: []string{id["c1"].String() + "..feature"}}, "f2", "c1", id["c1"].String()},
		{Request{Revs: []string{"main...feature"}}, "f2", "c2", "merge-base of main and feature"},
		{Request{Revs: []string{"feature...main"}}, "c3", "c2", "merge-base of feature and main"},
	}
	for _, tt := range tests {
		s, err := Resolve(r, tt.req)
		if err != nil {
			t.Errorf("%+v: %v", tt.req, err)
			continue
		}
		if s.Head != id[tt.head] || s.Base != id[tt.base] || s.Reason != tt.reason {
			t.Errorf("%+v: head %s base %s reason %q; want %s %s %q", tt.req, s.Head, s.Base, s.Reason, tt.head, tt.base, tt.reason)
		}
	}
}

// On the base branch itself HEAD is compared with its first parent, unless
// the head side is a results file.
func TestResolveOnBaseBranch(t *testing.T) {
	r, git, id := repo(t)
	git("checkout", "-q", "main")
	s, err := Resolve(r, Request{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Base != id["c2"] || s.Reason != "HEAD is on main, so its first parent" {
		t.Errorf("base %s, reason %q", s.Base, s.Reason)
	}
	s, err = Resolve(r, Request{HaveCurrent: true})
	if err != nil {
		t.Fatal(err)
	}
	if s.Base != id["c3"] || s.Reason != "merge-base of HEAD and main" {
		t.Errorf("--current: base %s, reason %q", s.Base, s.Reason)
	}
}

func TestResolveErrors(t *testing.T) {
	r, _, _ := repo(t)
	for _, tt := range []struct {
		req  Request
		want string
	}{
		{Request{Revs: []string{"a", "b", "c"}}, "takes [BASE [HEAD]], A..B or A...B; got 3 arguments"},
		{Request{Branch: "nope"}, `base branch "nope" not found`},
	} {
		if _, err := Resolve(r, tt.req); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: %v, want %q", tt.req, err, tt.want)
		}
	}
}

func TestNearest(t *testing.T) {
	r, _, id := repo(t)
	s := Sides{Head: id["f2"], HeadRev: "HEAD", Base: id["c2"], Reason: "merge-base of HEAD and main"}
	has := func(want gitstore.Hash) func(gitstore.Hash) (bool, error) {
		return func(h gitstore.Hash) (bool, error) { return h == want, nil }
	}
	l := Lookup{MaxWalk: 50, What: "snapshot in refs/notes/flameiq", Ref: "refs/notes/flameiq",
		Hint: func(h gitstore.Hash) string { return "record " + h.String()[:7] }}

	l.Has = has(id["c2"])
	f, err := Nearest(r, s, l)
	if err != nil || f.Commit != id["c2"] || f.Back != 0 || f.Reason != "base "+id["c2"].String()[:7]+" (merge-base of HEAD and main)" {
		t.Errorf("the base itself: %+v, %v", f, err)
	}

	l.Has = has(id["c1"])
	f, err = Nearest(r, s, l)
	if err != nil || f.Commit != id["c1"] || f.Back != 1 || !strings.Contains(f.Reason, "which has no snapshot in refs/notes/flameiq; using its nearest first-parent ancestor that has one, 1 commit(s) back") {
		t.Errorf("an ancestor: %+v, %v", f, err)
	}

	l.MaxWalk = 1 // c1 is out of reach
	l.RefMissing = true
	_, err = Nearest(r, s, l)
	if err == nil || !strings.Contains(err.Error(), "no baseline: "+id["c2"].String()[:7]) ||
		!strings.Contains(err.Error(), "refs/notes/flameiq does not exist here") || !strings.HasSuffix(err.Error(), "\nrecord "+id["c2"].String()[:7]) {
		t.Errorf("none within reach: %v", err)
	}
}
