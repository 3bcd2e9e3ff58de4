package gitstore

import (
	"context"
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

// TestDeepen: Deepen asks for the boundary commits, so it brings their
// history and not the other branches the refspec names; a server that
// refuses unadvertised object names (protocol v0) gets the refspec's fetch
// instead; a complete clone is left alone, and a remote with nothing more
// reports no progress.
func TestDeepen(t *testing.T) {
	up := makeRepo(t, 20)
	git(t, up, "branch", "side", "main~10")
	git(t, up, "checkout", "-q", "side")
	commitFile(t, up, "side.txt", "x", "only on side")
	git(t, up, "checkout", "-q", "main")
	ctx := context.Background()
	for _, proto := range []string{"2", "0"} {
		t.Run("protocol-v"+proto, func(t *testing.T) {
			cl := filepath.Join(t.TempDir(), "cl")
			git(t, up, "clone", "-q", "--depth", "3", "--no-single-branch", "file://"+up, cl)
			git(t, cl, "config", "protocol.version", proto)
			moved, err := Deepen(ctx, cl, "origin", 5)
			if err != nil || !moved {
				t.Fatalf("Deepen = %v, %v", moved, err)
			}
			if got := git(t, cl, "rev-list", "--count", "HEAD"); got != "8" {
				t.Fatalf("HEAD has %s commits after --deepen=5 from depth 3, want 8", got)
			}
			moved, err = Deepen(ctx, cl, "origin", 100)
			if err != nil || !moved {
				t.Fatalf("Deepen to the root = %v, %v", moved, err)
			}
			if mustOpen(t, cl).IsShallow() {
				t.Fatal("still shallow after deepening past the root")
			}
			if moved, err := Deepen(ctx, cl, "origin", 5); moved || err != nil {
				t.Fatalf("Deepen on a complete clone = %v, %v", moved, err)
			}
		})
	}
	t.Run("boundary-only", func(t *testing.T) {
		cl := filepath.Join(t.TempDir(), "cl")
		git(t, up, "clone", "-q", "--depth", "1", "--single-branch", "--branch", "main", "file://"+up, cl)
		git(t, cl, "config", "remote.origin.fetch", "+refs/heads/*:refs/remotes/origin/*")
		if _, err := Deepen(ctx, cl, "origin", 2); err != nil {
			t.Fatal(err)
		}
		if _, err := gitErr(cl, nil, "cat-file", "-e", git(t, up, "rev-parse", "side")); err == nil {
			t.Fatal("deepening main fetched the side branch too")
		}
	})
	t.Run("shallow-remote", func(t *testing.T) {
		half := filepath.Join(t.TempDir(), "half.git")
		git(t, up, "clone", "-q", "--bare", "--depth", "4", "file://"+up, half)
		cl := filepath.Join(t.TempDir(), "cl")
		git(t, up, "clone", "-q", "--depth", "1", "file://"+half, cl)
		var moved bool
		var err error
		for i := 0; i < 3; i++ {
			if moved, err = Deepen(ctx, cl, "origin", 2); err != nil || !moved {
				break
			}
		}
		if moved || err != nil {
			t.Fatalf("Deepen past a shallow remote's history = %v, %v; want no progress", moved, err)
		}
	})
}
