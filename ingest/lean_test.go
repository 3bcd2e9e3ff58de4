package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/flameiq/git-flameiq/snapshot"
)

// TestLeanLikePlain: every input of the corpus, the package's test data
// and the large-JSON generators reads the same with Options.Lean as
// without: the same record line, the same counts, or the same error.
func TestLeanLikePlain(t *testing.T) {
	var files []string
	for _, dir := range []string{corpus, "testdata"} {
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() && d.Name() == "fuzz" {
				return err
			}
			if !d.IsDir() || filepath.Base(p) == "criterion" {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	big := t.TempDir()
	for format, gen := range largeJSON {
		f := filepath.Join(big, format+".json")
		var b bytes.Buffer
		gen(&b, 256<<10)
		if err := os.WriteFile(f, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	defer func(was int64) { goLeanFrom = was }(goLeanFrom)
	goLeanFrom = 0 // go test's output too, however small
	lean := 0
	for _, f := range files {
		plain, perr := ParseFileWith(f, Options{})
		s, err := ParseFileWith(f, Options{Lean: true})
		var pfe, fe *FailedError
		if errors.As(perr, &pfe) && errors.As(err, &fe) {
			plain, s = pfe.Snapshot, fe.Snapshot
		}
		if fmt.Sprint(err) != fmt.Sprint(perr) {
			t.Errorf("%s: lean error %v, want %v", f, err, perr)
			continue
		}
		if plain == nil || s == nil {
			continue
		}
		if s.Lean() {
			lean++
		}
		want, werr := snapshot.EncodeRecord(plain, "id")
		got, gerr := snapshot.EncodeRecord(s, "id")
		if !bytes.Equal(got, want) || fmt.Sprint(gerr) != fmt.Sprint(werr) {
			t.Errorf("%s: lean record differs:\n%.300s (%v)\nwant\n%.300s (%v)", f, got, gerr, want, werr)
		}
		if s.Len() != plain.Len() || s.SampleCount() != plain.SampleCount() {
			t.Errorf("%s: lean has %d metrics, %d samples; want %d, %d", f, s.Len(), s.SampleCount(), plain.Len(), plain.SampleCount())
		}
	}
	if lean < 100 {
		t.Errorf("only %d lean snapshots among %d inputs", lean, len(files))
	}
	t.Logf("%d inputs, %d read lean", len(files), lean)
}
