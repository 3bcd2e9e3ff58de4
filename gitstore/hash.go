package gitstore

import (
	"encoding/hex"
	"errors"
	"fmt"
)

// Hash is a git object name: a SHA-1 (20 bytes) or, in a repository
// created with `git init --object-format=sha256`, a SHA-256 (32 bytes).
// Hashes are comparable and usable as map keys; the zero value is
// ZeroHash. Two hashes of one repository always have the same length.
type Hash struct {
	b [32]byte
	n uint8 // 20 or 32; 0 only for ZeroHash
}

// Object name sizes in bytes.
const (
	sha1Size   = 20
	sha256Size = 32
)

// ZeroHash is the all-zero hash, used for "no object" (a missing ref).
var ZeroHash Hash

// String returns the lower-case hex form: 40 characters for SHA-1, 64 for
// SHA-256 (ZeroHash prints as 40 zeros).
func (h Hash) String() string {
	var buf [64]byte
	n := h.size()
	hex.Encode(buf[:], h.b[:n])
	return string(buf[:2*n])
}

// IsZero reports whether h is the zero hash (of either length).
func (h Hash) IsZero() bool { return h.b == [32]byte{} }

// size is the length of the name in bytes (20 for ZeroHash).
func (h *Hash) size() int {
	if h.n == 0 {
		return sha1Size
	}
	return int(h.n)
}

// raw returns the name's bytes (a slice of h itself).
func (h *Hash) raw() []byte { return h.b[:h.size()] }

// hashFromRaw makes a Hash of raw bytes (20 or 32 of them).
func hashFromRaw(b []byte) Hash {
	var h Hash
	h.n = uint8(copy(h.b[:], b))
	return h
}

// ParseHash parses a full object name: 40 hex digits (SHA-1) or 64
// (SHA-256). An all-zero name parses as ZeroHash.
func ParseHash(s string) (Hash, error) {
	var h Hash
	if len(s) != 2*sha1Size && len(s) != 2*sha256Size {
		return h, fmt.Errorf("not a full object name: %q", s)
	}
	if _, err := hex.Decode(h.b[:len(s)/2], []byte(s)); err != nil {
		return ZeroHash, fmt.Errorf("not a full object name: %q", s)
	}
	if h.IsZero() {
		return ZeroHash, nil
	}
	h.n = uint8(len(s) / 2)
	return h, nil
}

// Errors returned by this package. Test for them with errors.Is.
var (
	// ErrNotRepo: the directory is not inside a git repository.
	ErrNotRepo = errors.New("not a git repository (or any of the parent directories)")
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
