package gitstore

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestShallowGrafts: a commit listed in .git/shallow reads as parentless,
// in-process and on the plumbing backend, even when its parents are
// present (git ignores them too): walks end where `git log` ends.
func TestShallowGrafts(t *testing.T) {
	type kind struct {
		name string
		make func(testing.TB, int) string
		run  func(*testing.T, func(*testing.T))
	}
	kinds := []kind{{"in-process", makeRepo, func(t *testing.T, f func(*testing.T)) { t.Run("in-process", f) }}}
	for _, k := range plumbingKinds {
		kinds = append(kinds, kind{k.name, k.make, k.run})
	}
	for _, k := range kinds {
		k.run(t, func(t *testing.T) {
			dir := k.make(t, 6)
			gitDir := git(t, dir, "rev-parse", "--absolute-git-dir")
			boundary := git(t, dir, "rev-parse", "HEAD~2")
			if err := os.WriteFile(filepath.Join(gitDir, "shallow"), []byte(boundary+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			r := mustOpen(t, dir)
			if !r.IsShallow() {
				t.Fatal("IsShallow() = false")
			}
			head, _ := r.Resolve("HEAD")
			b := mustHash(t, boundary)
			if !r.OnShallowBoundary(b) || r.OnShallowBoundary(head) {
				t.Fatal("OnShallowBoundary is wrong")
			}
			cs, err := r.FirstParent(head, 0)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range cs {
				got = append(got, c.Hash.String())
			}
			want := git(t, dir, "rev-list", "--first-parent", "HEAD")
			if strings.Join(got, "\n") != want {
				t.Fatalf("FirstParent = %v, git rev-list = %v", got, want)
			}
			if c, _ := r.Commit(b); len(c.Parents) != 0 {
				t.Fatalf("boundary commit has parents %v", c.Parents)
			}
			for _, tc := range []struct {
				n    int
				want bool
			}{{2, true}, {3, true}, {4, false}, {0, false}} {
				if ok, err := r.HistoryReaches(head, tc.n, nil); err != nil || ok != tc.want {
					t.Errorf("HistoryReaches(HEAD, %d) = %v, %v; want %v", tc.n, ok, err, tc.want)
				}
			}
			stop := func(h Hash) (bool, error) { return h == b, nil }
			if ok, _ := r.HistoryReaches(head, 0, stop); !ok {
				t.Error("HistoryReaches did not stop at the boundary commit it looked for")
			}
			// Once complete, the root is a true root.
			os.Remove(filepath.Join(gitDir, "shallow"))
			if ok, err := mustOpen(t, dir).HistoryReaches(head, 0, nil); !ok || err != nil {
				t.Errorf("complete clone: HistoryReaches = %v, %v", ok, err)
			}
		})
	}
}
