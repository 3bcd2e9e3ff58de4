package gitstore

import (
	"fmt"
	"sync"
	"testing"
)

// A Repo and its Notes are read from several goroutines at once (log,
// review and drift read notes in parallel): every read returns the right
// note. Run under -race to check the caches' locking.
func TestConcurrentReads(t *testing.T) {
	dir := makeRepo(t, 0)
	fastImport(t, dir, 300, 0, true)
	git(t, dir, "repack", "-adq")
	r := mustOpen(t, dir)
	n, err := r.Notes("refs/notes/flameiq")
	if err != nil {
		t.Fatal(err)
	}
	head, err := r.Resolve("main")
	if err != nil {
		t.Fatal(err)
	}
	commits, err := r.FirstParent(head, 0)
	if err != nil || len(commits) != 300 {
		t.Fatalf("%d commits, %v", len(commits), err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for w := 0; w < 4; w++ {
		wg.Go(func() {
			for i, c := range commits {
				if (i+w)%2 == 0 {
					continue
				}
				got, err := n.Read(c.Hash)
				if err != nil {
					errs <- err
					return
				}
				if want := fmt.Sprintf("{\"note\":%d}\n", 299-i); string(got) != want {
					errs <- fmt.Errorf("commit %d: note %q, want %q", i, got, want)
					return
				}
				if _, err := r.Commit(c.Hash); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
