// Package ingest turns the output of benchmark tools into snapshots. Each
// supported format lives in its own file and registers a Format; Parse
// auto-detects the format unless one is named. Parsers never panic: every
// failure is an *Error naming the file and the line or field, and an input
// that reports failed benchmarks is a *FailedError (with what passed).
package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/flameiq/git-flameiq/snapshot"
)

// Error is an input data error: File, then Line (1-based, 0 if unknown) or
// Field (a JSON path such as "metrics.latency.p95"), then why.
type Error struct {
	File  string
	Line  int
	Field string
	Msg   string
}

func (e *Error) Error() string {
	// One line, whatever the input held: a key or a file name with a line
	// break or an escape sequence is shown escaped (snapshot.Printable).
	var b strings.Builder
	b.WriteString(snapshot.Printable(e.File))
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, ": %s", snapshot.Printable(e.Field))
	}
	fmt.Fprintf(&b, ": %s", snapshot.Printable(e.Msg))
	return b.String()
}

// Errors is a list of input errors from one file (validate lists them all).
type Errors []*Error

func (es Errors) Error() string {
	var parts []string
	for _, e := range es {
		parts = append(parts, e.Error())
	}
	return strings.Join(parts, "\n")
}

// Format is one input format.
type Format struct {
	Name string // as given to --format
	Doc  string // one line for `validate --help` and the README
	// Detect reports whether head (the first bytes of the input, up to
	// 64 KiB) looks like this format. name is the file name (may be "-").
	Detect func(head []byte, name string) bool
	// Parse reads the whole input. It returns *Error or Errors on bad input.
	Parse func(r io.Reader, name string) (*snapshot.Snapshot, error)
	// ParseDir, when set, parses a directory (criterion's target/criterion).
	ParseDir func(dir string) (*snapshot.Snapshot, error)
	// ParseWarmup, when set, is Parse leaving out the first warmup of the
	// run (Options.SkipWarmup); only time series have it.
	ParseWarmup func(r io.Reader, name string, warmup time.Duration) (*snapshot.Snapshot, error)
	// Priority orders detection (higher first); formats with precise
	// signatures should be tried before loose ones.
	Priority int
}

var formats []Format

func register(f Format) {
	formats = append(formats, f)
	sort.SliceStable(formats, func(i, j int) bool { return formats[i].Priority > formats[j].Priority })
}

// Formats lists the registered formats, detection order.
func Formats() []Format { return append([]Format(nil), formats...) }

func lookup(name string) (Format, bool) {
	for _, f := range formats {
		if f.Name == name {
			return f, true
		}
	}
	return Format{}, false
}

// ErrUnknownFormat is returned (wrapped) for a --format name that does not exist.
var ErrUnknownFormat = errors.New("unknown format")

// ErrNoWarmup is returned (wrapped) when Options.SkipWarmup is given for
// an input whose format is a summary of the whole run (a usage error: the
// tool's own options exclude its warm-up, see FORMATS.md).
var ErrNoWarmup = errors.New("--skip-warmup needs a time series")

// Options say how to read one input.
type Options struct {
	Format string // "" means auto-detect
	// SkipWarmup leaves out the first SkipWarmup of the run (0: nothing);
	// only formats with ParseWarmup accept it.
	SkipWarmup time.Duration
	// Lean asks for a lean snapshot (snapshot.NewLean), for a caller that
	// only counts the metrics and writes their record (validate, record
	// of one input): every JSON format and Locust's CSV files make one,
	// go test's text once its parse holds 64 MiB. A regression-JSON
	// metric takes 25 bytes in one, where a Metric took 106.
	Lean bool
	// Held is what the caller holds in memory already (Footprint of the
	// snapshot it will compare this one with): the parse stops at
	// FLAMEIQ_MAX_INPUT less Held.
	Held int64
}

// Detect returns the name of the format head looks like, or "".
func Detect(head []byte, name string) string {
	for _, f := range formats {
		if f.Detect != nil && f.Detect(head, name) {
			return f.Name
		}
	}
	return ""
}

const peekSize = 64 << 10

// Parse reads one input. format "" means auto-detect. The returned snapshot
// has Meta.Format and Meta.Source set and its metrics sorted by key.
func Parse(r io.Reader, name, format string) (*snapshot.Snapshot, error) {
	return ParseWith(r, name, Options{Format: format})
}

// ParseWith is Parse with Options.
func ParseWith(r io.Reader, name string, o Options) (*snapshot.Snapshot, error) {
	format := o.Format
	head := make([]byte, peekSize)
	n, err := io.ReadFull(r, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, &Error{File: name, Msg: err.Error()}
	}
	head = head[:n]
	if hasUTF16BOM(head) {
		rest, err := io.ReadAll(r)
		if err != nil {
			return nil, &Error{File: name, Msg: err.Error()}
		}
		text, err := decodeUTF16(append(head, rest...))
		if err != nil {
			return nil, &Error{File: name, Msg: err.Error()}
		}
		head, r = text, bytes.NewReader(nil)
		if len(head) > peekSize {
			head, r = text[:peekSize], bytes.NewReader(text[peekSize:])
		}
	}
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")) // UTF-8 byte order mark
	if (format == "" || format == "k6") && isK6Raw(head) {
		return nil, &Error{File: name, Msg: "k6 raw output (--out json, one JSON object per line) is not supported: record the end-of-test summary instead (k6 run --summary-export summary.json, or handleSummary)"}
	}
	if format == "" {
		if len(bytes.TrimSpace(head)) == 0 {
			return nil, &Error{File: name, Msg: "empty input: no benchmark results"}
		}
		format = Detect(head, name)
		if format == "" {
			if t := bytes.TrimSpace(head); len(head) < peekSize && (t[0] == '{' || t[0] == '[') {
				// JSON that matches no format: say what is wrong with it
				// when it is not even valid JSON (a truncated file).
				if _, err := decodeJSON(head, name); err != nil {
					return nil, err
				}
			}
			return nil, &Error{File: name, Msg: "unrecognised input format (use --format; known: " + strings.Join(Names(), ", ") + ")"}
		}
	}
	f, ok := lookup(format)
	if !ok || f.Parse == nil {
		return nil, fmt.Errorf("%w %q (known: %s)", ErrUnknownFormat, format, strings.Join(Names(), ", "))
	}
	in := io.MultiReader(bytes.NewReader(head), r)
	if f, ok := r.(*os.File); ok && len(head) == n { // not re-encoded from UTF-16
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			if pos, err := f.Seek(0, io.SeekCurrent); err == nil && st.Size() >= pos {
				in = sizedReader{in, int64(len(head)) + st.Size() - pos, f, pos - int64(len(head))}
			}
		}
	}
	if o.Lean || o.Held > 0 {
		in = optReader{in, o.Lean, o.Held}
	}
	var s *snapshot.Snapshot
	switch {
	case o.SkipWarmup == 0:
		s, err = f.Parse(in, name)
	case f.ParseWarmup == nil:
		return nil, fmt.Errorf("%s: %w: the %s format is a summary of the whole run; exclude the warm-up with the tool's own options (see the README, \"Input formats\"), or record Locust's _stats_history.csv", snapshot.Printable(name), ErrNoWarmup, f.Name)
	default:
		s, err = f.ParseWarmup(in, name, o.SkipWarmup)
	}
	if err != nil {
		return nil, finishFailed(err, name, f.Name)
	}
	return finish(s, name, f.Name)
}

// finishFailed finishes the snapshot of what passed inside a *FailedError
// (nil when nothing passed); other errors are returned as they are.
func finishFailed(err error, name, format string) error {
	var fe *FailedError
	if !errors.As(err, &fe) {
		return err
	}
	if fe.File == "" {
		fe.File = name
	}
	if fe.Snapshot != nil {
		names := fe.Snapshot.Meta.Failed
		if len(names) == 0 {
			for _, f := range fe.Failures {
				names = append(names, f.Name)
			}
		}
		s, ferr := finish(fe.Snapshot, name, format)
		if ferr != nil {
			s = nil
		} else {
			s.Meta.Failed = names
			s.Sanitize()
		}
		fe.Snapshot = s
	}
	return fe
}

func finish(s *snapshot.Snapshot, name, format string) (*snapshot.Snapshot, error) {
	if s == nil || s.Len() == 0 {
		return nil, &Error{File: name, Msg: "no benchmark results found"}
	}
	s.Meta.Format = format
	if s.Meta.Source == "" {
		s.Meta.Source = name
	}
	s.Sanitize()
	s.Sort()
	return s, nil
}

// ParseFileWith parses a file, a directory (formats with ParseDir) or "-"
// for stdin.
func ParseFileWith(path string, o Options) (*snapshot.Snapshot, error) {
	format := o.Format
	if path == "-" {
		return ParseWith(os.Stdin, "-", o)
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, &Error{File: path, Msg: "cannot read: " + errors.Unwrap(err).Error()}
	}
	if st.IsDir() {
		if o.SkipWarmup != 0 {
			return nil, fmt.Errorf("%s: %w: a directory is a summary of the whole run", snapshot.Printable(path), ErrNoWarmup)
		}
		for _, f := range formats {
			if f.ParseDir == nil || (format != "" && format != f.Name) {
				continue
			}
			s, err := f.ParseDir(path)
			if err != nil {
				var fe *FailedError
				if errors.As(err, &fe) {
					return nil, finishFailed(err, path, f.Name)
				}
				var ie *Error
				if format == "" && errors.As(err, &ie) && ie.File == path {
					// Not asked for: say what a directory can be.
					return nil, &Error{File: path, Msg: "is a directory: give the results files in it (a directory is read whole only as " + f.Name + " output, and " + ie.Msg + ")"}
				}
				return nil, err
			}
			return finish(s, path, f.Name)
		}
		return nil, &Error{File: path, Msg: "is a directory, and format " + format + " does not read directories"}
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, &Error{File: path, Msg: "cannot read: " + errors.Unwrap(err).Error()}
	}
	defer fh.Close()
	return ParseWith(fh, path, o)
}

// Names returns the registered format names, sorted.
func Names() []string {
	var ns []string
	for _, f := range formats {
		ns = append(ns, f.Name)
	}
	sort.Strings(ns)
	return ns
}

func hasUTF16BOM(b []byte) bool {
	return len(b) >= 2 && (b[0] == 0xff && b[1] == 0xfe || b[0] == 0xfe && b[1] == 0xff)
}

// decodeUTF16 converts UTF-16 text with a byte order mark (what PowerShell's
// `>` writes) to UTF-8.
func decodeUTF16(b []byte) ([]byte, error) {
	if len(b)%2 != 0 {
		return nil, errors.New("invalid UTF-16 input: odd number of bytes")
	}
	be := b[0] == 0xfe
	u := make([]uint16, 0, len(b)/2-1)
	for i := 2; i+1 < len(b); i += 2 {
		if be {
			u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
		} else {
			u = append(u, uint16(b[i+1])<<8|uint16(b[i]))
		}
	}
	return []byte(string(utf16.Decode(u))), nil
}

// isK6Raw recognises k6's raw JSON output (--out json): one object per line,
// {"type":"Metric",…} and {"metric":…,"type":"Point",…}.
func isK6Raw(head []byte) bool {
	line, _, _ := bytes.Cut(bytes.TrimSpace(head), []byte("\n"))
	return bytes.HasPrefix(line, []byte(`{"type":"Metric"`)) ||
		(bytes.HasPrefix(line, []byte(`{"metric":`)) && bytes.Contains(line, []byte(`"type":"Point"`)))
}
