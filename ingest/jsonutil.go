package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"iter"
	"maps"
	"math"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/flameiq/git-flameiq/internal/limits"
	"github.com/flameiq/git-flameiq/snapshot"
)

// This file holds the helpers every JSON format shares: a strict decoder
// that reports syntax errors as file:line: column, and a collector that
// turns wrong types into errors naming the JSON path of the field.

// FLAMEIQ_MAX_INPUT bounds the memory an input may take (1 GiB by
// default), so a JSON document may have only a share of it: its bytes are
// read whole first (for the line and column of an error), and its metrics
// take a multiple of them. Every JSON format is read with jsonStream,
// which decodes one entry at a time and whose walk stops when the metrics
// it builds would pass FLAMEIQ_MAX_INPUT (README, "Hardening", has the
// peak of each): streamShare is the share of the document. Go's text and
// test2json outputs are streamed line by line and have no such limit.
const streamShare = 4

// readAll reads r fully, failing with an *Error on I/O errors or when the
// input is larger than FLAMEIQ_MAX_INPUT/share.
func readAll(r io.Reader, name string, share int64) ([]byte, error) {
	limit, err := limits.MaxInput()
	if err != nil {
		return nil, &Error{File: name, Msg: err.Error()}
	}
	limit /= share
	size := int64(-1)
	r, _ = unwrap(r)
	if sr, ok := r.(sizedReader); ok {
		size = sr.size
	}
	data, err := readExact(io.LimitReader(r, limit+1), min(size, limit+1))
	if err != nil {
		return nil, &Error{File: name, Msg: "read error: " + err.Error()}
	}
	if int64(len(data)) > limit {
		return nil, &Error{File: name, Msg: fmt.Sprintf("JSON input larger than %s (FLAMEIQ_MAX_INPUT/%d: this JSON format is read entry by entry, at up to four times its size); raise FLAMEIQ_MAX_INPUT to read it", limits.Human(limit), share)}
	}
	return data, nil
}

// sizedReader is an input whose size is known (a regular file): Parse
// passes one, so that a JSON document is read into one buffer of its size.
type sizedReader struct {
	io.Reader
	size int64
	// file and start, when file is not nil, say where the input can be
	// read again: from start in file (jsonStream reads a large
	// document twice rather than keep its bytes).
	file  *os.File
	start int64
}

// optReader is an input with the Options a parser reads from it: Lean
// (the parser makes a snapshot.NewLean) and Held (its bound is
// FLAMEIQ_MAX_INPUT less that).
type optReader struct {
	io.Reader
	lean bool
	held int64
}

// unwrap returns r without an optReader around it, and its options.
func unwrap(r io.Reader) (io.Reader, optReader) {
	if or, ok := r.(optReader); ok {
		return or.Reader, or
	}
	return r, optReader{}
}

// reread reads the input again from its start, when it can.
func (sr sizedReader) reread() (io.Reader, bool) {
	if sr.file == nil {
		return nil, false
	}
	if _, err := sr.file.Seek(sr.start, io.SeekStart); err != nil {
		return nil, false
	}
	return sr.file, true
}

// readExact is io.ReadAll into one buffer of exactly the input's size
// (size, when known and not negative, is that size): io.ReadAll grows its
// buffer by a quarter at a time and leaves about four times the input in
// garbage, and the collector's next goal doubles what was live then (a
// 74 MB file: a 285 MB heap before the first byte was decoded). Without
// a size it reads chunks of at most 4 MiB and copies them once.
func readExact(r io.Reader, size int64) ([]byte, error) {
	if size >= 0 {
		data := make([]byte, size, size+1)
		n, err := io.ReadFull(r, data)
		if err == io.ErrUnexpectedEOF || err == io.EOF {
			return data[:n], nil // shorter than the file said (it shrank)
		}
		if err != nil {
			return nil, err
		}
		// Longer than it said (it grew): read the rest the other way.
		rest, err := readExact(r, -1)
		return append(data, rest...), err
	}
	var chunks [][]byte
	total, chunk := 0, 64<<10
	for {
		buf := make([]byte, chunk)
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			chunks = append(chunks, buf[:n])
			total += n
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return nil, err
		}
		chunk = min(2*chunk, 4<<20)
	}
	if len(chunks) == 1 {
		return chunks[0], nil
	}
	data := make([]byte, 0, total)
	for i, c := range chunks {
		data = append(data, c...)
		chunks[i] = nil
	}
	if total >= 16<<20 {
		// The chunks are garbage now: collect them before the document
		// is decoded, so that their pages hold its entries, not the
		// collector's next goal (twice the chunks and the copy).
		runtime.GC()
	}
	return data, nil
}

// lineCol converts a byte offset into a 1-based line and column.
func lineCol(data []byte, off int64) (line, col int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	if off < 0 {
		off = 0
	}
	pre := data[:off]
	line = bytes.Count(pre, []byte{'\n'}) + 1
	col = int(off) - (bytes.LastIndexByte(pre, '\n') + 1) + 1
	return line, col
}

// jsonError converts an encoding/json decoding error into an *Error with
// the line and column of the problem.
func jsonError(name string, data []byte, err error) *Error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off := se.Offset
		if off > 0 {
			off-- // Offset is just after the offending byte
		}
		line, col := lineCol(data, off)
		msg := fmt.Sprintf("column %d: invalid JSON: %s", col, se.Error())
		if int(off) < len(data) {
			switch data[off] {
			case 'N', 'I', 'n', 'i':
				msg += " (NaN and Infinity are not valid JSON numbers)"
			}
		}
		return &Error{File: name, Line: line, Msg: msg}
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		line, col := lineCol(data, int64(len(data)))
		return &Error{File: name, Line: line, Msg: fmt.Sprintf("column %d: invalid JSON: unexpected end of input (truncated file?)", col)}
	}
	var ue *json.UnmarshalTypeError
	if errors.As(err, &ue) {
		line, col := lineCol(data, max(ue.Offset-1, 0)) // Offset is just after the value
		return &Error{File: name, Line: line, Field: ue.Field, Msg: fmt.Sprintf("column %d: expected %s, got JSON %s", col, ue.Type, ue.Value)}
	}
	return &Error{File: name, Msg: "invalid JSON: " + err.Error()}
}

// decodeJSON decodes one JSON document (numbers as json.Number) and
// rejects trailing data.
func decodeJSON(data []byte, name string) (any, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &Error{File: name, Msg: "empty input: no benchmark results"}
	}
	if err := checkDuplicateKeys(data, name); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, jsonError(name, data, err)
	}
	var extra any
	if err := dec.Decode(&extra); err != io.EOF {
		if err != nil {
			return nil, jsonError(name, data, err)
		}
		line, col := lineCol(data, dec.InputOffset())
		return nil, &Error{File: name, Line: line, Msg: fmt.Sprintf("column %d: invalid JSON: unexpected data after the top-level value", col)}
	}
	return v, nil
}

// collector gathers the field errors of one file.
type collector struct {
	file string
	errs Errors

	keyed []keyedErrs // member's errors held back by member
}

// keyedErrs are the errors of one object member walked in file order.
type keyedErrs struct {
	key  string
	errs Errors
}

// member runs fn with a collector for the errors of the object member key,
// for an object walked in file order (jsonStream) whose errors were
// reported in byte order of the key when it was decoded whole
// (collector.members): membersDone adds them in that order.
func (c *collector) member(key string, fn func(mc *collector)) {
	mc := &collector{file: c.file}
	fn(mc)
	if len(mc.errs) > 0 {
		c.keyed = append(c.keyed, keyedErrs{key, mc.errs})
	}
}

// membersDone adds the errors member held back, in byte order of the key.
func (c *collector) membersDone() {
	slices.SortStableFunc(c.keyed, func(a, b keyedErrs) int { return strings.Compare(a.key, b.key) })
	for _, k := range c.keyed {
		c.errs = append(c.errs, k.errs...)
	}
	c.keyed = nil
}

// result returns s, or the collected errors when there are any.
func (c *collector) result(s *snapshot.Snapshot) (*snapshot.Snapshot, error) {
	if err := c.err(); err != nil {
		return nil, err
	}
	return s, nil
}

func (c *collector) fail(field, format string, a ...any) {
	c.errs = append(c.errs, &Error{File: c.file, Field: field, Msg: fmt.Sprintf(format, a...)})
}

// err returns nil, the only error, or all of them.
func (c *collector) err() error {
	switch len(c.errs) {
	case 0:
		return nil
	case 1:
		return c.errs[0]
	}
	return c.errs
}

// typeName names the JSON type of v for error messages.
func typeName(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean " + strconv.FormatBool(x)
	case json.Number:
		return "number " + string(x)
	case string:
		if len(x) > 40 {
			x = x[:40] + "…"
		}
		return "string " + strconv.Quote(x)
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

// path joins a JSON path and a key.
func path(base, key string) string {
	if base == "" {
		return key
	}
	return base + "." + key
}

func index(base string, i int) string { return fmt.Sprintf("%s[%d]", base, i) }

// object requires v to be a JSON object.
func (c *collector) object(v any, field string) (map[string]any, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		c.fail(field, "expected an object, got %s", typeName(v))
	}
	return m, ok
}

// array requires v to be a JSON array.
func (c *collector) array(v any, field string) ([]any, bool) {
	a, ok := v.([]any)
	if !ok {
		c.fail(field, "expected an array, got %s", typeName(v))
	}
	return a, ok
}

// required looks up the top-level key that identifies a format; when it is
// absent the file is "not a <what>".
func (c *collector) required(doc map[string]any, key, what string) (any, bool) {
	v, ok := doc[key]
	if !ok {
		c.fail(key, "missing: not a %s", what)
	}
	return v, ok
}

// requiredObject is required followed by object.
func (c *collector) requiredObject(doc map[string]any, key, what string) (map[string]any, bool) {
	v, ok := c.required(doc, key, what)
	if !ok {
		return nil, false
	}
	return c.object(v, key)
}

// requiredArray is required followed by array.
func (c *collector) requiredArray(doc map[string]any, key, what string) ([]any, bool) {
	v, ok := c.required(doc, key, what)
	if !ok {
		return nil, false
	}
	return c.array(v, key)
}

// nonEmpty requires the benchmark list a (at field) to hold at least one
// entry.
func (c *collector) nonEmpty(a []any, field string) bool {
	if len(a) == 0 {
		c.fail(field, "empty: no benchmark results")
		return false
	}
	return true
}

// objects yields the elements of the array a (at field) that are objects,
// each with its path (field[i]); an element of another type is an error
// and is skipped.
func (c *collector) objects(a []any, field string) iter.Seq2[string, map[string]any] {
	return func(yield func(string, map[string]any) bool) {
		for i, x := range a {
			base := index(field, i)
			if m, ok := c.object(x, base); ok && !yield(base, m) {
				return
			}
		}
	}
}

// members yields the members of the object m (at field) whose values are
// objects, in byte order of the key; a value of another type is an error
// naming field.key and is skipped.
func (c *collector) members(m map[string]any, field string) iter.Seq2[string, map[string]any] {
	return func(yield func(string, map[string]any) bool) {
		for _, k := range sortedKeys(m) {
			if o, ok := c.object(m[k], path(field, k)); ok && !yield(k, o) {
				return
			}
		}
	}
}

// optObject reads m[key] as an object when present and not null.
func (c *collector) optObject(m map[string]any, key, base string) (map[string]any, bool) {
	v, ok := m[key]
	if !ok || v == nil {
		return nil, false
	}
	return c.object(v, path(base, key))
}

// number requires v to be a finite JSON number (not a string, not a
// boolean, not null).
func (c *collector) number(v any, field string) (float64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		c.fail(field, "expected a number, got %s", typeName(v))
		return 0, false
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		c.fail(field, "number %s is out of range", n)
		return 0, false
	}
	return f, true
}

// nonNeg is number plus a check that the value is not negative.
func (c *collector) nonNeg(v any, field string) (float64, bool) {
	f, ok := c.number(v, field)
	if ok && f < 0 {
		c.fail(field, "negative value %s", fmtNum(f))
		return 0, false
	}
	return f, ok
}

// optNonNeg reads m[key] when present and not null.
func (c *collector) optNonNeg(m map[string]any, key, base string) (float64, bool) {
	v, ok := m[key]
	if !ok || v == nil {
		return 0, false
	}
	return c.nonNeg(v, path(base, key))
}

// numbers reads an array of non-negative numbers.
func (c *collector) numbers(v any, field string) ([]float64, bool) {
	a, ok := c.array(v, field)
	if !ok {
		return nil, false
	}
	out := make([]float64, 0, len(a))
	good := true
	for i, x := range a {
		f, ok := c.nonNeg(x, index(field, i))
		if !ok {
			good = false
			continue
		}
		out = append(out, f)
	}
	return out, good
}

// firstNonNeg is optNonNeg of the first of keys that gives a value.
func (c *collector) firstNonNeg(m map[string]any, base string, keys ...string) (float64, bool) {
	for _, k := range keys {
		if f, ok := c.optNonNeg(m, k, base); ok {
			return f, true
		}
	}
	return 0, false
}

// str reads m[key] as a string; absent or null gives "" and false, another
// type is an error.
func (c *collector) str(m map[string]any, key, base string) (string, bool) {
	v, ok := m[key]
	if !ok || v == nil {
		return "", false
	}
	s, ok := v.(string)
	if !ok {
		c.fail(path(base, key), "expected a string, got %s", typeName(v))
	}
	return s, ok
}

// scalarString renders a JSON scalar as a tag or parameter value.
func scalarString(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return x
	case json.Number:
		return string(x)
	case bool:
		return strconv.FormatBool(x)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// paramList renders parameters as name=value pairs in byte order of the
// name, joined by commas: "n=1,size=big".
func paramList(params map[string]any) string {
	ps := make([]string, 0, len(params))
	for _, k := range sortedKeys(params) {
		ps = append(ps, k+"="+scalarString(params[k]))
	}
	return strings.Join(ps, ",")
}

// dedupKey counts key in seen and returns it unchanged the first time,
// then with " #2", " #3" … appended.
func dedupKey(seen map[string]int, key string) string {
	seen[key]++
	if n := seen[key]; n > 1 {
		key += " #" + fmtNum(float64(n))
	}
	return key
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// jsonHead reports whether head, after white space and a byte order mark,
// starts with one of the given bytes.
func jsonHead(head []byte, starts string) bool {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	head = bytes.TrimLeft(head, " \t\r\n")
	return len(head) > 0 && strings.IndexByte(starts, head[0]) >= 0
}

// hasAll reports whether head contains every one of the quoted JSON keys.
func hasAll(head []byte, keys ...string) bool {
	for _, k := range keys {
		if !bytes.Contains(head, []byte(`"`+k+`"`)) {
			return false
		}
	}
	return true
}

// checkDuplicateKeys fails on an object with the same key twice, anywhere
// in data (JSON Lines and concatenated documents included): encoding/json
// keeps the last one silently, so a second "latency" could replace the
// first without anyone seeing it. The error names the key's path and line.
// Data that is not valid JSON is left to the decoder's own error.
func checkDuplicateKeys(data []byte, name string) error {
	type frame struct {
		object    bool
		keys      keySet // filled from the first key
		cur       string // the key whose value is being read
		index     int    // the element being read
		expectKey bool
	}
	var stack []frame
	// fieldPath is the path of key k in the innermost object, built only
	// for the error (deep nesting must not cost a string per level).
	fieldPath := func(k string) string {
		p := ""
		for _, f := range stack[:len(stack)-1] {
			if f.object {
				p = path(p, f.cur)
			} else {
				p = index(p, f.index)
			}
		}
		return path(p, k)
	}
	valueDone := func() {
		if len(stack) == 0 {
			return
		}
		f := &stack[len(stack)-1]
		if f.object {
			f.expectKey = true
		} else {
			f.index++
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil // io.EOF, or invalid JSON the decoder reports itself
		}
		off := dec.InputOffset() // the end of the token: the key's own line
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				stack = append(stack, frame{object: d == '{', expectKey: true})
			default:
				stack = stack[:len(stack)-1]
				valueDone()
			}
			continue
		}
		if k, ok := tok.(string); ok && len(stack) > 0 && stack[len(stack)-1].object && stack[len(stack)-1].expectKey {
			f := &stack[len(stack)-1]
			if !f.keys.add(data, k, off) {
				line, _ := lineCol(data, off)
				return &Error{File: name, Line: line, Field: fieldPath(k),
					Msg: fmt.Sprintf("key %q appears twice in one object (JSON would keep only the last one)", k)}
			}
			f.cur, f.expectKey = k, false
			continue
		}
		valueDone()
	}
}

// keySet is the set of an object's keys for checkDuplicateKeys, without a
// copy of each: a hash of each key with the end of its first occurrence
// in the document, read again only when a later key has the same hash.
// An object of 13 million keys (a FlameIQ file's custom metrics) took
// 1.8 GB as a map of strings, and takes a fifth of that.
type keySet struct {
	seed  maphash.Seed
	first map[uint64]int64 // hash → end offset of the key's quoted text
	other map[string]bool  // keys whose hash an earlier, different key has
}

// add adds key k, whose token ends at offset end of data; false when the
// object has it already.
func (ks *keySet) add(data []byte, k string, end int64) bool {
	if ks.first == nil {
		ks.seed = maphash.MakeSeed()
		ks.first = map[uint64]int64{}
	}
	h := maphash.String(ks.seed, k)
	at, seen := ks.first[h]
	if !seen {
		ks.first[h] = end
		return true
	}
	if quotedBefore(data, at) == k {
		return false
	}
	if ks.other[k] {
		return false
	}
	if ks.other == nil {
		ks.other = map[string]bool{}
	}
	ks.other[k] = true
	return true
}

// quotedBefore decodes the JSON string that ends at offset end of data
// (end is just past its closing quote, as a decoder's InputOffset after
// the token).
func quotedBefore(data []byte, end int64) string {
	i := end - 2 // the last byte inside the quotes
	for ; i >= 0; i-- {
		if data[i] != '"' {
			continue
		}
		bs := 0 // a quote after an odd number of backslashes is escaped
		for j := i - 1; j >= 0 && data[j] == '\\'; j-- {
			bs++
		}
		if bs%2 == 0 {
			break
		}
	}
	var s string
	if i < 0 || json.Unmarshal(data[i:end], &s) != nil {
		return "" // not a string there: cannot happen for a key the decoder read
	}
	return s
}
