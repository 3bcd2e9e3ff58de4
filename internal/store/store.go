// Package store is git-flameiq's snapshot-level store over gitstore: the
// snapshot of a commit (its records merged), appending a record, the
// first-parent history of recorded commits, the opt-outs written in commit
// messages, and the profile notes beside the metric notes (their records;
// appending profiles linked to a metric of the commit's snapshot). It knows
// snapshots and git, not flags, output or verdicts; the commands call it.
package store

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"

	"github.com/flameiq/git-flameiq/gitstore"
	"github.com/flameiq/git-flameiq/snapshot"
)

// ProfileRef is the notes ref of the profiles that go with the metric
// notes of ref: refs/notes/flameiq → refs/notes/flameiq-profiles.
func ProfileRef(ref string) string { return ref + "-profiles" }

// Store is an opened repository plus its notes ref. It is safe for
// concurrent reads (History reads notes from several goroutines).
type Store struct {
	Repo *gitstore.Repo
	Ref  string
	// Keep, when set, limits the snapshots Snapshot and History read to
	// the metrics whose key it accepts (snapshot.DecodeNote): a
	// history of a few metrics out of tens of thousands builds only those.
	Keep func(key string) bool
	// Reduce, when set, replaces each snapshot History decodes with what
	// it returns, on the worker that decoded it, before the next note is
	// read: a command that shows one value a metric a commit holds that
	// (snapshot.Medians), not every sample of every note.
	Reduce func(*snapshot.Snapshot) *snapshot.Snapshot

	mu       sync.Mutex
	current  *gitstore.Notes // nil after a write: reopened by Notes
	profiles *gitstore.Notes // opened on first use
}

// RefError is a notes ref that cannot be read (it does not point at a
// notes commit); its message says how to repair it.
type RefError struct {
	Ref string
	Err error
}

func (e *RefError) Error() string {
	return fmt.Sprintf("%v\nrepair it: point it back at its last notes commit (git reflog %s; git update-ref %s <commit>) or delete it (git update-ref -d %s)", e.Err, e.Ref, e.Ref, e.Ref)
}

func (e *RefError) Unwrap() error { return e.Err }

// DataError is a note that holds no readable record: an input data
// problem, not a usage one.
type DataError struct{ Err error }

func (e *DataError) Error() string { return e.Err.Error() }
func (e *DataError) Unwrap() error { return e.Err }

// Open opens the repository containing dir with the notes ref ref. With
// cacheReads, the objects history walks inflate are kept in the object
// cache (the caller flushes it: Repo.FlushCache).
func Open(dir, ref string, cacheReads bool) (*Store, error) {
	r, err := gitstore.Open(dir)
	if err != nil {
		return nil, err
	}
	if cacheReads {
		r.CacheReads()
	}
	n, err := r.Notes(ref)
	if err != nil {
		return nil, &RefError{Ref: ref, Err: err}
	}
	return &Store{Repo: r, Ref: ref, current: n}, nil
}

// Notes is the view of the notes ref, reopened after this process wrote
// to it (so later reads, such as profile links, see the new record).
func (s *Store) Notes() (*gitstore.Notes, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.current == nil {
		n, err := s.Repo.Notes(s.Ref)
		if err != nil {
			return nil, err
		}
		s.current = n
	}
	return s.current, nil
}

// ErrUnborn: HEAD names no commit yet.
var ErrUnborn = errors.New("HEAD does not name a commit yet (an empty repository or an unborn branch): commit first, then record")

// Short is the 7-character abbreviation of a commit id.
func Short(h gitstore.Hash) string { return h.String()[:7] }

// Snapshot loads and merges every record attached to commit h. ok is
// false when the commit has no note. Corrupt lines are reported as
// warnings (the other records stay usable); a note with no readable record
// is a *DataError.
func (s *Store) Snapshot(h gitstore.Hash) (snap *snapshot.Snapshot, ok bool, warnings []string, err error) {
	return s.SnapshotWhere(h, nil)
}

// SnapshotWhere is Snapshot over the records of h whose metadata keep
// accepts (all of them when keep is nil); ok is false when none is.
func (s *Store) SnapshotWhere(h gitstore.Hash, keep func(snapshot.Meta) bool) (snap *snapshot.Snapshot, ok bool, warnings []string, err error) {
	n, err := s.Notes()
	if err != nil {
		return nil, false, nil, fmt.Errorf("reading %s: %v", s.Ref, err)
	}
	data, err := n.Read(h)
	return s.decode(h, data, err, keep, nil)
}

// decode is SnapshotWhere of the note data of h that reading returned
// with err, decoded by dec (nil: snapshot.DecodeNote, for one note).
func (s *Store) decode(h gitstore.Hash, data []byte, err error, keep func(snapshot.Meta) bool, dec *snapshot.NoteDecoder) (snap *snapshot.Snapshot, ok bool, warnings []string, _ error) {
	if err != nil {
		return nil, false, nil, fmt.Errorf("reading the note of %s in %s: %v", Short(h), s.Ref, err)
	}
	if data == nil {
		return nil, false, nil, nil
	}
	var recs []snapshot.Record
	var errs []error
	if dec != nil {
		recs, errs = dec.Decode(data)
	} else {
		recs, errs = snapshot.DecodeNote(data, s.Keep)
	}
	switch {
	case len(errs) == 1:
		warnings = append(warnings, fmt.Sprintf("note of %s in %s: %v (line skipped)", Short(h), s.Ref, errs[0]))
	case len(errs) > 1:
		warnings = append(warnings, fmt.Sprintf("note of %s in %s: %d unreadable lines skipped (first: %v)", Short(h), s.Ref, len(errs), errs[0]))
	}
	if len(recs) == 0 {
		return nil, false, warnings, &DataError{fmt.Errorf("note of %s in %s holds no readable flameiq record (%d bad line(s)); inspect it with: git notes --ref=%s show %s",
			Short(h), s.Ref, len(errs), strings.TrimPrefix(s.Ref, "refs/notes/"), Short(h))}
	}
	if keep != nil {
		kept := recs[:0]
		for _, r := range recs {
			if keep(r.Snapshot.Meta) {
				kept = append(kept, r)
			}
		}
		if recs = kept; len(recs) == 0 {
			return nil, false, warnings, nil
		}
	}
	var m *snapshot.Snapshot
	if len(recs) == 1 {
		m = recs[0].Snapshot // freshly decoded, sorted and owned here: nothing to merge
	} else {
		snaps := make([]*snapshot.Snapshot, len(recs))
		for i, r := range recs {
			snaps[i] = r.Snapshot
		}
		m = snapshot.Merge(snaps...)
	}
	m.Meta.Commit = h.String()
	return m, true, warnings, nil
}

// Append encodes snap as one record (with a fresh id) and adds it to the
// note of h; later reads see it. An encoding error (a snapshot without
// metrics, a sample that is not finite) is a *DataError.
//
// A record of 16 MiB or more (about 200,000 metrics) is not held in
// memory: it is encoded once to count its bytes, then again into the
// object file as it is written (gitstore.AppendNoteLine), so that record
// needs little more memory than the snapshot (the encoded line of 60 MB
// of regression JSON is 170 MB, and it was held twice).
func (s *Store) Append(h gitstore.Hash, snap *snapshot.Snapshot, msg string) error {
	id := snapshot.NewID()
	var err error
	if snapshot.RecordSizeHint(snap) >= 16<<20 {
		err = s.appendStreamed(h, snap, id, msg)
	} else {
		var line []byte
		if line, err = snapshot.EncodeRecord(snap, id); err != nil {
			return &DataError{err}
		}
		err = s.Repo.AppendNote(s.Ref, h, append(line, '\n'), msg)
	}
	if err != nil {
		var de *DataError
		if errors.As(err, &de) {
			return err
		}
		return fmt.Errorf("writing %s: %v", s.Ref, err)
	}
	s.mu.Lock()
	s.current = nil // later reads (profile links) see the new record
	s.mu.Unlock()
	return nil
}

// appendStreamed is Append's path for a large record.
func (s *Store) appendStreamed(h gitstore.Hash, snap *snapshot.Snapshot, id, msg string) error {
	var n countWriter
	if err := snapshot.WriteRecord(&n, snap, id); err != nil {
		return &DataError{err}
	}
	return s.Repo.AppendNoteLine(s.Ref, h, gitstore.Line{Size: int64(n), Write: func(w io.Writer) error {
		return snapshot.WriteRecord(w, snap, id)
	}}, msg)
}

// countWriter counts the bytes written to it.
type countWriter int64

func (c *countWriter) Write(p []byte) (int, error) {
	*c += countWriter(len(p))
	return len(p), nil
}

// Profiles is the view of the profile notes (ProfileRef of Ref).
func (s *Store) Profiles() (*gitstore.Notes, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.profiles == nil {
		n, err := s.Repo.Notes(ProfileRef(s.Ref))
		if err != nil {
			return nil, fmt.Errorf("%s: %v", ProfileRef(s.Ref), err)
		}
		s.profiles = n
	}
	return s.profiles, nil
}

// Recorded is one commit of the first-parent history that has a snapshot.
type Recorded struct {
	Commit *gitstore.Commit
	Snap   *snapshot.Snapshot
}

// History walks n first-parent commits from `from` (n <= 0: all) and
// returns those with a snapshot, oldest first. Notes are read and decoded
// by one worker per CPU; warn gets each commit's warnings in commit order
// (a corrupt note is a warning too: it must not hide the rest). With
// flush, the object cache is written in the background once the walk has
// read everything, while the caller renders.
func (s *Store) History(from gitstore.Hash, n int, flush bool, warn func([]string)) ([]Recorded, error) {
	type result struct {
		snap  *snapshot.Snapshot
		ok    bool
		warns []string
		err   error
	}
	var commits []*gitstore.Commit
	walkErr := s.Repo.WalkFirstParent(from, n, func(c *gitstore.Commit) { commits = append(commits, c) })
	notes, err := s.Notes()
	if err != nil {
		return nil, fmt.Errorf("reading %s: %v", s.Ref, err)
	}
	hashes := make([]gitstore.Hash, len(commits))
	for i, c := range commits {
		hashes[i] = c.Hash
	}
	// One decoder per worker: each remembers the metrics it has checked
	// (snapshot.NoteDecoder), which the notes of a history mostly share.
	workers := min(runtime.NumCPU(), 8)
	decoders := make([]*snapshot.NoteDecoder, workers)
	for w := range decoders {
		decoders[w] = snapshot.NewNoteDecoder(s.Keep)
	}
	results := make([]result, len(commits)) // by walk position
	// The decoded snapshots copy what they keep of a note (ReadEach
	// reuses its buffer).
	notes.ReadEach(hashes, workers, func(w, i int, data []byte, err error) {
		r := &results[i]
		r.snap, r.ok, r.warns, r.err = s.decode(commits[i].Hash, data, err, nil, decoders[w])
		if r.snap != nil && s.Reduce != nil {
			r.snap = s.Reduce(r.snap)
		}
	})
	if flush {
		s.Repo.FlushCacheBackground()
	}
	if walkErr != nil && len(commits) == 0 {
		return nil, fmt.Errorf("reading history from %s: %v", Short(from), walkErr)
	}
	var out []Recorded
	for i := len(commits) - 1; i >= 0; i-- {
		r := results[i]
		warn(r.warns)
		if r.err != nil {
			warn([]string{r.err.Error()})
			continue
		}
		if r.ok {
			out = append(out, Recorded{Commit: commits[i], Snap: r.snap})
		}
	}
	return out, nil
}
