package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/flameiq/git-flameiq/profile"
)

const profileCorpus = "../testdata/corpus/profiles"

func diffProfiles(t *testing.T, base, head string, o profile.DiffOptions) *profile.DiffResult {
	t.Helper()
	parse := func(rel string) *profile.Profile {
		b, err := os.ReadFile(filepath.Join(profileCorpus, rel))
		if err != nil {
			t.Fatalf("corpus not available: %v", err)
		}
		p, err := profile.Parse(b, rel)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	r, err := profile.Diff(parse(base), parse(head), o)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestProfileGolden(t *testing.T) {
	meta := ProfileMeta{BaseCommit: strings.Repeat("a", 40), HeadCommit: strings.Repeat("b", 40), Name: "cpu"}
	for _, tc := range []struct {
		name, base, head string
		o                profile.DiffOptions
	}{
		{"cpu", "go-cpu/cpu-base.pprof", "go-cpu/cpu-head.pprof",
			profile.DiffOptions{BasePerOp: 446646e-9, HeadPerOp: 854202e-9, Top: 15}},
		{"cpu-aa", "go-cpu/cpu-base.pprof", "go-cpu/cpu-base2.pprof", profile.DiffOptions{Top: 10}},
		{"heap", "go-mem/mem-base.pprof", "go-mem/mem-head.pprof", profile.DiffOptions{SampleType: "alloc_space", Top: 10}},
		{"folded", "folded/base.folded", "folded/head.folded", profile.DiffOptions{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := diffProfiles(t, tc.base, tc.head, tc.o)
			var txt, js bytes.Buffer
			if err := ProfileText(&txt, r, meta); err != nil {
				t.Fatal(err)
			}
			if err := ProfileJSON(&js, r, meta); err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("profile", tc.name+".txt"), txt.Bytes())
			golden(t, filepath.Join("profile", tc.name+".json"), js.Bytes())
			if tc.name == "folded" {
				var page bytes.Buffer
				if err := FlameGraph(&page, r, meta, FlameGraphOptions{}); err != nil {
					t.Fatal(err)
				}
				golden(t, filepath.Join("profile", tc.name+".html"), page.Bytes())
			}
		})
	}
}

func TestProfileTextReason(t *testing.T) {
	r := diffProfiles(t, "folded/base.folded", "folded/head.folded", profile.DiffOptions{Top: 1})
	var b bytes.Buffer
	if err := ProfileText(&b, r, ProfileMeta{Name: "folded", Reason: "merge-base of HEAD and main"}); err != nil {
		t.Fatal(err)
	}
	if want := "profile folded (samples): merge-base of HEAD and main\n\nType: samples (count)"; !strings.HasPrefix(b.String(), want) {
		t.Errorf("text starts %q, want %q", b.String()[:min(len(want), b.Len())], want)
	}
}

func TestProfilePerOp(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		unit string
		want string
	}{
		{427e-6, "sec/op", "+427µs/op"},
		{-33.04e-6, "sec/op", "-33.0µs/op"},
		{1.5e-3, "sec/op", "+1.50ms/op"},
		{250, "ns/op", "+250ns/op"},
		{2, "B/op", "+2 B/op"},
	} {
		if got := profilePerOp(tc.v, tc.unit, true); got != tc.want {
			t.Errorf("profilePerOp(%g, %s) = %q, want %q", tc.v, tc.unit, got, tc.want)
		}
	}
}

const evil = "<script>alert(1)</script>"

func evilFlameGraph(t *testing.T) []byte {
	t.Helper()
	base, err := profile.Parse([]byte("main;work 50\nmain;"+evil+" 10\nmain;a&b\"c' 5\n"), "base.folded")
	if err != nil {
		t.Fatal(err)
	}
	head, err := profile.Parse([]byte("main;work 40\nmain;"+evil+";deeper 30\nmain;a&b\"c' 5\n"), "head.folded")
	if err != nil {
		t.Fatal(err)
	}
	r, err := profile.Diff(base, head, profile.DiffOptions{BasePerOp: 1e-3, HeadPerOp: 2e-3})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := FlameGraph(&b, r, ProfileMeta{Name: evil, BaseCommit: "base", HeadCommit: "head"}, FlameGraphOptions{}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestFlameGraphEscapingAndOffline(t *testing.T) {
	page := string(evilFlameGraph(t))
	if strings.Contains(page, evil) || strings.Contains(page, "<script>alert") {
		t.Error("frame name appears unescaped in the page")
	}
	if !strings.Contains(page, `\u003cscript\u003ealert(1)\u003c/script\u003e`) {
		t.Error("escaped frame name not embedded in the data")
	}
	for _, bad := range []string{"http://", "https://", "//cdn", "@import", "innerHTML", "<link", "src="} {
		if strings.Contains(page, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	if n := strings.Count(page, "<script"); n != 2 {
		t.Errorf("%d <script> elements, want 2 (data and code)", n)
	}
}
