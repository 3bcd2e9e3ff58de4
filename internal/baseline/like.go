package baseline

import (
	"maps"
	"slices"
	"strings"

	"github.com/flameiq/git-flameiq/snapshot"
)

// Like is what makes two records comparable: the suite and the tags they
// were recorded with (record --suite, --tag). Matrix jobs record on the
// same commit, each with its own; diff --suite/--tag compares only the
// records Like asks for, on both sides.
type Like struct {
	Suite string
	Tags  map[string]string
}

// LikeOf is the Like of a record's metadata (all its tags).
func LikeOf(m snapshot.Meta) Like { return Like{Suite: m.Suite, Tags: m.Tags} }

// Matches reports whether the record whose metadata is m is one l asks
// for: the same suite, and each of l's tags with the same value (a record
// of os=linux,go=1.26 is one of os=linux). Tags l does not name do not
// take part: the input's own (go test's goos, goarch and cpu) describe the
// machine, which the environment fingerprint judges. This is the one place
// that decides which records compare.
func (l Like) Matches(m snapshot.Meta) bool {
	if m.Suite != l.Suite {
		return false
	}
	for k, v := range l.Tags {
		if w, ok := m.Tags[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// String says l for messages: `suite unit, tags go=1.26 os=linux`, or
// "no suite, no tags".
func (l Like) String() string {
	suite := "no suite"
	if l.Suite != "" {
		suite = "suite " + snapshot.Printable(l.Suite)
	}
	if len(l.Tags) == 0 {
		return suite + ", no tags"
	}
	var tags []string
	for _, k := range slices.Sorted(maps.Keys(l.Tags)) {
		tags = append(tags, snapshot.Printable(k)+"="+snapshot.Printable(l.Tags[k]))
	}
	return suite + ", tags " + strings.Join(tags, " ")
}
