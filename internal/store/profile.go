package store

import (
	"fmt"
	"strings"

	"github.com/flameiq/git-flameiq/gitstore"
	"github.com/flameiq/git-flameiq/glob"
	"github.com/flameiq/git-flameiq/profile"
	"github.com/flameiq/git-flameiq/snapshot"
)

// ProfileRecords reads the profile records of commit h (none: nil).
// Unreadable lines are skipped with a warning each.
func (s *Store) ProfileRecords(h gitstore.Hash) (recs []profile.Record, warnings []string, err error) {
	profiles, err := s.Profiles()
	if err != nil {
		return nil, nil, err
	}
	data, err := profiles.Read(h)
	if err != nil {
		return nil, nil, fmt.Errorf("reading %s: %v", ProfileRef(s.Ref), err)
	}
	recs, errs := profile.DecodeNote(data)
	for _, err := range errs {
		warnings = append(warnings, fmt.Sprintf("profile note of %s: %v (skipped)", Short(h), err))
	}
	return recs, warnings, nil
}

// NamedProfile is a parsed profile to record under a name.
type NamedProfile struct {
	Name    string
	Profile *profile.Profile
}

// AppendProfiles links the profiles to a metric of h's snapshot (see
// LinkMetric: metricGlob, or automatically when every profile is a CPU
// profile) and appends them all to the profile note of h in one notes
// commit. It returns the linked metric key ("" when none). warn gets the
// snapshot's warnings.
func (s *Store) AppendProfiles(h gitstore.Hash, items []NamedProfile, metricGlob string, warn func([]string)) (string, error) {
	auto := true // automatic links only make sense for CPU time
	for _, it := range items {
		if it.Profile.DefaultName() != "cpu" {
			auto = false
		}
	}
	metric := ""
	if metricGlob != "" || auto {
		var err error
		if metric, err = s.LinkMetric(h, metricGlob, warn); err != nil {
			return "", err
		}
	}
	var lines []byte
	for _, it := range items {
		line, err := profile.EncodeRecord(snapshot.NewID(), it.Name, metric, it.Profile)
		if err != nil {
			return "", &DataError{err}
		}
		lines = append(append(lines, line...), '\n')
	}
	ref := ProfileRef(s.Ref)
	if err := s.Repo.AppendNote(ref, h, lines, "Notes added by 'git flameiq profile record'"); err != nil {
		return "", fmt.Errorf("writing %s: %v", ref, err)
	}
	return metric, nil
}

// LinkMetric resolves the glob g (profile record --metric) against the
// snapshot of h: it must match exactly one key. With g empty, a snapshot
// with exactly one sec/op metric is linked to it, and anything else to
// nothing. warn gets the snapshot's warnings.
func (s *Store) LinkMetric(h gitstore.Hash, g string, warn func([]string)) (string, error) {
	snap, ok, warns, err := s.Snapshot(h)
	warn(warns)
	if err != nil {
		return "", err
	}
	if g != "" && !ok {
		return "", fmt.Errorf("--metric %s: %s has no snapshot to link to; record its benchmarks first", g, Short(h))
	}
	if !ok {
		return "", nil
	}
	var matches []string
	for _, m := range snap.Metrics {
		if g != "" && glob.Match(g, m.Key) || g == "" && strings.HasSuffix(m.Key, ":sec/op") {
			matches = append(matches, m.Key)
		}
	}
	switch {
	case g == "" && len(matches) == 1:
		return matches[0], nil
	case g == "":
		return "", nil
	case len(matches) == 1:
		return matches[0], nil
	case len(matches) == 0:
		return "", fmt.Errorf("--metric %s matches no metric of %s; some keys: %s", g, Short(h), strings.Join(snap.Keys()[:min(5, len(snap.Keys()))], ", "))
	}
	return "", fmt.Errorf("--metric %s matches %d metrics of %s (%s…); it must match exactly one", g, len(matches), Short(h), strings.Join(matches[:min(3, len(matches))], ", "))
}
