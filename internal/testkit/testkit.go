// Package testkit holds helpers that tests of several packages share:
// reading Go benchmark text straight through benchfmt (an oracle
// independent of ingest), finding a headless browser, and scratch git
// repositories isolated from the user's configuration. Only tests import it.
package testkit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/perf/benchfmt"

	"github.com/flameiq/git-flameiq/gitstore"
	"github.com/flameiq/git-flameiq/snapshot"
)

// ReadGoBench parses Go benchmark text with benchfmt: keys `Name:unit`,
// units tidied by benchfmt, direction from the unit, one sample per line.
func ReadGoBench(t testing.TB, path string) *snapshot.Snapshot {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s := &snapshot.Snapshot{}
	rd := benchfmt.NewReader(f, path)
	for rd.Scan() {
		if res, ok := rd.Result().(*benchfmt.Result); ok {
			for _, v := range res.Values {
				s.Add(string(res.Name.Full())+":"+v.Unit, v.Unit, snapshot.UnitDirection(v.Unit), v.Value)
			}
		}
	}
	if err := rd.Err(); err != nil {
		t.Fatal(err)
	}
	s.Sort()
	return s
}

// Chromium returns the path of a headless-capable Chromium, or skips the
// test with a message saying how to install it (scripts/browser-test.sh
// installs it and runs these tests).
func Chromium(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("chromium not installed (apt-get install chromium, or scripts/browser-test.sh)")
	return ""
}

// HeadlessArgs are the flags a headless Chromium needs here (as root in a
// container, offline, nothing started in the background), with a fresh
// profile directory under t.TempDir(); append the page's flags and URL.
func HeadlessArgs(t testing.TB) []string {
	t.Helper()
	return []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
		"--user-data-dir=" + t.TempDir()}
}

// RunChromium runs the browser at bin with args and returns what it wrote
// to stdout and stderr. Headless Chromium occasionally dies by a signal on
// a loaded 2-core machine (a segfault in its own start-up, seen in CI), which
// says nothing about the page: such a run is retried, up to three times in
// all. Any other failure, or a third crash, fails the test.
func RunChromium(t testing.TB, bin string, args ...string) (stdout, stderr string) {
	t.Helper()
	for attempt := 1; ; attempt++ {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		cmd := exec.CommandContext(ctx, bin, args...)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		timedOut := ctx.Err() != nil
		cancel()
		if err == nil {
			return out.String(), errb.String()
		}
		var ee *exec.ExitError
		crashed := errors.As(err, &ee) && !timedOut && ee.Sys().(syscall.WaitStatus).Signaled()
		if !crashed || attempt == 3 {
			t.Fatalf("%s: %v (attempt %d)\n%s", bin, err, attempt, errb.String())
		}
		t.Logf("%s crashed (%v); retrying", bin, err)
	}
}

// GitRepo creates an empty repository (branch main) in a temporary
// directory and returns a function that runs git in it, isolated from the
// user's and the system's configuration, with a fixed identity and commit
// dates one minute apart from 2026-01-01 (so commit ids are stable), and
// returns its trimmed stdout. The test is skipped when git is missing.
func GitRepo(t testing.TB) (dir string, git func(args ...string) string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not on PATH")
	}
	dir = t.TempDir()
	home := filepath.Join(t.TempDir(), "home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		t.Fatal(err)
	}
	tick := 0
	git = func(args ...string) string {
		t.Helper()
		tick++
		date := fmt.Sprintf("%d +0000", 1767225600+60*tick)
		cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
		cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+home, "GIT_CONFIG_NOSYSTEM=1",
			"GIT_AUTHOR_NAME=T", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=T", "GIT_COMMITTER_EMAIL=t@example.com",
			"GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date)
		var out, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		return strings.TrimSpace(out.String())
	}
	git("init", "-q", "-b", "main")
	return dir, git
}

// EmptyCommits makes n empty commits "c1" … "cn" with git (as GitRepo
// returns it) and returns their ids, oldest first.
func EmptyCommits(t testing.TB, git func(args ...string) string, n int) []gitstore.Hash {
	t.Helper()
	ids := make([]gitstore.Hash, 0, n)
	for i := 1; i <= n; i++ {
		git("commit", "-q", "--allow-empty", "-m", fmt.Sprintf("c%d", i))
		h, err := gitstore.ParseHash(git("rev-parse", "HEAD"))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, h)
	}
	return ids
}

// WorkSnapshot is a snapshot of one metric, Work-2:sec/op, with ten
// samples from ns to ns+9 nanoseconds: the history the bisector and review
// tests record commit by commit.
func WorkSnapshot(ns float64) *snapshot.Snapshot {
	s := &snapshot.Snapshot{}
	var v []float64
	for i := range 10 {
		v = append(v, (ns+float64(i))*1e-9)
	}
	s.Add("Work-2:sec/op", "sec/op", snapshot.LowerIsBetter, v...)
	return s
}
