// Package testkit holds helpers that tests of several packages share:
// reading Go benchmark text straight through benchfmt (an oracle
// independent of ingest) and finding a headless browser. Only tests import it.
package testkit

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"

	"golang.org/x/perf/benchfmt"

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
