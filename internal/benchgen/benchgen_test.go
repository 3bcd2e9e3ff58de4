package benchgen

import (
	"bytes"
	"strings"
	"testing"
)

func TestWrite(t *testing.T) {
	gen := func(o Options) string {
		var b bytes.Buffer
		if err := Write(&b, o); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	o := Options{N: 40, Count: 3, Mem: true, Noise: 0.02, Seed: 7}
	a := gen(o)
	if a != gen(o) {
		t.Error("the same options wrote different text")
	}
	if got := strings.Count(a, "\nBenchmarkGen/"); got != 40*3 {
		t.Errorf("%d benchmark lines, want 120", got)
	}
	if !strings.Contains(a, "\nBenchmark"+Name(23)+"-2\t") || !strings.Contains(a, "B/op\t") {
		t.Errorf("no %s line with -benchmem columns:\n%.300s", Name(23), a)
	}
	// Without noise the head differs from the base exactly where Slowed
	// and Sped say, by +10 % and -8 %.
	base := strings.Split(gen(Options{N: 40, Count: 1}), "\n")
	head := strings.Split(gen(Options{N: 40, Count: 1, Head: true}), "\n")
	for i := range 40 {
		b, h := base[4+i], head[4+i]
		if changed := b != h; changed != (Slowed(i) || Sped(i)) {
			t.Errorf("benchmark %d: base %q, head %q", i, b, h)
		}
	}
}

func TestMainUsage(t *testing.T) {
	var out, errb bytes.Buffer
	if code := Main([]string{"-noise", "1.5"}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "usage") {
		t.Errorf("bad -noise: exit %d, %q", code, errb.String())
	}
	if code := Main([]string{"-n", "2", "-count", "1"}, &out, &errb); code != 0 || strings.Count(out.String(), "ns/op") != 2 {
		t.Errorf("exit %d:\n%s", code, out.String())
	}
}
