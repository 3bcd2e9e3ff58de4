package baseline

import (
	"testing"

	"github.com/flameiq/git-flameiq/snapshot"
)

func TestLike(t *testing.T) {
	linux := Like{Suite: "bench", Tags: map[string]string{"os": "linux"}}
	for _, tc := range []struct {
		name            string
		like            Like
		meta            snapshot.Meta
		matches, within bool
	}{
		{"same", linux, snapshot.Meta{Suite: "bench", Tags: map[string]string{"os": "linux"}}, true, true},
		{"other suite", linux, snapshot.Meta{Suite: "unit", Tags: map[string]string{"os": "linux"}}, false, false},
		{"other value", linux, snapshot.Meta{Suite: "bench", Tags: map[string]string{"os": "macos"}}, false, false},
		{"more tags", linux, snapshot.Meta{Suite: "bench", Tags: map[string]string{"os": "linux", "go": "1.26"}}, false, true},
		{"fewer tags", linux, snapshot.Meta{Suite: "bench"}, false, false},
		{"same size, other key", linux, snapshot.Meta{Suite: "bench", Tags: map[string]string{"arch": "linux"}}, false, false},
		{"nothing and nothing", Like{}, snapshot.Meta{}, true, true},
		{"nothing and a suite", Like{}, snapshot.Meta{Suite: "bench"}, false, false},
		{"empty tags map and none", Like{Tags: map[string]string{}}, snapshot.Meta{}, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.like.Matches(tc.meta); got != tc.matches {
				t.Errorf("Matches = %v, want %v", got, tc.matches)
			}
			if got := tc.like.Within(tc.meta); got != tc.within {
				t.Errorf("Within = %v, want %v", got, tc.within)
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
