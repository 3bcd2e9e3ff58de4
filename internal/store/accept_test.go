package store

import (
	"testing"

	"github.com/flameiq/git-flameiq/compare"
)

func TestParseAcceptances(t *testing.T) {
	tests := []struct {
		text string
		want []compare.Acceptance
	}{
		{"Perf-Accepted: Encode*:sec/op: new escaping is required", []compare.Acceptance{{Glob: "Encode*:sec/op", Reason: "new escaping is required", Source: "s"}}},
		{"subject\n\nperf-accepted: *: refactor\r\n", []compare.Acceptance{{Glob: "*", Reason: "refactor", Source: "s"}}},
		{"Perf-Accepted: Work*:", []compare.Acceptance{{Glob: "Work*", Source: "s"}}},
		// A reason of zero-width, bidi and format characters is no reason.
		{"Perf-Accepted: *: \u200b\u200d\u202e\u2066 \ufeff", []compare.Acceptance{{Glob: "*", Source: "s"}}},
		{"Perf-Accepted: *: ok\u200b", []compare.Acceptance{{Glob: "*", Reason: `ok\u200b`, Source: "s"}}},
		{"Perf-Accepted: *: fine\x1b[2J", []compare.Acceptance{{Glob: "*", Reason: `fine\x1b[2J`, Source: "s"}}},
		{"Perf-Accepted:   \nnot a trailer: Perf-Accepted: x: y", nil},
	}
	for _, tt := range tests {
		got := ParseAcceptances(tt.text, "s")
		if len(got) != len(tt.want) {
			t.Errorf("%q: %+v, want %+v", tt.text, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%q: %+v, want %+v", tt.text, got[i], tt.want[i])
			}
		}
	}
}
