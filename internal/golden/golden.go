// Package golden compares test output with golden files. Tests in every
// package share it, and its -update flag: `go test ./report -update`
// rewrites the golden files of that package with the current output. On a
// mismatch it prints a unified diff and writes the output beside the golden
// file as <file>.got (testdata/.gitignore ignores those). Only tests import
// it.
package golden

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/diff"
)

// Update is the -update flag.
var Update = flag.Bool("update", false, "rewrite the golden files with the current output")

// Check compares got with the file at path (created under -update).
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *Update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		_ = os.WriteFile(path+".got", got, 0o644)
		t.Errorf("output differs from %s (go test -update rewrites it):\n%s", path, diff.Diff(path, want, "got", got))
	}
}
