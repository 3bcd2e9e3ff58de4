package gitstore

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestPushPullConcurrent: four clones record notes on the same and on
// different commits and push to one bare file:// remote at the same time,
// three rounds each; a fresh clone then pulls and must see every line.
func TestPushPullConcurrent(t *testing.T) {
	pushPullConcurrent(t, makeRepo(t, 4), 4, 3)
}

// pushPullConcurrent: clones of src record and push to one bare remote at
// the same time; a fresh clone pulls and must see every line.
func pushPullConcurrent(t *testing.T, src string, clones, rounds int) {
	remote := filepath.Join(t.TempDir(), "remote.git")
	git(t, src, "clone", "-q", "--bare", src, remote)
	url := "file://" + remote
	commits := strings.Fields(git(t, src, "rev-list", "main"))
	ctx := context.Background()

	// Pull from a remote that has no notes yet is not an error.
	if _, err := Pull(ctx, src, url, "flameiq"); err != nil {
		t.Fatal(err)
	}
	dirs := make([]string, clones)
	for i := range dirs {
		dirs[i] = filepath.Join(t.TempDir(), fmt.Sprint("clone", i))
		git(t, src, "clone", "-q", url, dirs[i])
	}
	var wg sync.WaitGroup
	errs := make(chan error, clones*rounds)
	for i, d := range dirs {
		wg.Add(1)
		go func(i int, d string) {
			defer wg.Done()
			r, err := Open(d)
			if err != nil {
				errs <- err
				return
			}
			for k := 0; k < rounds; k++ {
				for j, c := range []string{commits[0], commits[1+i%3]} {
					line := fmt.Sprintf("{\"clone\":%d,\"round\":%d,\"j\":%d}", i, k, j)
					if err := r.AppendNote("flameiq", mustHash(t, c), []byte(line), ""); err != nil {
						errs <- err
						return
					}
				}
				if err := Push(ctx, d, "origin", "flameiq"); err != nil {
					errs <- fmt.Errorf("clone %d push: %w", i, err)
					return
				}
			}
		}(i, d)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	fresh := filepath.Join(t.TempDir(), "fresh")
	git(t, src, "clone", "-q", url, fresh)
	if found, err := Pull(ctx, fresh, "origin", "refs/notes/flameiq"); err != nil || !found {
		t.Fatalf("pull: found %v, %v", found, err)
	}
	if found, err := Pull(ctx, fresh, "origin", "refs/notes/nothing-here"); err != nil || found {
		t.Fatalf("pull of a ref the remote lacks: found %v, %v", found, err)
	}
	r := mustOpen(t, fresh)
	n, _ := r.Notes("flameiq")
	all := ""
	for _, c := range commits {
		b, err := n.Read(mustHash(t, c))
		if err != nil {
			t.Fatal(err)
		}
		all += string(b)
	}
	for i := 0; i < clones; i++ {
		for k := 0; k < rounds; k++ {
			for j := 0; j < 2; j++ {
				line := fmt.Sprintf("{\"clone\":%d,\"round\":%d,\"j\":%d}\n", i, k, j)
				if strings.Count(all, line) != 1 {
					t.Errorf("line %q present %d times after pull", line, strings.Count(all, line))
				}
			}
		}
	}
	if out := git(t, fresh, "for-each-ref", TempRefPrefix); out != "" {
		t.Errorf("temporary ref left behind: %s", out)
	}
	git(t, remote, "fsck", "--strict", "--no-progress")

	// A local record not yet pushed survives a pull, and git can read it.
	r0 := mustOpen(t, dirs[0])
	if err := r0.AppendNote("flameiq", mustHash(t, commits[2]), []byte(`{"local":1}`), ""); err != nil {
		t.Fatal(err)
	}
	if _, err := Pull(ctx, dirs[0], "origin", "flameiq"); err != nil {
		t.Fatal(err)
	}
	if got := git(t, dirs[0], "notes", "--ref=flameiq", "show", commits[2]); !strings.Contains(got, `{"local":1}`) {
		t.Fatalf("local note lost by pull: %q", got)
	}

	err := Push(ctx, src, "no-such-remote", "flameiq")
	var ge *GitError
	if !errors.As(err, &ge) || ge.ExitCode == 0 || ge.Stderr == "" {
		t.Fatalf("push to a missing remote: %v", err)
	}
}

// TestPushFromOneCloneConcurrent: several pushes and pulls from the same
// clone at once (they used to fail with "cannot lock ref
// 'refs/notes/flameiq-remote/flameiq'", the shared temporary ref): none
// fails, every line arrives, no temporary ref is left.
func TestPushFromOneCloneConcurrent(t *testing.T) {
	src := makeRepo(t, 4)
	remote := filepath.Join(t.TempDir(), "remote.git")
	git(t, src, "clone", "-q", "--bare", src, remote)
	url := "file://" + remote
	commits := strings.Fields(git(t, src, "rev-list", "main"))
	r, err := Open(src)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	const n = 8
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for i := range n {
		line := fmt.Sprintf("{\"push\":%d}", i)
		if err := r.AppendNote("flameiq", mustHash(t, commits[i%len(commits)]), []byte(line), ""); err != nil {
			t.Fatal(err)
		}
		wg.Add(2)
		go func() {
			defer wg.Done()
			if err := Push(ctx, src, url, "flameiq"); err != nil {
				errs <- fmt.Errorf("push %d: %w", i, err)
			}
		}()
		go func() {
			defer wg.Done()
			if _, err := Pull(ctx, src, url, "flameiq"); err != nil {
				errs <- fmt.Errorf("pull %d: %w", i, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if err := Push(ctx, src, url, "flameiq"); err != nil {
		t.Fatal(err)
	}
	notes := git(t, remote, "log", "--format=%N", "--notes=flameiq", "main")
	for i := range n {
		if !strings.Contains(notes, fmt.Sprintf("{\"push\":%d}", i)) {
			t.Errorf("line of push %d missing on the remote", i)
		}
	}
	if out := git(t, src, "for-each-ref", TempRefPrefix); out != "" {
		t.Errorf("temporary refs left behind: %s", out)
	}
}
