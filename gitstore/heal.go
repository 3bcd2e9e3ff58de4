package gitstore

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// The git CLI's `git notes add/append` does not compare-and-swap: it reads
// the notes tree, builds its commit, then locks the ref and overwrites it
// with whatever value the ref holds. A record this package wrote in that
// window is dropped from the tip's tree (it survives in the notes history).
// heal repairs that on the next write: it reads the reflog entries made
// after this package's last update of the ref and, for every "Notes added"
// entry from another tool, re-adds the lines its update dropped. Lines
// deliberately removed with `git notes remove` or `git notes edit` are not
// restored. Without a reflog (bare repositories by default) nothing is
// healed.

// healMaxBytes bounds how far back heal reads the reflog looking for this
// package's last update (about 20k entries).
const healMaxBytes = 4 << 20

type reflogEntry struct {
	old, new Hash
	msg      string
}

// readReflogTail returns the last entries of a ref's reflog, oldest first:
// at most limit entries, or (limit <= 0) every entry after the last one this
// package wrote, reading back as far as healMaxBytes (none when there is no
// entry of ours in that reach: then nothing of ours can need restoring).
func (r *Repo) readReflogTail(ref string, limit int) []reflogEntry {
	f, err := os.Open(filepath.Join(r.refDir(ref), "logs", filepath.FromSlash(ref)))
	if err != nil {
		return nil
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil
	}
	for tail := int64(4 << 10); ; tail *= 4 {
		if limit != 1 {
			tail = max(tail, 64<<10)
		}
		off := max(st.Size()-tail, 0)
		buf := make([]byte, st.Size()-off)
		if _, err := f.ReadAt(buf, off); err != nil && err != io.EOF {
			return nil
		}
		out := parseReflog(buf, off > 0)
		if limit > 0 {
			if len(out) > limit {
				out = out[len(out)-limit:]
			}
			return out
		}
		for i := len(out) - 1; i >= 0; i-- {
			if strings.HasPrefix(out[i].msg, reflogPrefix) {
				return out[i+1:]
			}
		}
		if off == 0 || tail >= healMaxBytes {
			// No update of ours in reach: nothing of ours to restore.
			return nil
		}
	}
}

// parseReflog parses reflog lines; partial says the first line may be cut.
func parseReflog(buf []byte, partial bool) []reflogEntry {
	lines := bytes.Split(buf, []byte{'\n'})
	if partial && len(lines) > 0 {
		lines = lines[1:]
	}
	var out []reflogEntry
	for _, l := range lines {
		// "<old> <new> <who> <when>\t<msg>", names of 40 or 64 hex digits.
		hx := bytes.IndexByte(l, ' ')
		if hx != 2*sha1Size && hx != 2*sha256Size || len(l) < 2*hx+2 || l[2*hx+1] != ' ' {
			continue
		}
		o, err1 := ParseHash(string(l[:hx]))
		n, err2 := ParseHash(string(l[hx+1 : 2*hx+1]))
		if err1 != nil || err2 != nil {
			continue
		}
		_, msg, _ := bytes.Cut(l, []byte{'\t'})
		out = append(out, reflogEntry{o, n, string(msg)})
	}
	return out
}

// heal adds to t the lines that updates of ref by other tools dropped since
// this package last wrote it. It reports whether t changed.
func (r *Repo) heal(ref string, t *notesEditor) (bool, error) {
	// Fast path: the last update was ours, nothing to check.
	last := r.readReflogTail(ref, 1)
	if len(last) == 0 || strings.HasPrefix(last[0].msg, reflogPrefix) {
		return false, nil
	}
	// Every update since this package's last one, however many the git CLI
	// made since (a fixed window lost lines a busy CLI had pushed out of it).
	ents := r.readReflogTail(ref, 0)
	changed := false
	for _, e := range ents {
		if e.old.IsZero() || e.new.IsZero() || !strings.Contains(e.msg, "Notes added by") {
			continue
		}
		oc, err1 := r.Commit(e.old)
		nc, err2 := r.Commit(e.new)
		if err1 != nil || err2 != nil {
			continue // pruned history: nothing to recover from
		}
		if oc.Tree == nc.Tree {
			continue
		}
		differ := map[Hash]Hash{}
		if err := r.diffNotes(nc.Tree, oc.Tree, "", differ); err != nil {
			return changed, err
		}
		for key, oldBlob := range differ {
			od, err := r.odb.readType(oldBlob, objBlob)
			if err != nil {
				return changed, err
			}
			blob, ok, err := t.get(key)
			if err != nil {
				return changed, err
			}
			var cur []byte
			if ok {
				if cur, err = r.odb.readType(blob, objBlob); err != nil {
					return changed, err
				}
			}
			merged := catSortUniq(cur, od)
			if bytes.Equal(merged, cur) || linesSubset(od, cur) {
				continue
			}
			nb, err := r.odb.write(objBlob, merged)
			if err != nil {
				return changed, err
			}
			if err := t.set(key, nb); err != nil {
				return changed, err
			}
			changed = true
		}
	}
	return changed, nil
}

// linesSubset reports whether every non-blank line of a is a line of b.
func linesSubset(a, b []byte) bool {
	have := map[string]bool{}
	for _, l := range strings.Split(string(b), "\n") {
		have[l] = true
	}
	for _, l := range strings.Split(string(a), "\n") {
		if strings.TrimSpace(l) != "" && !have[l] {
			return false
		}
	}
	return true
}
