package gitstore

import (
	"encoding/hex"
	"errors"
	"fmt"
)

// Hash is a SHA-1 object name.
type Hash [20]byte

// ZeroHash is the all-zero hash, used for "no object" (a missing ref).
var ZeroHash Hash

// String returns the 40-character lower-case hex form.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// IsZero reports whether h is the zero hash.
func (h Hash) IsZero() bool { return h == ZeroHash }

// ParseHash parses a full 40-character hex object name.
func ParseHash(s string) (Hash, error) {
	var h Hash
	if len(s) != 40 {
		return h, fmt.Errorf("not a full object name: %q", s)
	}
	if _, err := hex.Decode(h[:], []byte(s)); err != nil {
		return h, fmt.Errorf("not a full object name: %q", s)
	}
	return h, nil
}

// Errors returned by this package. Test for them with errors.Is.
var (
	// ErrNotRepo: the directory is not inside a git repository.
	ErrNotRepo = errors.New("not a git repository (or any of the parent directories)")
	// ErrObjectFormat: the repository names objects with another hash
	// than SHA-1 (git init --object-format=sha256).
	ErrObjectFormat = errors.New("unsupported object format")
	// ErrUnknownRev: a revision does not name a commit.
	ErrUnknownRev = errors.New("unknown revision")
	// ErrBadRef: a notes ref outside refs/notes/.
	ErrBadRef = errors.New("notes ref must be under refs/notes/")
	// ErrNoMergeBase: two commits share no history.
	ErrNoMergeBase = errors.New("no merge base")
	// ErrObjectNotFound: an object is missing from the object database.
	ErrObjectNotFound = errors.New("object not found")
	// ErrLocked: a ref lock file could not be taken before the timeout.
	ErrLocked = errors.New("ref is locked")
)

// revError wraps ErrUnknownRev with the revision that failed.
type revError struct {
	rev string
	why string
}

func (e *revError) Error() string {
	if e.why != "" {
		return fmt.Sprintf("unknown revision %q: %s", e.rev, e.why)
	}
	return fmt.Sprintf("unknown revision %q", e.rev)
}

func (e *revError) Unwrap() error { return ErrUnknownRev }
