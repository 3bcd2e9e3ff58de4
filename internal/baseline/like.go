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
// records Like the head's.
type Like struct {
	Suite string
	Tags  map[string]string
}

// LikeOf is the Like of a record's metadata.
func LikeOf(m snapshot.Meta) Like { return Like{Suite: m.Suite, Tags: m.Tags} }

// Matches reports whether the record whose metadata is m is comparable
// with l: the same suite and exactly the same tags (a record of
// os=linux,go=1.26 is not one of os=linux). This is the one place that
// decides; what else makes records comparable (such as the machine they
// ran on) belongs here.
func (l Like) Matches(m snapshot.Meta) bool {
	if m.Suite != l.Suite || len(m.Tags) != len(l.Tags) {
		return false
	}
	for k, v := range l.Tags {
		if w, ok := m.Tags[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// Within reports whether m has l's suite and at least l's tags: how
// --suite/--tag pick the records of a recorded head, whose own Like then
// decides (Matches) which base records compare with them.
func (l Like) Within(m snapshot.Meta) bool {
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

// String says l for messages: `suite "unit", tags go=1.26 os=linux`, or
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
