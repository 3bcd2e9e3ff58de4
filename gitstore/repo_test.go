package gitstore

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpen(t *testing.T) {
	dir := makeRepo(t, 3)
	sub := filepath.Join(dir, "a", "b")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	head := git(t, dir, "rev-parse", "HEAD")
	bare := filepath.Join(t.TempDir(), "bare.git")
	git(t, dir, "clone", "-q", "--bare", dir, bare)
	wt := filepath.Join(t.TempDir(), "wt")
	git(t, dir, "worktree", "add", "-q", "--detach", wt, "HEAD~1")

	for _, tc := range []struct{ name, dir, rev, want string }{
		{"top", dir, "HEAD", head},
		{"subdir", sub, "HEAD", head},
		{"bare", bare, "main", head},
		{"worktree", wt, "HEAD", git(t, dir, "rev-parse", "HEAD~1")},
		{"worktree-main", wt, "main", head},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := mustOpen(t, tc.dir)
			h, err := r.Resolve(tc.rev)
			if err != nil {
				t.Fatal(err)
			}
			if h.String() != tc.want {
				t.Fatalf("Resolve(%s) = %s, want %s", tc.rev, h, tc.want)
			}
		})
	}
	t.Run("not-a-repo", func(t *testing.T) {
		_, err := Open(t.TempDir())
		if !errors.Is(err, ErrNotRepo) {
			t.Fatalf("err = %v, want ErrNotRepo", err)
		}
	})
	t.Run("GIT_DIR", func(t *testing.T) {
		t.Setenv("GIT_DIR", filepath.Join(dir, ".git"))
		r := mustOpen(t, t.TempDir())
		h, err := r.Resolve("HEAD")
		if err != nil || h.String() != head {
			t.Fatalf("Resolve(HEAD) = %s, %v", h, err)
		}
	})
}

func TestResolve(t *testing.T) {
	dir := makeRepo(t, 5)
	git(t, dir, "tag", "light", "HEAD~1")
	git(t, dir, "tag", "-a", "-m", "annotated", "v1", "HEAD~2")
	git(t, dir, "update-ref", "refs/remotes/origin/main", "HEAD~3")
	git(t, dir, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main")
	git(t, dir, "checkout", "-q", "-b", "topic", "HEAD~4")
	commitFile(t, dir, "x", "x", "topic commit")
	git(t, dir, "checkout", "-q", "main")
	git(t, dir, "merge", "-q", "--no-ff", "-m", "merge topic", "topic")
	git(t, dir, "branch", "packed", "HEAD~1")
	git(t, dir, "pack-refs", "--all")
	git(t, dir, "branch", "loose", "HEAD^2")
	head := git(t, dir, "rev-parse", "HEAD")
	r := mustOpen(t, dir)

	revs := []string{"HEAD", "@", "main", "refs/heads/main", "heads/main", "HEAD~1", "HEAD^", "HEAD^2", "HEAD^^",
		"HEAD~2", "main~3", "HEAD^1~2", "light", "v1", "refs/tags/v1", "v1~1", "v1^{}", "v1^{commit}", "origin/main", "origin",
		"refs/remotes/origin/main", "remotes/origin/main", "topic", "packed", "loose", "HEAD^0",
		head, head[:7], head[:4], strings.ToUpper(head[:10])}
	for _, rev := range revs {
		want, err := gitErr(dir, nil, "rev-parse", "--verify", "-q", rev+"^{commit}")
		if err != nil {
			t.Errorf("git rev-parse %s: %v", rev, err)
			continue
		}
		got, err := r.Resolve(rev)
		if err != nil {
			t.Errorf("Resolve(%q): %v", rev, err)
			continue
		}
		if got.String() != want {
			t.Errorf("Resolve(%q) = %s, want %s", rev, got, want)
		}
	}
	for _, rev := range []string{"nope", "HEAD~99", "main^3", "", "deadbeef", "refs/heads/nope", "a..b", "HEAD^{tree}"} {
		_, err := r.Resolve(rev)
		if !errors.Is(err, ErrUnknownRev) {
			t.Errorf("Resolve(%q) err = %v, want ErrUnknownRev", rev, err)
		} else if rev != "" && !strings.Contains(err.Error(), rev) {
			t.Errorf("Resolve(%q) err = %q does not name the revision", rev, err)
		}
	}
}

func TestResolvePacked(t *testing.T) {
	dir := makeRepo(t, 30)
	git(t, dir, "tag", "-a", "-m", "x", "v2", "HEAD~7")
	git(t, dir, "repack", "-adq")
	git(t, dir, "pack-refs", "--all")
	r := mustOpen(t, dir)
	for _, rev := range []string{"HEAD", "HEAD~29", "v2", "v2~3", git(t, dir, "rev-parse", "HEAD~13")[:6]} {
		want := git(t, dir, "rev-parse", rev+"^{commit}")
		got, err := r.Resolve(rev)
		if err != nil || got.String() != want {
			t.Errorf("Resolve(%q) = %s, %v; want %s", rev, got, err, want)
		}
	}
	c, err := r.Commit(mustHash(t, git(t, dir, "rev-parse", "HEAD~2")))
	if err != nil {
		t.Fatal(err)
	}
	if c.Subject() != "commit 27" || c.Committer.Name != "C" || len(c.Parents) != 1 {
		t.Fatalf("commit = %+v", c)
	}
}

func TestNotesRefNames(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"flameiq", "refs/notes/flameiq"},
		{"notes/flameiq", "refs/notes/flameiq"},
		{"refs/notes/flameiq", "refs/notes/flameiq"},
		{"refs/notes/a/b", "refs/notes/a/b"},
		{"refs/heads/main", ""},
		{"refs/tags/x", ""},
		{"", ""},
		{"bad..name", ""},
		{"refs/notes/", ""},
	} {
		got, err := NotesRef(tc.in)
		if tc.want == "" {
			if !errors.Is(err, ErrBadRef) {
				t.Errorf("NotesRef(%q) = %q, %v; want ErrBadRef", tc.in, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("NotesRef(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	r := mustOpen(t, makeRepo(t, 1))
	if _, err := r.Notes("refs/heads/main"); !errors.Is(err, ErrBadRef) {
		t.Errorf("Notes(refs/heads/main) err = %v", err)
	}
	if err := r.AppendNote("refs/heads/main", ZeroHash, []byte("x"), ""); !errors.Is(err, ErrBadRef) {
		t.Errorf("AppendNote(refs/heads/main) err = %v", err)
	}
}

func TestWalk(t *testing.T) {
	dir := makeRepo(t, 20)
	git(t, dir, "checkout", "-q", "-b", "feature", "main~5")
	commitFile(t, dir, "f1", "1", "f1")
	commitFile(t, dir, "f2", "2", "f2")
	git(t, dir, "checkout", "-q", "-b", "side", "main~8")
	commitFile(t, dir, "s1", "1", "s1")
	git(t, dir, "checkout", "-q", "feature")
	git(t, dir, "merge", "-q", "--no-ff", "-m", "merge side", "side")
	git(t, dir, "repack", "-adq")
	r := mustOpen(t, dir)
	for _, pair := range [][2]string{{"feature", "main"}, {"main", "feature"}, {"side", "main"}, {"side", "feature"}, {"main", "main~3"}, {"main~2", "main~2"}} {
		want := git(t, dir, "merge-base", pair[0], pair[1])
		a, _ := r.Resolve(pair[0])
		b, _ := r.Resolve(pair[1])
		got, err := r.MergeBase(a, b)
		if err != nil || got.String() != want {
			t.Errorf("MergeBase(%s, %s) = %s, %v; want %s", pair[0], pair[1], got, err, want)
		}
	}
	head, _ := r.Resolve("feature")
	cs, err := r.FirstParent(head, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Fields(git(t, dir, "rev-list", "--first-parent", "feature"))
	if len(cs) != len(want) {
		t.Fatalf("FirstParent: %d commits, want %d", len(cs), len(want))
	}
	for i := range want {
		if cs[i].Hash.String() != want[i] {
			t.Fatalf("FirstParent[%d] = %s, want %s", i, cs[i].Hash, want[i])
		}
	}
	if cs, _ := r.FirstParent(head, 3); len(cs) != 3 {
		t.Fatalf("FirstParent(n=3) returned %d", len(cs))
	}
	other := makeRepo(t, 0)
	git(t, other, "commit", "-q", "--allow-empty", "-m", "root")
	git(t, dir, "fetch", "-q", other, "main:unrelated")
	u, _ := r.Resolve("unrelated")
	if _, err := r.MergeBase(head, u); !errors.Is(err, ErrNoMergeBase) {
		t.Fatalf("MergeBase(unrelated) err = %v", err)
	}
	if r.IsShallow() {
		t.Fatal("IsShallow on a full clone")
	}
	if got := r.DefaultBranch("origin"); got != "" {
		t.Fatalf("DefaultBranch = %q", got)
	}
	git(t, dir, "update-ref", "refs/remotes/origin/trunk", "main")
	git(t, dir, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/trunk")
	if got := r.DefaultBranch("origin"); got != "refs/remotes/origin/trunk" {
		t.Fatalf("DefaultBranch = %q", got)
	}
	shallow := filepath.Join(t.TempDir(), "shallow")
	git(t, dir, "clone", "-q", "--depth", "3", "--branch", "feature", "file://"+dir, shallow)
	sr := mustOpen(t, shallow)
	if !sr.IsShallow() {
		t.Fatal("IsShallow = false on a shallow clone")
	}
	sh, _ := sr.Resolve("HEAD")
	if cs, err := sr.FirstParent(sh, 0); err != nil || len(cs) != 3 {
		t.Fatalf("FirstParent in shallow clone: %d, %v", len(cs), err)
	}
}
