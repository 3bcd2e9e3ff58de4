package baseline

import (
	"testing"

	"github.com/flameiq/git-flameiq/snapshot"
)

func TestLike(t *testing.T) {
	linux := Like{Suite: "bench", Tags: map[string]string{"os": "linux"}}
	for _, tc := range []struct {
		name    string
		like    Like
		meta    snapshot.Meta
		matches bool
	}{
		{"same", linux, snapshot.Meta{Suite: "bench", Tags: map[string]string{"os": "linux"}}, true},
		{"other suite", linux, snapshot.Meta{Suite: "unit", Tags: map[string]string{"os": "linux"}}, false},
		{"other value", linux, snapshot.Meta{Suite: "bench", Tags: map[string]string{"os": "macos"}}, false},
		{"more tags (the input's own, other flags)", linux, snapshot.Meta{Suite: "bench", Tags: map[string]string{"os": "linux", "cpu": "x", "go": "1.26"}}, true},
		{"fewer tags", linux, snapshot.Meta{Suite: "bench"}, false},
		{"same size, other key", linux, snapshot.Meta{Suite: "bench", Tags: map[string]string{"arch": "linux"}}, false},
		{"empty value is a value", Like{Tags: map[string]string{"os": ""}}, snapshot.Meta{}, false},
		{"nothing and nothing", Like{}, snapshot.Meta{}, true},
		{"nothing and a suite", Like{}, snapshot.Meta{Suite: "bench"}, false},
		{"nothing and tags", Like{}, snapshot.Meta{Tags: map[string]string{"os": "linux"}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.like.Matches(tc.meta); got != tc.matches {
				t.Errorf("Matches = %v, want %v", got, tc.matches)
			}
		})
	}
	if got, want := (Like{Suite: "b", Tags: map[string]string{"z": "1", "a": "\x1b"}}).String(), `suite b, tags a=\x1b z=1`; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
	if got := (Like{}).String(); got != "no suite, no tags" {
		t.Errorf("String = %q", got)
	}
}
