package profile

import (
	"bytes"
	"sync"
	"testing"
)

var synthPair struct {
	once       sync.Once
	base, head []byte
}

// synthBytes returns the benchmark pair: two 5.5 MB-class gzipped CPU
// profiles (6,000 functions, 120,000 samples, stacks 8–38 deep).
func synthBytes(b *testing.B) ([]byte, []byte) {
	synthPair.once.Do(func() {
		var x, y bytes.Buffer
		GenerateSynthetic(1, 6000, 120000, 8, 38).Write(&x)
		GenerateSynthetic(2, 6000, 120000, 8, 38).Write(&y)
		synthPair.base, synthPair.head = x.Bytes(), y.Bytes()
	})
	b.SetBytes(int64(len(synthPair.base) + len(synthPair.head)))
	return synthPair.base, synthPair.head
}

// BenchmarkDiffSynthetic measures what `profile diff` does once the blobs
// are read: parse both sides (in parallel), aggregate and diff.
func BenchmarkDiffSynthetic(b *testing.B) {
	base, head := synthBytes(b)
	b.ResetTimer()
	for b.Loop() {
		bp, hp, err := ParsePair(base, "base", head, "head")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Diff(bp, hp, DiffOptions{Top: 20}); err != nil {
			b.Fatal(err)
		}
	}
}
