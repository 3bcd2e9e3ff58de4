package gitstore

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A lock file left by a killed writer (older than StaleLockAge) does not
// block the next writer; a fresh one does until the timeout.
func TestStaleLockBroken(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "flameiq.lock")
	if err := os.WriteFile(p, []byte("0000\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-2 * StaleLockAge)
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}
	f, err := lockFile(p)
	if err != nil {
		t.Fatalf("stale lock not broken: %v", err)
	}
	f.Close()
	// Now the lock is fresh (ours): another taker must time out.
	saved := lockTimeout
	lockTimeout = 50 * time.Millisecond
	defer func() { lockTimeout = saved }()
	if _, err := lockFile(p); err == nil {
		t.Fatal("a fresh lock was broken")
	}
	matches, _ := filepath.Glob(p + ".stale-*")
	if len(matches) != 0 {
		t.Errorf("left behind: %v", matches)
	}
}
