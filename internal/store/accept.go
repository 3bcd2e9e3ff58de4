package store

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/flameiq/git-flameiq/compare"
	"github.com/flameiq/git-flameiq/gitstore"
	"github.com/flameiq/git-flameiq/snapshot"
)

// ParseAcceptances finds `Perf-Accepted: <glob>: <reason>` lines anywhere
// in text (a commit message or a PR description). The glob ends at the
// first ": " (colon and space), so globs such as `Encode*:sec/op` keep
// their colon. A line with an empty reason is returned with an empty
// Reason: the engine reports it as "a written reason is required" and does
// not waive anything.
func ParseAcceptances(text, source string) []compare.Acceptance {
	var out []compare.Acceptance
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(strings.TrimRight(line, "\r"))
		const key = "perf-accepted:"
		if len(line) < len(key) || !strings.EqualFold(line[:len(key)], key) {
			continue
		}
		rest := strings.TrimSpace(line[len(key):])
		g, reason := rest, ""
		if i := strings.Index(rest, ": "); i >= 0 {
			g, reason = rest[:i], strings.TrimSpace(rest[i+2:])
		} else if strings.HasSuffix(rest, ":") {
			g = strings.TrimSuffix(rest, ":")
		}
		g = strings.TrimSpace(g)
		if g == "" {
			continue
		}
		if !visible(reason) {
			reason = "" // zero-width or bidi characters only: no written reason
		}
		// Shown in terminals, logs and reports: escapes, never raw.
		g, reason = snapshot.Printable(g), snapshot.Printable(reason)
		out = append(out, compare.Acceptance{Glob: g, Reason: reason, Source: source})
	}
	return out
}

// visible reports whether s has a character a reader sees: not only
// spaces, zero-width characters, bidi controls or other format characters
// (Unicode Cf).
func visible(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) && !unicode.Is(unicode.Cf, r) && !unicode.IsControl(r) {
			return true
		}
	}
	return false
}

// Acceptances collects the opt-outs written in the messages of the
// commits in base..head (all parents, at most limit commits), each with
// its source ("commit 1a2b3c4").
func (s *Store) Acceptances(base, head gitstore.Hash, limit int) ([]compare.Acceptance, error) {
	commits, err := s.Repo.Range(base, head, limit)
	if err != nil {
		return nil, fmt.Errorf("reading commits %s..%s: %v", Short(base), Short(head), err)
	}
	var out []compare.Acceptance
	for _, cm := range commits {
		out = append(out, ParseAcceptances(cm.Message, "commit "+Short(cm.Hash))...)
	}
	return out, nil
}
