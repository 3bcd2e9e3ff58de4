package termsafe

import (
	"bytes"
	"testing"
)

func TestLineAndWriter(t *testing.T) {
	for in, want := range map[string]string{
		"plain":                    "plain",
		"::error title=x::owned":   " ::error title=x::owned",
		"a\x1b[31mred":             `a\x1b[31mred`,
		"zero\u200bwidth \u202eab": `zero\u200bwidth \u202eab`,
	} {
		if got := Line(in); got != want {
			t.Errorf("Line(%q) = %q, want %q", in, got, want)
		}
	}
	var b bytes.Buffer
	w := NewWriter(&b)
	w.Write([]byte("git-flameiq: key x\n::error title=Injected::"))
	w.Write([]byte("owned\nprogress 1/3\rprogress 2/3\rlast"))
	w.Flush()
	want := "git-flameiq: key x\n ::error title=Injected::owned\nprogress 1/3\rprogress 2/3\rlast"
	if b.String() != want {
		t.Errorf("got %q\nwant %q", b.String(), want)
	}
}
