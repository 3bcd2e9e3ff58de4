package gitstore

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func errorsAs(err error, target any) bool { return errors.As(err, target) }

// helperMain is the writer process of TestConcurrentAppend: it appends
// GITSTORE_N lines, alternating between a shared commit and its own.
func helperMain() int {
	dir := os.Getenv("GITSTORE_DIR")
	id := os.Getenv("GITSTORE_ID")
	n, _ := strconv.Atoi(os.Getenv("GITSTORE_N"))
	commits := strings.Fields(os.Getenv("GITSTORE_COMMITS"))
	r, err := Open(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	idn, _ := strconv.Atoi(id)
	for i := 0; i < n; i++ {
		c := commits[0]
		if i%2 == 1 {
			c = commits[1+idn%(len(commits)-1)]
		}
		h, _ := ParseHash(c)
		line := fmt.Sprintf("{\"w\":%q,\"i\":%d}", id, i)
		if err := r.AppendNote("flameiq", h, []byte(line), ""); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	return 0
}

// TestConcurrentAppend: 16 writer processes × 50 appends (half on one shared
// commit, half on per-writer commits) race a `git notes append` loop from
// the git CLI; every line must end up in the notes exactly once.
func TestConcurrentAppend(t *testing.T) {
	writers, per := 16, 50
	if testing.Short() {
		writers, per = 4, 20
	}
	concurrentAppend(t, makeRepo(t, 9), writers, per, true)
}

// TestConcurrentAppendBare: the same race in a bare repository, which keeps
// no reflog by default: the lines `git notes append` drops are restored
// from the reflog our writes keep for the notes ref (it lost 159 of 361
// acknowledged records before).
func TestConcurrentAppendBare(t *testing.T) {
	writers, per := 16, 30
	if testing.Short() {
		writers, per = 4, 20
	}
	src := makeRepo(t, 9)
	bare := t.TempDir() + "/bare.git"
	git(t, src, "clone", "-q", "--bare", src, bare)
	concurrentAppend(t, bare, writers, per, true)
}

// lineCounts counts each non-empty line of the notes of commits.
func lineCounts(t *testing.T, n *Notes, commits []string) map[string]int {
	t.Helper()
	count := map[string]int{}
	for _, c := range commits {
		note, err := n.Read(mustHash(t, c))
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(string(note), "\n") {
			if l != "" {
				count[l]++
			}
		}
	}
	return count
}

// startWriters starts writers helper processes (this test binary with
// GITSTORE_HELPER=1), each appending per records spread over commits in
// dir; wg is done when all have exited, their failures are sent on errs
// (which has room for one more error of the caller's).
func startWriters(t *testing.T, dir string, commits []string, writers, per int) (*sync.WaitGroup, chan error) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, writers+1)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			cmd := exec.Command(exe)
			cmd.Env = append(os.Environ(), "GITSTORE_HELPER=1", "GITSTORE_DIR="+dir, "GITSTORE_ID="+strconv.Itoa(w),
				"GITSTORE_N="+strconv.Itoa(per), "GITSTORE_COMMITS="+strings.Join(commits, " "))
			if out, err := cmd.CombinedOutput(); err != nil {
				errs <- fmt.Errorf("writer %d: %v: %s", w, err, out)
			}
		}(w)
	}
	return &wg, errs
}

// concurrentAppend runs writer processes × per appends against dir (beside
// a `git notes append` loop when cli) and checks that every line is there
// once.
func concurrentAppend(t *testing.T, dir string, writers, per int, cli bool) {
	commits := strings.Fields(git(t, dir, "rev-list", "main"))
	start := time.Now()
	wg, errs := startWriters(t, dir, commits, writers, per)
	// The git CLI side: `git notes append` fails when it finds the lock
	// taken, as git does; the loop retries it.
	cliLines := 0
	done := make(chan struct{})
	var cliWG sync.WaitGroup
	cliWG.Add(1)
	go func() {
		defer cliWG.Done()
		for i := 0; cli; i++ {
			select {
			case <-done:
				return
			default:
			}
			c := commits[i%len(commits)]
			line := fmt.Sprintf("{\"cli\":%d}", i)
			for try := 0; ; try++ {
				_, err := gitErr(dir, nil, "notes", "--ref=flameiq", "append", "-m", line, c)
				if err == nil {
					cliLines++
					break
				}
				if !strings.Contains(err.Error(), ".lock") || try > 200 {
					errs <- fmt.Errorf("git notes append: %v", err)
					return
				}
				time.Sleep(time.Millisecond)
			}
		}
	}()
	wg.Wait()
	close(done)
	cliWG.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	t.Logf("%d writers × %d appends + %d CLI appends in %v", writers, per, cliLines, time.Since(start))

	r := mustOpen(t, dir)
	// The git CLI overwrites the ref without compare-and-swap; a record it
	// dropped after the last flameiq write is restored by RepairNotes (any
	// later AppendNote does the same).
	if err := r.RepairNotes("flameiq"); err != nil {
		t.Fatal(err)
	}
	n, _ := r.Notes("flameiq")
	count := lineCounts(t, n, commits)
	for w := 0; w < writers; w++ {
		for i := 0; i < per; i++ {
			l := fmt.Sprintf("{\"w\":%q,\"i\":%d}", strconv.Itoa(w), i)
			if count[l] != 1 {
				t.Errorf("line %s present %d times", l, count[l])
			}
		}
	}
	for i := 0; i < cliLines; i++ {
		if l := fmt.Sprintf("{\"cli\":%d}", i); count[l] != 1 {
			t.Errorf("CLI line %s present %d times", l, count[l])
		}
	}
	git(t, dir, "fsck", "--strict", "--no-progress")
}
