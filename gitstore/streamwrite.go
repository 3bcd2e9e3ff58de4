package gitstore

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"hash/adler32"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
)

// Line is one note line written on demand (without its newline): a record
// of millions of metrics is hundreds of megabytes, which AppendNoteLine
// streams into the note's blob instead of holding them. Write must write
// the same Size bytes at every call (once to find where the line sorts,
// then once for each attempt at the notes commit).
type Line struct {
	Size  int64
	Write func(w io.Writer) error
}

// linePrefix is how much of a Line is read to sort it among the note's
// other lines: a record line's first bytes hold its random id, so two
// lines differ within them unless they are the same record.
const linePrefix = 4 << 10

// AppendNoteLine is AppendNote for one line written by line.Write: the
// note's blob is written to its object file as the line is written, with
// the lines already in the note, sorted and unique, around it. A line
// that sorts equal to another on its first 4 KiB, or a repository written
// through git (SHA-256), is held in memory and appended as AppendNote does.
func (r *Repo) AppendNoteLine(ref string, commit Hash, line Line, msg string) error {
	head, err := readLine(line, min(line.Size, linePrefix))
	if err != nil {
		return err
	}
	return r.appendNotes(ref, []Hash{commit}, msg, func(_ Hash, cur []byte) ([]byte, func(w io.Writer) error, int64, error) {
		lines, _ := unionLines(cur, nil)
		pos, ok := sortLine(lines, head, line.Size)
		if !ok || r.odb.git != nil {
			whole, err := readLine(line, line.Size)
			if err != nil {
				return nil, nil, 0, err
			}
			return catSortUniq(cur, append(whole, '\n')), nil, 0, nil
		}
		size := line.Size + 1
		for _, l := range lines {
			size += int64(len(l)) + 1
		}
		return nil, func(w io.Writer) error {
			for i, l := range lines {
				if i == pos {
					if err := writeLine(w, line); err != nil {
						return err
					}
				}
				if _, err := w.Write(l); err != nil {
					return err
				}
				if _, err := w.Write(newline); err != nil {
					return err
				}
			}
			if pos == len(lines) {
				return writeLine(w, line)
			}
			return nil
		}, size, nil
	})
}

// readLine returns the first n bytes of line.
func readLine(line Line, n int64) ([]byte, error) {
	b := &cappedBuffer{max: n}
	b.buf.Grow(int(n))
	if err := line.Write(b); err != nil && !errors.Is(err, errCapped) {
		return nil, err
	}
	if int64(b.buf.Len()) != n {
		return nil, fmt.Errorf("note line: %d bytes written, want %d", b.buf.Len(), n)
	}
	return b.buf.Bytes(), nil
}

// writeLine writes line and its newline to w, checking its size.
func writeLine(w io.Writer, line Line) error {
	cw := &countingWriter{w: w}
	if err := line.Write(cw); err != nil {
		return err
	}
	if cw.n != line.Size {
		return fmt.Errorf("note line: %d bytes written, want %d", cw.n, line.Size)
	}
	_, err := w.Write(newline)
	return err
}

// sortLine returns where a line of size bytes that starts with head goes
// among lines (sorted, unique): ok is false when head does not decide it
// (a line starts as the line does for all of head).
func sortLine(lines [][]byte, head []byte, size int64) (pos int, ok bool) {
	if int64(len(head)) < size { // the line is longer than head
		for _, l := range lines {
			if len(l) >= len(head) && bytes.Equal(l[:len(head)], head) {
				return 0, false
			}
		}
	}
	pos, found := slices.BinarySearchFunc(lines, head, func(l, h []byte) int {
		if len(l) > len(h) && bytes.Equal(l[:len(h)], h) {
			return 1 // l is longer than the line: only when head is all of it
		}
		return bytes.Compare(l, h)
	})
	return pos, !found // found: the line is in the note already
}

var newline = []byte{'\n'}

var errCapped = errors.New("capped")

// cappedBuffer keeps the first max bytes written to it, then stops the
// writer with errCapped.
type cappedBuffer struct {
	buf bytes.Buffer
	max int64
}

func (c *cappedBuffer) Write(p []byte) (int, error) {
	room := c.max - int64(c.buf.Len())
	if int64(len(p)) > room {
		c.buf.Write(p[:room])
		return int(room), errCapped
	}
	return c.buf.Write(p)
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// writeStream stores an object of size bytes that fill writes, as write
// stores one it holds: the loose object is written to a temporary file as
// it is hashed, and renamed to its name.
func (o *odb) writeStream(t objType, size int64, fill func(w io.Writer) error) (Hash, error) {
	var rnd [8]byte
	binary.LittleEndian.PutUint64(rnd[:], rand.Uint64())
	tmp := filepath.Join(o.dirs[0], "tmp_obj_"+hex.EncodeToString(rnd[:]))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o444)
	if err != nil {
		return ZeroHash, fmt.Errorf("write object: %w", err)
	}
	h, err := func() (Hash, error) {
		hw := sha1.New()
		z := newStoredWriter(f, int64(len(t.String()))+1+int64(len(strconv.FormatInt(size, 10)))+1+size)
		hdr := t.String() + " " + strconv.FormatInt(size, 10) + "\x00"
		hw.Write([]byte(hdr))
		z.Write([]byte(hdr))
		cw := &countingWriter{w: io.MultiWriter(hw, z)}
		if err := fill(cw); err != nil {
			return ZeroHash, err
		}
		if cw.n != size {
			return ZeroHash, fmt.Errorf("write object: %d bytes written, want %d", cw.n, size)
		}
		if z.err != nil {
			return ZeroHash, fmt.Errorf("write object: %w", z.err)
		}
		var h Hash
		hw.Sum(h.b[:0])
		h.n = sha1Size
		return h, f.Close()
	}()
	if err != nil {
		f.Close()
		os.Remove(tmp)
		return ZeroHash, err
	}
	if o.has(h) {
		os.Remove(tmp)
		return h, nil
	}
	dst := loosePath(o.dirs[0], h)
	err = os.Rename(tmp, dst)
	if errors.Is(err, os.ErrNotExist) {
		if err = os.MkdirAll(filepath.Dir(dst), 0o755); err == nil {
			err = os.Rename(tmp, dst)
		}
	}
	if err != nil {
		os.Remove(tmp)
		return h, fmt.Errorf("write object %s: %w", h, err)
	}
	return h, nil
}

// storedWriter writes to w the zlib stream of the n bytes written to it,
// in deflate "stored" blocks of 65535 bytes (the last one shorter), as
// storedZlib returns it.
type storedWriter struct {
	w     io.Writer
	left  int64 // the bytes still to come
	a     hash.Hash32
	block []byte
	err   error
}

func newStoredWriter(w io.Writer, n int64) *storedWriter {
	z := &storedWriter{w: w, left: n, a: adler32.New(), block: make([]byte, 5, 5+min(n, 65535))}
	z.write([]byte{0x78, 0x01})
	if n == 0 {
		z.emit()
	}
	return z
}

func (z *storedWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 && z.left > 0 {
		k := min(len(p), 5+65535-len(z.block))
		z.a.Write(p[:k])
		z.block = append(z.block, p[:k]...)
		z.left -= int64(k)
		p = p[k:]
		if len(z.block) == 5+65535 || z.left == 0 {
			z.emit()
		}
	}
	if len(p) > 0 {
		z.fail(errors.New("more bytes than the object's size"))
	}
	return n, z.err
}

// emit writes the block (the final one when nothing is left, then the
// checksum).
func (z *storedWriter) emit() {
	l := len(z.block) - 5
	var bfinal byte
	if z.left == 0 {
		bfinal = 1
	}
	copy(z.block, []byte{bfinal, byte(l), byte(l >> 8), ^byte(l), ^byte(l >> 8)})
	z.write(z.block)
	z.block = z.block[:5]
	if z.left == 0 {
		z.write(binary.BigEndian.AppendUint32(nil, z.a.Sum32()))
	}
}

func (z *storedWriter) write(b []byte) {
	if z.err == nil {
		_, z.err = z.w.Write(b)
	}
}

func (z *storedWriter) fail(err error) {
	if z.err == nil {
		z.err = err
	}
}
