package gitstore

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// DefaultNotesMessage is the notes commit message when none is given.
const DefaultNotesMessage = "Notes added by 'git flameiq record'\n"

// DefaultLockTimeout bounds how long a ref update waits for another
// process's <ref>.lock to go away. Git never removes a stale lock file by
// itself and neither does this package: after the timeout the update fails
// with an error naming the lock file.
const DefaultLockTimeout = 10 * time.Second

// errRefChanged: the ref moved between our read and our lock.
var errRefChanged = errors.New("ref changed concurrently")

// AppendNote adds lines (JSON Lines) to the note of commit on the notes
// ref: the new note is the union of the old note's lines and lines, as
// `git notes merge -s cat_sort_uniq` would produce. The ref is updated by
// compare-and-swap under git's lock-file protocol and the whole operation
// is retried when another writer got there first, so concurrent writers
// (other processes, and the git CLI) never lose a line through it. If the
// note already holds every line, nothing is written. msg is the notes
// commit message (DefaultNotesMessage if empty).
func (r *Repo) AppendNote(ref string, commit Hash, lines []byte, msg string) error {
	return r.AppendNotes(ref, map[Hash][]byte{commit: lines}, msg)
}

// AppendNotes is AppendNote for several commits in one notes commit.
func (r *Repo) AppendNotes(ref string, adds map[Hash][]byte, msg string) error {
	keys := make([]Hash, 0, len(adds))
	for k := range adds {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return bytes.Compare(keys[i].b[:], keys[j].b[:]) < 0 })
	return r.appendNotes(ref, keys, msg, func(k Hash, cur []byte) ([]byte, func(io.Writer) error, int64, error) {
		return catSortUniq(cur, adds[k]), nil, 0, nil
	})
}

// appendNotes gives the note of each of keys the content union returns
// from the note it has (nil: none): the bytes, or a function that writes
// its size bytes to the blob as it is stored (AppendNoteLine); a note
// that stays the same is not written.
func (r *Repo) appendNotes(ref string, keys []Hash, msg string, union func(k Hash, cur []byte) ([]byte, func(io.Writer) error, int64, error)) error {
	full, err := NotesRef(ref)
	if err != nil {
		return err
	}
	if msg == "" {
		msg = DefaultNotesMessage
	}
	if !strings.HasSuffix(msg, "\n") {
		msg += "\n"
	}
	cfg := r.config()
	author, committer := r.identity(cfg)
	return r.updateNotes(full, cfg, committer, msg, func(old Hash, t *notesEditor) (bool, error) {
		changed := false
		for _, k := range keys {
			blob, ok, err := t.get(k)
			if err != nil {
				return false, err
			}
			var cur []byte
			if ok {
				if cur, err = r.odb.readType(blob, objBlob); err != nil {
					return false, err
				}
			}
			var nb Hash
			merged, stream, size, err := union(k, cur)
			switch {
			case err != nil:
				return false, err
			case stream != nil:
				nb, err = r.odb.writeStream(objBlob, size, stream)
			case len(merged) == 0 || bytes.Equal(merged, cur):
				continue
			default:
				nb, err = r.odb.write(objBlob, merged)
			}
			if err != nil {
				return false, err
			}
			if err := t.set(k, nb); err != nil {
				return false, err
			}
			changed = true
		}
		return changed, nil
	}, func(tree, old Hash, extra []Hash) []byte {
		var parents []Hash
		if !old.IsZero() {
			parents = append(parents, old)
		}
		parents = append(parents, extra...)
		return encodeCommit(tree, parents, author, committer, msg)
	})
}

// updateNotes runs the compare-and-swap loop on a notes ref: read the ref,
// let edit change the notes tree, write tree and commit, then swap the ref
// if it still holds the value read; otherwise start again.
func (r *Repo) updateNotes(ref string, cfg gitConfig, who Signature, msg string,
	edit func(old Hash, t *notesEditor) (bool, error),
	mkCommit func(tree, old Hash, extraParents []Hash) []byte) error {
	return r.updateNotesParents(ref, cfg, who, msg, nil, edit, mkCommit)
}

func (r *Repo) updateNotesParents(ref string, cfg gitConfig, who Signature, msg string, extra []Hash,
	edit func(old Hash, t *notesEditor) (bool, error),
	mkCommit func(tree, old Hash, extraParents []Hash) []byte) error {
	// The first attempt is optimistic: build the new notes commit, then
	// lock and check the ref did not move. After a conflict, writers are
	// evidently racing, so the next attempts take the lock first and build
	// under it: no work is wasted and nobody starves.
	backoff := time.Millisecond
	var held *refLock
	defer func() {
		if held != nil {
			held.release()
		}
	}()
	for attempt := 0; ; attempt++ {
		if attempt > 0 && held == nil {
			l, err := r.lockRef(ref)
			if err != nil {
				return err
			}
			held = l
		}
		old, _, err := r.ReadRef(ref)
		if err != nil {
			return err
		}
		var root Hash
		if !old.IsZero() {
			c, err := r.Commit(old)
			if err != nil {
				return fmt.Errorf("%s: %w", ref, err)
			}
			root = c.Tree
		}
		t, err := newNotesTree(r, root)
		if err != nil {
			return err
		}
		changed, err := edit(old, t)
		if err != nil {
			return err
		}
		healed, err := r.heal(ref, t)
		if err != nil {
			return err
		}
		if !changed && !healed && len(extra) == 0 {
			return nil
		}
		tree, err := t.write()
		if err != nil {
			return err
		}
		c, err := r.odb.write(objCommit, mkCommit(tree, old, extra))
		if err != nil {
			return err
		}
		first, _, _ := strings.Cut(msg, "\n")
		l := held
		if l == nil {
			if l, err = r.lockRef(ref); err != nil {
				return err
			}
		}
		held = nil
		err = l.commit(old, c, cfg, who, reflogPrefix+first)
		if !errors.Is(err, errRefChanged) {
			return err
		}
		if attempt >= 100 {
			return fmt.Errorf("update %s: gave up after %d concurrent changes", ref, attempt)
		}
		time.Sleep(jitter(backoff))
		if backoff < 20*time.Millisecond {
			backoff *= 2
		}
	}
}

func jitter(d time.Duration) time.Duration {
	return d/2 + time.Duration(rand.Int64N(int64(d)))
}

// LockError reports a ref lock file that stayed in place past the timeout.
type LockError struct {
	Path string
	Age  time.Duration
}

func (e *LockError) Error() string {
	return fmt.Sprintf("unable to create '%s': File exists (for %s).\n"+
		"Another git process seems to be running in this repository. If no other git or "+
		"git-flameiq process is running, a process may have crashed here earlier: "+
		"git-flameiq removes lock files older than 5s; remove it manually to continue now (rm '%s')", e.Path, e.Age.Round(time.Second), e.Path)
}

func (e *LockError) Unwrap() error { return ErrLocked }

// lockTimeout can be shortened by tests.
var lockTimeout = DefaultLockTimeout

// lockFile creates path exclusively (git's lock-file protocol), waiting
// with jittered backoff while another process holds it.
func lockFile(path string) (*os.File, error) {
	deadline := time.Now().Add(lockTimeout)
	backoff := 200 * time.Microsecond
	for {
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
		if breakStaleLock(path) {
			continue
		}
		if time.Now().After(deadline) {
			le := &LockError{Path: path}
			if st, err := os.Stat(path); err == nil {
				le.Age = time.Since(st.ModTime())
			}
			return nil, le
		}
		time.Sleep(jitter(backoff))
		if backoff < 20*time.Millisecond {
			backoff *= 2
		}
	}
}

// StaleLockAge is the age after which a ref lock file is taken to be left
// by a killed process. git holds a ref lock for the few milliseconds of one
// update, and so does this package (at most the time to build one notes
// commit), so a lock this old has no live owner.
const StaleLockAge = 5 * time.Second

// breakStaleLock removes path when it is older than StaleLockAge, so that
// the next run works after a writer was killed between taking the lock and
// renaming it. The lock is renamed aside first and checked again, so that
// of two processes breaking the same stale lock only one removes it, and a
// fresh lock that replaced it in between is put back.
func breakStaleLock(path string) bool {
	st, err := os.Stat(path)
	if err != nil || time.Since(st.ModTime()) < StaleLockAge {
		return errors.Is(err, fs.ErrNotExist)
	}
	aside := fmt.Sprintf("%s.stale-%d", path, rand.Int64())
	if os.Rename(path, aside) != nil {
		return true // someone else moved it: try to lock again
	}
	if st2, err := os.Stat(aside); err == nil && time.Since(st2.ModTime()) < StaleLockAge {
		// A live process's fresh lock: put it back if we can.
		if os.Link(aside, path) == nil {
			os.Remove(aside)
			return false
		}
	}
	os.Remove(aside)
	return true
}

// reflogPrefix starts the reflog message of every ref update made by this
// package, so that heal can tell its own updates from the git CLI's.
const reflogPrefix = "flameiq: "

// refLock is a held <ref>.lock.
type refLock struct {
	r    *Repo
	ref  string
	path string
	f    *os.File
}

// lockRef takes <ref>.lock (git's lock-file protocol: O_CREATE|O_EXCL,
// waiting while another process holds it).
//
// On the plumbing backend git's own lock is taken by `git update-ref`, so
// the lock taken here is a separate one of this package's
// ($GIT_COMMON_DIR/flameiq/locks/<ref>.lock): it only queues this
// package's writers after a conflict, and commit swaps the ref with
// `git update-ref <ref> <new> <old>` (see plumbing.updateRef).
func (r *Repo) lockRef(ref string) (*refLock, error) {
	path := filepath.Join(r.refDir(ref), filepath.FromSlash(ref))
	if r.gitRefs() {
		path = filepath.Join(r.commonDir, "flameiq", "locks", filepath.FromSlash(ref))
	}
	f, err := lockFile(path + ".lock")
	if errors.Is(err, fs.ErrNotExist) {
		if err = os.MkdirAll(filepath.Dir(path), 0o755); err == nil {
			f, err = lockFile(path + ".lock")
		}
	}
	if err != nil {
		return nil, err
	}
	return &refLock{r: r, ref: ref, path: path, f: f}, nil
}

func (l *refLock) release() {
	l.f.Close()
	os.Remove(l.path + ".lock")
}

// commit sets the ref to new if it still holds old (zero: must not exist),
// appends to the reflog and releases the lock. The rename is atomic: a
// process killed at any point leaves the old value or the new one.
func (l *refLock) commit(old, new Hash, cfg gitConfig, who Signature, logMsg string) error {
	committed := false
	defer func() {
		if !committed {
			l.release()
		}
	}()
	if l.r.gitRefs() {
		return l.r.git.updateRef(l.ref, old, new, logMsg)
	}
	cur, _, err := l.r.ReadRef(l.ref)
	if err != nil {
		return err
	}
	if cur != old {
		return errRefChanged
	}
	if _, err := l.f.WriteString(new.String() + "\n"); err != nil {
		return err
	}
	if cfg.bool("core.fsyncreffiles", false) || strings.Contains(cfg["core.fsync"], "reference") || cfg["core.fsync"] == "all" {
		if err := l.f.Sync(); err != nil {
			return err
		}
	}
	if err := l.f.Close(); err != nil {
		return err
	}
	l.r.appendReflog(l.ref, old, new, cfg, who, logMsg)
	if err := os.Rename(l.path+".lock", l.path); err != nil {
		return err
	}
	committed = true
	return nil
}

// casRef sets ref to new if it still holds old, under <ref>.lock.
func (r *Repo) casRef(ref string, old, new Hash, cfg gitConfig, who Signature, logMsg string) error {
	l, err := r.lockRef(ref)
	if err != nil {
		return err
	}
	return l.commit(old, new, cfg, who, reflogPrefix+strings.TrimPrefix(logMsg, "notes: "))
}

// appendReflog writes a reflog entry when the log exists, or when git would
// create one (core.logAllRefUpdates, default on in non-bare repositories,
// covers refs/notes/), and always for a notes ref: heal finds the lines a
// concurrent `git notes add/append` dropped in that reflog, and git appends
// to a reflog that exists even in a bare repository (which creates none by
// default), so creating it ourselves makes recovery work there too.
// Reflog failures are not fatal, as in git.
func (r *Repo) appendReflog(ref string, old, new Hash, cfg gitConfig, who Signature, msg string) {
	path := filepath.Join(r.refDir(ref), "logs", filepath.FromSlash(ref))
	flags := os.O_WRONLY | os.O_APPEND
	if _, err := os.Stat(path); err != nil {
		bare := cfg.bool("core.bare", r.workTree == "")
		v := strings.ToLower(cfg["core.logallrefupdates"])
		create := v == "always" || (!bare && v == "") || (v != "" && v != "always" && cfg.bool("core.logallrefupdates", false)) ||
			strings.HasPrefix(ref, "refs/notes/")
		if !create {
			return
		}
		if os.MkdirAll(filepath.Dir(path), 0o755) != nil {
			return
		}
		flags |= os.O_CREATE
	}
	f, err := os.OpenFile(path, flags, 0o666)
	if err != nil {
		return
	}
	defer f.Close()
	oldS := old.String()
	if old.IsZero() {
		oldS = strings.Repeat("0", 2*r.hashSize) // ZeroHash prints as SHA-1's
	}
	fmt.Fprintf(f, "%s %s %s\t%s\n", oldS, new, who.encode(), msg)
}
