package profile

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func seed(f *testing.F, glob string) {
	files, _ := filepath.Glob(filepath.Join(corpus, glob))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
}

// check parses in, requires *Error on failure, and on success exercises
// aggregation, diffing, the flame graph tree and the folded writer.
func check(t *testing.T, in []byte) *Profile {
	p, err := Parse(in, "fuzz")
	if err != nil {
		var pe *Error
		if !errors.As(err, &pe) {
			t.Fatalf("error %v is %T, want *Error", err, err)
		}
		return nil
	}
	for i := range p.SampleTypes {
		if _, err := p.Aggregate(p.SampleTypes[i].Type); err != nil {
			t.Fatal(err)
		}
	}
	_ = p.DefaultName()
	r, err := Diff(p, p, DiffOptions{BasePerOp: 1, HeadPerOp: 2, Top: 20})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Flame(0.001); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteFolded(&b, r); err != nil {
		t.Fatal(err)
	}
	return p
}

func FuzzParseFolded(f *testing.F) {
	seed(f, "folded/*.folded")
	f.Add([]byte("a;b;c 1\n# x\n\na;b 2"))
	f.Fuzz(func(t *testing.T, in []byte) {
		p := check(t, in)
		if p == nil || p.Kind != KindFolded {
			return
		}
		// Normalised text parses back to the same text.
		b, err := p.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		q, err := Parse(b, "again")
		if err != nil {
			t.Fatalf("normalised text %q does not parse: %v", b, err)
		}
		if b2, _ := q.Bytes(); !bytes.Equal(b, b2) {
			t.Fatalf("not idempotent: %q → %q", b, b2)
		}
	})
}

func FuzzParsePprof(f *testing.F) {
	seed(f, "go-cpu/*.pprof")
	seed(f, "go-mem/*.pprof")
	var b bytes.Buffer
	GenerateSynthetic(3, 20, 50, 2, 6).WriteUncompressed(&b)
	f.Add(b.Bytes())
	f.Fuzz(func(t *testing.T, in []byte) {
		check(t, in)
	})
}
