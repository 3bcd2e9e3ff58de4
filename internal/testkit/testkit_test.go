package testkit

import (
	"os"
	"path/filepath"
	"testing"
)

// A browser that dies by a signal is run again; its output on the run
// that worked is returned.
func TestRunChromiumRetriesACrash(t *testing.T) {
	dir := t.TempDir()
	marker := filepath.Join(dir, "crashed-once")
	fake := filepath.Join(dir, "browser")
	script := "#!/bin/sh\nif [ ! -e " + marker + " ]; then : > " + marker + "; kill -SEGV $$; fi\necho \"dom $1\"\necho log >&2\n"
	if err := os.WriteFile(fake, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	stdout, stderr := RunChromium(t, fake, "file:///x.html")
	if stdout != "dom file:///x.html\n" || stderr != "log\n" {
		t.Fatalf("stdout %q, stderr %q", stdout, stderr)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Fatal("the fake browser never crashed: the retry was not exercised")
	}
}
