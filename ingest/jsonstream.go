package ingest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"runtime/debug"

	"github.com/flameiq/git-flameiq/internal/limits"
	"github.com/flameiq/git-flameiq/snapshot"
)

// jsonStream walks the top level of one JSON document without decoding it
// whole, for every JSON format but FlameIQ's and k6's summaries. Decoded
// whole into maps, a document takes 2–7 times its size (a 60 MB BMF file:
// 380 MB of maps) on top of its bytes and the decoder's own copy of them;
// walked here, only one entry is decoded at a time, and the peak is the
// bytes, one entry and the snapshot.
//
// The bytes are read whole first so that every error names its line and
// column as decodeJSON's do: a document that is not valid JSON, or has a
// key twice, gets decodeJSON's own error before anything is walked, so
// walking never meets a syntax error. A regular file of 16 MiB or more is
// then walked from the file, and its bytes let go (read again only for an
// error that needs them); a pipe's bytes are kept for the walk.
type jsonStream struct {
	name string
	data []byte // nil when the walk reads the file again (reread)
	size int64  // the document's size
	dec  *json.Decoder
	// reread reads the document again, when data was let go: a large
	// regular file is walked from the file, not from its bytes, which
	// would stay in memory for the whole walk.
	reread func() (io.Reader, bool)
	err    error // the first decoder error (none on a valid document), or errTooBig

	max   int64 // FLAMEIQ_MAX_INPUT
	held  int64 // what the caller holds already (Options.Held)
	spent int64 // the bytes the parser built so far, by its estimate (spend)

	heap    *heapBound // the walk's memory limit
	unspool func()     // removes the spooled copy of a pipe (spool)
	lean    bool       // the caller reads a lean snapshot (Options.Lean)
}

// snapshot returns the empty snapshot the walk fills: a lean one when the
// caller reads only that (validate, record).
func (st *jsonStream) snapshot() *snapshot.Snapshot { return newSnapshot(st.lean) }

// spoolSize is the size from which a pipe is spooled to a file.
const spoolSize = 16 << 20

// spool copies a large input that is not a regular file (a pipe) to a
// temporary file, and returns that file to read instead, with what
// removes it: walked from the file, the document's bytes need not stay
// in memory for the walk (60 MB of BMF from a pipe: 4.2× its size, as
// much as from the file after). An input under 16 MiB is returned as it
// is (read from memory), and so is any input when no temporary file can
// be made. The copy stops after FLAMEIQ_MAX_INPUT/4 bytes, which readAll
// then refuses.
func spool(r io.Reader, name string) (io.Reader, func(), error) {
	nothing := func() {}
	if _, ok := r.(sizedReader); ok {
		return r, nothing, nil
	}
	head, err := readExact(io.LimitReader(r, spoolSize), -1)
	if err != nil {
		return nil, nothing, &Error{File: name, Msg: "read error: " + err.Error()}
	}
	if len(head) < spoolSize {
		return bytes.NewReader(head), nothing, nil
	}
	f, err := os.CreateTemp("", "git-flameiq-input-*.json")
	if err != nil {
		return io.MultiReader(bytes.NewReader(head), r), nothing, nil
	}
	unspool := func() {
		f.Close()
		os.Remove(f.Name())
	}
	limit, _ := limits.MaxInput() // readAll checks it
	_, err = f.Write(head)
	head = nil
	if err == nil {
		_, err = io.Copy(f, io.LimitReader(r, limit/streamShare+1-spoolSize))
	}
	var size int64
	if err == nil {
		size, err = f.Seek(0, io.SeekCurrent)
	}
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		unspool()
		return nil, nothing, &Error{File: name, Msg: "spooling the input to a temporary file: " + err.Error()}
	}
	return sizedReader{Reader: f, size: size, file: f}, unspool, nil
}

// openJSONStream reads one JSON document and checks it as decodeJSON does
// (empty input, syntax, trailing data, duplicate keys: the same errors).
func openJSONStream(r io.Reader, name string) (*jsonStream, error) {
	return openStream(r, name, false)
}

// openJSONDocs is openJSONStream for one or more documents one after
// another (FlameIQ's history.jsonl), checked as decoding them one by one
// would: the duplicate keys of all, then the syntax of each in turn.
func openJSONDocs(r io.Reader, name string) (*jsonStream, error) {
	return openStream(r, name, true)
}

func openStream(r io.Reader, name string, docs bool) (*jsonStream, error) {
	r, o := unwrap(r)
	r, unspool, err := spool(r, name)
	if err != nil {
		return nil, err
	}
	data, err := readAll(r, name, streamShare)
	if err != nil {
		unspool()
		return nil, err
	}
	// json.Valid scans without allocating; only an invalid document is
	// decoded whole, to report where it is invalid.
	dupsChecked := false
	if len(bytes.TrimSpace(data)) == 0 || !json.Valid(data) {
		unspool()
		if !docs {
			_, err := decodeJSON(data, name)
			return nil, err
		}
		if err := checkDocs(data, name); err != nil {
			return nil, err
		}
		dupsChecked = true
	}
	// The duplicate-key check holds a set of each object's keys beside
	// the bytes, and its tokens are garbage: the walk's heap bound starts
	// before it (a FlameIQ file of 13 million custom metrics peaked at
	// twice the check's live memory).
	heap := boundHeap(len(data))
	if !dupsChecked {
		if err := checkDuplicateKeys(data, name); err != nil {
			heap.done(false)
			unspool()
			return nil, err
		}
	}
	max, _ := limits.MaxInput() // readAll checked it
	st := &jsonStream{name: name, data: data, size: int64(len(data)), max: max, held: o.held, unspool: unspool, lean: o.lean}
	var in io.Reader = bytes.NewReader(data)
	if sr, ok := r.(sizedReader); ok && len(data) >= 16<<20 {
		// Checked: walk it from the file and let the bytes go (a
		// third of the walk's peak for BMF). An error that needs them
		// reads them again.
		if f, ok := sr.reread(); ok {
			st.reread = sr.reread
			st.data, data = nil, nil
			in = bufio.NewReaderSize(io.LimitReader(f, st.size), 256<<10)
			runtime.GC() // the bytes' pages hold the walk's entries
		}
	}
	st.dec = json.NewDecoder(in)
	st.dec.UseNumber()
	st.heap = heap
	return st, nil
}

// checkDocs checks data as one or more JSON documents: the error of the
// first that is not valid (after the duplicate keys of all), nil when
// they all are.
func checkDocs(data []byte, name string) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return &Error{File: name, Msg: "empty input: no benchmark results"}
	}
	if err := checkDuplicateKeys(data, name); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		var v skipped
		if err := dec.Decode(&v); err == io.EOF {
			return nil
		} else if err != nil {
			return jsonError(name, data, err)
		}
	}
}

// skipped is a JSON value read and let go: the decoder checks its syntax
// and builds nothing.
type skipped struct{}

func (*skipped) UnmarshalJSON([]byte) error { return nil }

// bytes returns the document, reading it again if it was let go (nil if
// it cannot be read again).
func (st *jsonStream) bytes() []byte {
	if st.data == nil && st.reread != nil {
		if r, ok := st.reread(); ok {
			st.data, _ = readExact(io.LimitReader(r, st.size), st.size)
		}
	}
	return st.data
}

// Estimates for spend: a metric in the snapshot without its key (the
// struct, its pointer, one sample, its entry in Add's index: 106 bytes
// each measured on 2,380,640 regression-JSON metrics, keys of 17 bytes),
// one sample more, and an interval (Locust's, k6's).
const (
	metricCost   = 95
	sampleCost   = 8
	intervalCost = 24
	// keyedMetricCost is a metric built later, its key unknown yet
	// (Google Benchmark's rows): the measured 17-byte key counted.
	keyedMetricCost = metricCost + 17
)

// spend counts n bytes the parser built from the document (metrics,
// rows); when they and the document's bytes pass FLAMEIQ_MAX_INPUT the
// walk stops with an error. The input's size is bounded before it is
// read; this bounds what it expands to, which for tiny entries is many
// times their size (`{"a":{"b":{"value":1}}}` is 24 bytes and one metric).
func (st *jsonStream) spend(n int) {
	st.spent += int64(n)
	// The heap grows past what is live by walkGOGC percent before the
	// collector runs: what is live stays under FLAMEIQ_MAX_INPUT with it.
	if st.err == nil && (st.held+st.size+st.spent)*(100+walkGOGC)/100 > st.max {
		st.err = errTooBig
	}
	live := st.spent
	if st.data != nil {
		live += st.size
	}
	st.heap.grow(live)
}

// done ends the walk (parsers defer it): the memory limit boundHeap set
// becomes that of the command's next steps.
func (st *jsonStream) done() {
	st.heap.done(st.lean)
	st.unspool()
}

// heapBound keeps the heap of a large walk near what it holds. The walk's
// live memory is the snapshot, and the bytes when they come from a pipe:
// up to about 3× the input for BMF, whose metrics are the smallest for
// their JSON (60 MB of JSON make 90 MB of metrics). Under the default
// GOGC=100 the heap grew to twice that before a collection; a soft memory
// limit of 2.5× the input plus 16 MiB keeps it close (the runtime collects
// more often as the heap nears the limit; it never fails an allocation).
//
// Some formats' metrics outweigh their JSON: a regression-JSON metric is
// 25 bytes of JSON and 106 in memory, a Locust summary's 15 and 123 (it
// has an interval). A limit under the live heap makes the runtime collect
// without pause (60 MB of Locust summary took 2 min instead of 1), so
// when the live memory spend counts reaches four fifths of the limit, the
// limit is lifted and the collector runs at GOGC=20 instead: the heap
// then stays within 1.2× what is live, whatever that is, at the cost of
// more frequent collections (each marks the metrics' structs; their keys
// and samples are blocks without pointers). GOGC=10 saved another 5% of
// the peak for 35% more CPU time.
//
// After the walk the command goes on (record encodes the note, streamed
// to the object file: little memory) under a limit of 5× the input plus
// 64 MiB. Inputs under 16 MiB are left alone, and so is a GOMEMLIMIT or
// GOGC in the environment (the user's choice); a limit already higher is
// kept.
type heapBound struct {
	n, limit int64 // the input's size, the limit set (0: none)
	lifted   bool  // GOGC=20 instead of the limit
}

// walkGOGC is the collector's GOGC once a walk's metrics outweigh its
// memory limit.
const walkGOGC = 20

// boundHeap sets the walk's memory limit for an input of n bytes.
func boundHeap(n int) *heapBound {
	h := &heapBound{n: int64(n)}
	if n < 16<<20 || os.Getenv("GOMEMLIMIT") != "" || os.Getenv("GOGC") != "" {
		return h
	}
	limit := 5*h.n/2 + 16<<20
	cur := debug.SetMemoryLimit(-1)
	if cur != math.MaxInt64 && cur >= limit {
		return h
	}
	h.set(limit)
	return h
}

func (h *heapBound) set(limit int64) {
	h.limit = limit
	debug.SetMemoryLimit(limit)
}

// grow lifts the limit for GOGC=20 when live, the walk's live memory,
// reaches four fifths of it.
func (h *heapBound) grow(live int64) {
	if h.limit > 0 && !h.lifted && 5*live >= 4*h.limit {
		h.lift()
	}
}

func (h *heapBound) lift() {
	h.lifted = true
	debug.SetGCPercent(walkGOGC)
	debug.SetMemoryLimit(math.MaxInt64)
}

// done ends the walk: the limit becomes that of the command's next steps
// (a lifted one stays lifted: GOGC=20 bounds the heap). After the walk of
// a lean snapshot the limit is lifted too: record's encoding of the note
// leaves garbage (60 MB of Google Benchmark JSON peaked at 1.9 times its
// lean snapshot under the limit), and the collector's passes over the
// columns are cheap, for they hold almost no pointers.
func (h *heapBound) done(lean bool) {
	switch {
	case h.limit == 0 || h.lifted:
	case lean:
		h.lift()
	default:
		h.set(max(5*h.n+64<<20, h.limit))
	}
}

// tightGC sets the collector to GOGC=20 for a streamed parse whose
// results have outgrown 64 MiB (go test's text: its size is not known
// before), unless GOGC or GOMEMLIMIT is in the environment, and returns
// what sets it back: for a parse that makes an ordinary snapshot, which
// the command goes on with (a lean one keeps GOGC=20, as after a lean
// walk). Under GOGC=100 the heap grew to twice what the parse held.
func tightGC() (restore func()) {
	if os.Getenv("GOMEMLIMIT") != "" || os.Getenv("GOGC") != "" {
		return func() {}
	}
	was := debug.SetGCPercent(walkGOGC)
	return func() { debug.SetGCPercent(was) }
}

// whole decodes the document whole: for the shapes a parser does not walk
// (a top level that is not an object, a list that is not an array), whose
// errors the collector reports from the decoded value as before.
func (st *jsonStream) whole() any {
	v, err := decodeJSON(st.bytes(), st.name) // checked valid by openJSONStream
	if err != nil {
		return nil // the file changed since: the caller reports null
	}
	return v
}

// unwalked is the error of a document whose walk found nothing to walk
// (not an object, or its member missing or of the wrong type): it is
// decoded whole, so that require (a collector's requiredArray or
// requiredObject) can say which.
func (st *jsonStream) unwalked(c *collector, require func(doc map[string]any)) error {
	if doc, ok := c.object(st.whole(), ""); ok {
		require(doc)
	}
	return c.err()
}

// members walks the top-level object: fn is called with each key in file
// order and must consume the member's value (value, skip or elements).
// It returns false, having called fn for no member, when the top level is
// not an object.
func (st *jsonStream) members(fn func(key string)) bool {
	if !st.delim('{') {
		return false
	}
	st.rest(fn)
	return true
}

// rest walks the members of the object whose '{' was read (open), as
// members does.
func (st *jsonStream) rest(fn func(key string)) {
	for st.err == nil && st.dec.More() {
		tok, err := st.dec.Token()
		if err != nil {
			st.err = err
			break
		}
		key, _ := tok.(string)
		fn(key)
	}
	if st.err == nil {
		_, st.err = st.dec.Token() // '}'
	}
}

// open reads the first token of the next value: ok when it is d, whose
// members or elements the caller then walks (rest). Otherwise the value
// is read whole and let go, and what names its type as typeName does
// ("array", "object", "number 3" …).
func (st *jsonStream) open(d json.Delim) (what string, ok bool) {
	if st.err != nil {
		return "", false
	}
	tok, err := st.dec.Token()
	if err != nil {
		st.err = err
		return "", false
	}
	got, isDelim := tok.(json.Delim)
	if !isDelim {
		return typeName(tok), false
	}
	if got == d {
		return "", true
	}
	for st.err == nil && st.dec.More() {
		if got == '{' {
			_, st.err = st.dec.Token() // the key
		}
		st.skip()
	}
	if st.err == nil {
		_, st.err = st.dec.Token() // the closing delimiter
	}
	if got == '[' {
		return "array", false
	}
	return "object", false
}

// skip reads the next value and lets it go.
func (st *jsonStream) skip() {
	if st.err == nil {
		st.err = st.dec.Decode(&skipped{})
	}
}

// object walks a top-level object whose member list (an array) holds the
// entries: fn gets each element's index and decoded value in turn; every
// other member is decoded into rest (they are small: a context,
// machine_info …). walked is false when the top level is not an object or
// list is missing or not an array; fn may then have been called for no
// element, and the caller reports the shape from whole().
func (st *jsonStream) object(list string, fn func(i int, v any)) (rest map[string]any, n int, walked bool) {
	rest, walked = st.around(list, func() bool {
		var ok bool
		n, ok = st.elements(fn)
		return ok
	})
	return rest, n, walked
}

// objectOf is object for a member list that is an object (k6's metrics,
// Locust's endpoints): fn gets each of its keys and decoded values in
// file order.
func (st *jsonStream) objectOf(list string, fn func(key string, v any)) (rest map[string]any, walked bool) {
	return st.around(list, func() bool { return st.entries(fn) })
}

// around walks the top-level object, decoding every member into rest but
// list, which walk consumes (reporting whether it could). It reports false
// when the top level is not an object or list is missing or not walked.
func (st *jsonStream) around(list string, walk func() bool) (rest map[string]any, walked bool) {
	rest = map[string]any{}
	top := st.members(func(key string) {
		if key == list {
			walked = walk()
			return
		}
		rest[key] = st.value()
	})
	return rest, top && walked
}

// entries walks the next value when it is an object, calling fn with each
// key and decoded value in file order. It returns false, having called fn
// for none, when the value is not an object (the walk cannot go on).
func (st *jsonStream) entries(fn func(key string, v any)) bool {
	if !st.delim('{') {
		if st.err == nil {
			st.err = errNotWalked
		}
		return false
	}
	st.rest(func(key string) { fn(key, st.value()) })
	return true
}

// build runs add, which adds metrics to s, and spends what they take.
func (st *jsonStream) build(s *snapshot.Snapshot, add func()) {
	from := s.Len()
	add()
	st.spend(built(s, from))
}

// built counts, for spend, what the metrics of s from index from on take
// in memory.
func built(s *snapshot.Snapshot, from int) int {
	if s.Lean() {
		return s.LeanFootprint(from)
	}
	n := 0
	for _, m := range s.Metrics[from:] {
		n += metricCost + len(m.Key) + sampleCost*len(m.Samples)
		if m.CI != nil {
			n += intervalCost
		}
	}
	return n
}

// value decodes the next value (numbers as json.Number).
func (st *jsonStream) value() any {
	var v any
	if st.err == nil {
		st.err = st.dec.Decode(&v)
	}
	return v
}

// elements walks the next value when it is an array, calling fn with each
// element's index and decoded value, and returns the number of elements.
// It returns false, having called fn for none, when the value is not an
// array: the walk cannot go on, and the caller reports the shape from
// whole().
func (st *jsonStream) elements(fn func(i int, v any)) (int, bool) {
	if !st.delim('[') {
		if st.err == nil {
			st.err = errNotWalked // the value is half read: stop the walk
		}
		return 0, false
	}
	n := 0
	for st.err == nil && st.dec.More() {
		fn(n, st.value())
		n++
	}
	if st.err == nil {
		_, st.err = st.dec.Token() // ']'
	}
	return n, true
}

// errTooBig stops a walk whose results would pass FLAMEIQ_MAX_INPUT.
var errTooBig = errors.New("too big")

// errNotWalked stops a walk that met a shape it does not walk.
var errNotWalked = errors.New("not an array")

// delim reads the next token and reports whether it is d.
func (st *jsonStream) delim(d json.Delim) bool {
	if st.err != nil {
		return false
	}
	tok, err := st.dec.Token()
	if err != nil {
		st.err = err
		return false
	}
	got, ok := tok.(json.Delim)
	return ok && got == d
}

// fail is the error of a walk the decoder stopped (never on a document
// openJSONStream accepted; here so that no input can make a parser return
// half a snapshot as if it were whole).
func (st *jsonStream) fail() error {
	switch st.err {
	case nil:
		return nil
	case errTooBig:
		return &Error{File: st.name, Msg: fmt.Sprintf("its benchmarks take more than FLAMEIQ_MAX_INPUT (%s) in memory: %s of JSON that expands to about %s of metrics; raise FLAMEIQ_MAX_INPUT to read it",
			maxText(st.max, st.held), limits.Human(st.size), limits.Human(st.spent))}
	}
	return jsonError(st.name, st.bytes(), st.err)
}
