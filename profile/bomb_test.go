package profile

import (
	"bytes"
	"compress/gzip"
	"strings"
	"testing"
)

// TestGzipBomb: decompression stops at FLAMEIQ_MAX_INPUT with a clear
// error instead of inflating a few megabytes into gigabytes.
func TestGzipBomb(t *testing.T) {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	zeros := make([]byte, 1<<20)
	for range 64 { // 64 MiB of zeros: ~64 KiB compressed
		zw.Write(zeros)
	}
	zw.Close()
	t.Setenv("FLAMEIQ_MAX_INPUT", "8M")
	_, err := Parse(b.Bytes(), "bomb.pprof")
	if err == nil || !strings.Contains(err.Error(), "bomb.pprof: decompressed profile larger than 8 MiB (FLAMEIQ_MAX_INPUT): refused") {
		t.Errorf("got %v", err)
	}
	t.Setenv("FLAMEIQ_MAX_INPUT", "lots")
	if _, err := Parse(b.Bytes(), "bomb.pprof"); err == nil || !strings.Contains(err.Error(), `FLAMEIQ_MAX_INPUT="lots"`) {
		t.Errorf("bad limit: %v", err)
	}
}
