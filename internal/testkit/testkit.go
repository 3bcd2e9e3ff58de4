// Package testkit holds helpers that tests of several packages share:
// reading Go benchmark text straight through benchfmt (an oracle
// independent of ingest) and finding a headless browser. Only tests import it.
package testkit

import (
	"os"
	"os/exec"
	"testing"

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
