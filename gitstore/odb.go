package gitstore

import (
	"bytes"
	"compress/zlib"
	"crypto/sha1"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// objType is a git object type as numbered in pack files.
type objType int8

const (
	objCommit   objType = 1
	objTree     objType = 2
	objBlob     objType = 3
	objTag      objType = 4
	objOfsDelta objType = 6
	objRefDelta objType = 7
)

func (t objType) String() string {
	switch t {
	case objCommit:
		return "commit"
	case objTree:
		return "tree"
	case objBlob:
		return "blob"
	case objTag:
		return "tag"
	}
	return "unknown"
}

func parseObjType(s string) objType {
	switch s {
	case "commit":
		return objCommit
	case "tree":
		return objTree
	case "blob":
		return objBlob
	case "tag":
		return objTag
	}
	return 0
}

// odb is a read-mostly object database: loose objects plus pack files whose
// .idx is memory-mapped and binary-searched on demand (nothing is decoded up
// front, unlike go-git's default storage, so the first read is cheap even in
// a 100k-commit repository). Objects are written loose, as git does.
type odb struct {
	dirs []string  // objects dir first, then alternates
	git  *plumbing // non-nil: objects are read and written by git (plumbing.go)

	mu      sync.Mutex
	scanned bool
	packs   []*pack
	cache   baseCache
	recent  objCache
	disk    *diskCache // inflated objects kept across runs (see diskcache.go)

	inflates atomic.Int64 // pack entries inflated (whole or delta), for tests
}

// objCache remembers the last objects read by name (commits and trees are
// read more than once when resolving and walking). Data is shared: callers
// never modify object data. The objects sit in a ring; the map finds
// their slot by the first 8 bytes of the name (commitKey), and a lookup
// checks the whole name.
type objCache struct {
	mu   sync.Mutex
	m    map[uint64]uint8
	ring [256]ringObj
	next int
}

type ringObj struct {
	h    Hash
	t    objType
	data []byte // nil: free slot
}

type cachedObj struct {
	t    objType
	data []byte
}

func (c *objCache) get(h Hash) (objType, []byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	i, ok := c.m[commitKey(&h)]
	if !ok || c.ring[i].h != h {
		return 0, nil, false
	}
	e := &c.ring[i]
	return e.t, e.data, true
}

func (c *objCache) put(h Hash, t objType, data []byte) {
	if len(data) > 256<<10 || data == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[uint64]uint8, len(c.ring))
	}
	k := commitKey(&h)
	if i, ok := c.m[k]; ok && c.ring[i].h == h {
		return
	}
	slot := &c.ring[c.next]
	if slot.data != nil {
		if old := commitKey(&slot.h); c.m[old] == uint8(c.next) {
			delete(c.m, old)
		}
	}
	*slot = ringObj{h, t, data}
	c.m[k] = uint8(c.next)
	c.next = (c.next + 1) % len(c.ring)
}

func newODB(objdir string) *odb {
	o := &odb{dirs: []string{objdir}}
	if b, err := os.ReadFile(filepath.Join(objdir, "info", "alternates")); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			l = strings.TrimSpace(l)
			if l == "" || l[0] == '#' {
				continue
			}
			if !filepath.IsAbs(l) {
				l = filepath.Join(objdir, l)
			}
			o.dirs = append(o.dirs, l)
		}
	}
	return o
}

// scan (re)lists the pack files. Called lazily and again when an object is
// not found (a concurrent repack may have replaced the packs).
func (o *odb) scanLocked() {
	have := map[string]*pack{}
	for _, p := range o.packs {
		have[p.idxPath] = p
	}
	var packs []*pack
	for _, d := range o.dirs {
		ents, err := os.ReadDir(filepath.Join(d, "pack"))
		if err != nil {
			continue
		}
		for _, e := range ents {
			n := e.Name()
			if !strings.HasPrefix(n, "pack-") || !strings.HasSuffix(n, ".idx") {
				continue
			}
			ip := filepath.Join(d, "pack", n)
			if p := have[ip]; p != nil {
				packs = append(packs, p)
				continue
			}
			packs = append(packs, &pack{idxPath: ip, packPath: strings.TrimSuffix(ip, ".idx") + ".pack"})
		}
	}
	o.packs = packs
	o.scanned = true
}

func (o *odb) packList(rescan bool) []*pack {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.scanned || rescan {
		o.scanLocked()
	}
	return o.packs
}

// read returns the type and content of an object.
func (o *odb) read(h Hash) (objType, []byte, error) {
	if t, data, ok := o.recent.get(h); ok {
		return t, data, nil
	}
	if o.git != nil {
		t, data, err := o.git.readObject(h)
		if err == nil {
			o.remember(h, t, data)
		}
		return t, data, err
	}
	if o.disk != nil {
		if t, data, ok := o.disk.get(h); ok {
			o.remember(h, t, data)
			return t, data, nil
		}
	}
	t, data, err := o.readUncached(h)
	if err == nil {
		o.remember(h, t, data)
		if o.disk != nil {
			o.disk.note(h, t, data)
		}
	}
	return t, data, err
}

// releaseMapped drops the pack pages this process has touched (they stay
// in the kernel's page cache).
func (o *odb) releaseMapped() {
	if o.git != nil {
		return
	}
	for _, p := range o.packList(false) {
		if p.open() == nil {
			releaseMapped(p.idx)
			releaseMapped(p.data)
		}
	}
}

// remember keeps commits and trees in the recent-objects cache; blobs (note
// contents) are read once per command, and delta bases have their own cache.
func (o *odb) remember(h Hash, t objType, data []byte) {
	if t != objBlob {
		o.recent.put(h, t, data)
	}
}

func (o *odb) readUncached(h Hash) (objType, []byte, error) {
	for pass := 0; pass < 2; pass++ {
		for _, p := range o.packList(pass == 1) {
			off, ok, err := p.find(h)
			if err != nil {
				continue // unreadable or vanished pack: try the others
			}
			if ok {
				return p.object(o, off)
			}
		}
		for _, d := range o.dirs {
			t, data, err := readLoose(d, h)
			if err == nil {
				return t, data, nil
			}
			if !errors.Is(err, fs.ErrNotExist) {
				return 0, nil, err
			}
		}
	}
	return 0, nil, fmt.Errorf("%w: %s", ErrObjectNotFound, h)
}

// readType reads an object and checks its type.
func (o *odb) readType(h Hash, want objType) ([]byte, error) {
	t, data, err := o.read(h)
	if err != nil {
		return nil, err
	}
	if t != want {
		return nil, fmt.Errorf("object %s is a %s, not a %s", h, t, want)
	}
	return data, nil
}

// has reports whether an object exists.
func (o *odb) has(h Hash) bool {
	if o.git != nil {
		_, _, err := o.read(h)
		return err == nil
	}
	for _, p := range o.packList(false) {
		if _, ok, _ := p.find(h); ok {
			return true
		}
	}
	for _, d := range o.dirs {
		if _, err := os.Stat(loosePath(d, h)); err == nil {
			return true
		}
	}
	return false
}

// prefix finds every object whose hex name starts with the given prefix
// (at least 4 hex digits), stopping after two distinct matches.
func (o *odb) prefix(hexPrefix string) []Hash {
	if o.git != nil {
		return nil // Resolve asks git (plumbing.resolve)
	}
	seen := map[Hash]bool{}
	var out []Hash
	add := func(h Hash) {
		if !seen[h] {
			seen[h] = true
			out = append(out, h)
		}
	}
	for _, p := range o.packList(false) {
		for _, h := range p.prefix(hexPrefix, 2) {
			add(h)
		}
	}
	for _, d := range o.dirs {
		ents, _ := os.ReadDir(filepath.Join(d, hexPrefix[:2]))
		for _, e := range ents {
			if name := hexPrefix[:2] + e.Name(); strings.HasPrefix(name, hexPrefix) {
				if h, err := ParseHash(name); err == nil {
					add(h)
				}
			}
		}
	}
	return out
}

func loosePath(dir string, h Hash) string {
	s := h.String()
	return filepath.Join(dir, s[:2], s[2:])
}

var zlibPool sync.Pool

// inflateInto decompresses zlib data from src into a buffer of the
// expected size (size < 0: unknown) from pool (nil: a new one).
func inflateInto(pool *bufPool, src []byte, size int) ([]byte, error) {
	zr, err := zlibReader(src)
	if err != nil {
		return nil, err
	}
	defer zlibPool.Put(zr)
	if size < 0 {
		return io.ReadAll(zr)
	}
	// Deflate cannot expand data more than ~1032:1, so a larger declared
	// size comes from a corrupt header: refuse it rather than allocate it.
	if size > 1032*len(src)+64 {
		return nil, fmt.Errorf("inflate: object claims %d bytes from %d compressed", size, len(src))
	}
	out, err := readSized(pool, zr, size, nil)
	if err != nil {
		return nil, fmt.Errorf("inflate: %w", err)
	}
	return out, nil
}

// zlibReader returns a zlib reader of src from zlibPool (put it back).
func zlibReader(src []byte) (io.ReadCloser, error) {
	br := bytes.NewReader(src)
	if v := zlibPool.Get(); v != nil {
		zr := v.(io.ReadCloser)
		if err := zr.(zlib.Resetter).Reset(br, nil); err != nil {
			return nil, err
		}
		return zr, nil
	}
	return zlib.NewReader(br)
}

// readSized reads the rest of r, which should be size bytes (head, already
// read, included), and checks that it is: up to inflateTrust bytes are
// allocated at once (from pool), a bigger size is believed only as far as
// the stream bears it out. Reading to the end makes a zlib reader check
// its checksum.
func readSized(pool *bufPool, r io.Reader, size int, head []byte) ([]byte, error) {
	if size > inflateTrust || size < len(head) {
		out, err := readAllHint(io.LimitReader(r, int64(size-len(head))+1), min(size+1, inflateTrust))
		out = append(head, out...)
		if err == nil && len(out) != size {
			err = fmt.Errorf("object is %d bytes, header says %d", len(out), size)
		}
		return out, err
	}
	out := append(pool.get(size), head...)[:size]
	n, err := io.ReadFull(r, out[len(head):])
	if err == nil {
		var one [1]byte
		if _, err = io.ReadAtLeast(r, one[:], 1); err == io.EOF {
			return out, nil
		} else if err == nil {
			err = fmt.Errorf("object is more than the %d bytes its header says", size)
		}
	} else if err == io.ErrUnexpectedEOF || err == io.EOF {
		err = fmt.Errorf("object is %d bytes, header says %d", len(head)+n, size)
	}
	pool.put(out)
	return nil, err
}

// inflateTrust is how much of an object's declared size inflate allocates
// before the stream has delivered it.
const inflateTrust = 64 << 20

// readAllHint is io.ReadAll starting with a buffer of hint bytes.
func readAllHint(r io.Reader, hint int) ([]byte, error) {
	b := make([]byte, 0, max(hint, 512))
	for {
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return b, err
		}
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
	}
}

func readLoose(dir string, h Hash) (objType, []byte, error) {
	return readLooseInto(nil, dir, h)
}

// readLooseInto is readLoose into a buffer from pool. The object's content
// is read into a buffer of the size its header gives (a 9 MB note is not
// grown and copied as it is read), and a big file is mapped, not read.
func readLooseInto(pool *bufPool, dir string, h Hash) (objType, []byte, error) {
	f, err := os.Open(loosePath(dir, h))
	if err != nil {
		return 0, nil, err
	}
	var raw []byte
	if st, err := f.Stat(); err == nil && st.Size() > 256<<10 {
		raw, err = mapFile(f.Name())
		if err != nil {
			f.Close()
			return 0, nil, err
		}
		defer unmapFile(raw)
	} else {
		raw, err = io.ReadAll(f)
		if err != nil {
			f.Close()
			return 0, nil, err
		}
	}
	f.Close()
	zr, err := zlibReader(raw)
	if err != nil {
		return 0, nil, fmt.Errorf("loose object %s: inflate: %w", h, err)
	}
	defer zlibPool.Put(zr)
	// The header ("blob 123\x00") is in the first bytes.
	var buf [64]byte
	n, nul := 0, -1
	for nul < 0 && n < len(buf) {
		k, err := zr.Read(buf[n:])
		nul = bytes.IndexByte(buf[n:n+k], 0)
		if nul >= 0 {
			nul += n
		}
		n += k
		if err != nil {
			if err != io.EOF {
				return 0, nil, fmt.Errorf("loose object %s: inflate: %w", h, err)
			}
			break
		}
	}
	if nul < 0 {
		return 0, nil, fmt.Errorf("loose object %s: bad header", h)
	}
	hdr := string(buf[:nul])
	sp := strings.IndexByte(hdr, ' ')
	if sp < 0 {
		return 0, nil, fmt.Errorf("loose object %s: bad header", h)
	}
	t := parseObjType(hdr[:sp])
	size, err := strconv.Atoi(hdr[sp+1:])
	if t == 0 || err != nil || size < 0 || size > 1032*len(raw)+64 {
		return 0, nil, fmt.Errorf("loose object %s: bad header %q", h, hdr)
	}
	data, err := readSized(pool, zr, size, buf[nul+1:n])
	if err != nil {
		return 0, nil, fmt.Errorf("loose object %s: bad header %q: %w", h, hdr, err)
	}
	return t, data, nil
}

// hashObject returns the object name of content of the given type.
func hashObject(t objType, content []byte) Hash {
	hw := sha1.New()
	var hdr [32]byte
	hw.Write(strconv.AppendInt(append(append(hdr[:0], t.String()...), ' '), int64(len(content)), 10))
	hw.Write([]byte{0})
	hw.Write(content)
	var h Hash
	hw.Sum(h.b[:0])
	h.n = sha1Size
	return h
}

// write stores an object as a loose object (zlib, like git) unless it
// already exists, and returns its name. The file appears atomically: it is
// written to a temporary file in the same directory and renamed.
func (o *odb) write(t objType, content []byte) (Hash, error) {
	if o.git != nil {
		return o.git.writeObject(t, content)
	}
	h := hashObject(t, content)
	if o.has(h) {
		return h, nil
	}
	hdr := t.String() + " " + strconv.Itoa(len(content)) + "\x00"
	buf := storedZlib([]byte(hdr), content)

	dir := filepath.Join(o.dirs[0], hex.EncodeToString(h.b[:1]))
	var rnd [8]byte
	binary.LittleEndian.PutUint64(rnd[:], rand.Uint64())
	tmp := filepath.Join(dir, "tmp_obj_"+hex.EncodeToString(rnd[:]))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o444)
	if errors.Is(err, fs.ErrNotExist) {
		if err = os.MkdirAll(dir, 0o755); err == nil {
			f, err = os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o444)
		}
	}
	if err != nil {
		return h, fmt.Errorf("write object %s: %w", h, err)
	}
	_, err = f.Write(buf)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, loosePath(o.dirs[0], h))
	}
	if err != nil {
		os.Remove(tmp)
		return h, fmt.Errorf("write object %s: %w", h, err)
	}
	return h, nil
}

// storedZlib returns a zlib stream holding parts uncompressed (deflate
// "stored" blocks, storedWriter). Loose objects are short-lived (git gc
// packs them) and notes trees are mostly incompressible object names, so
// skipping the compressor saves its large per-process set-up for almost
// no space; every zlib reader, git's included, reads it.
func storedZlib(parts ...[]byte) []byte {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	out := bytes.NewBuffer(make([]byte, 0, n+n/65535*5+16))
	z := newStoredWriter(out, int64(n))
	for _, p := range parts {
		z.Write(p) // a bytes.Buffer does not fail
	}
	return out.Bytes()
}
