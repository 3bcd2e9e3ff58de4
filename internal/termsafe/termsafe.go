// Package termsafe keeps text that reaches a terminal or a CI log from
// acting on it: control characters (ESC, line breaks inside a value) and
// zero-width or bidi characters are shown as escapes (snapshot.Printable),
// and no line may start with "::", which GitHub Actions reads as a
// workflow command (`::error::…`), unless git-flameiq wrote the command
// itself (report.GitHub).
package termsafe

import (
	"bytes"
	"io"
	"strings"

	"github.com/flameiq/git-flameiq/snapshot"
)

// Line makes one line of text safe: escapes, and a leading space before
// "::".
func Line(s string) string {
	s = snapshot.Printable(s)
	if strings.HasPrefix(s, "::") {
		return " " + s
	}
	return s
}

// Writer makes everything written through it safe line by line: each
// line's text goes through Line, while the line breaks themselves ("\n",
// and "\r" for a progress line redrawn in place) are kept.
type Writer struct {
	w       io.Writer
	partial []byte // a line not yet ended
}

// NewWriter wraps w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Unwrap returns the wrapped writer (to ask whether it is a terminal).
func (t *Writer) Unwrap() io.Writer { return t.w }

// Write implements io.Writer; it always reports len(p) written unless w fails.
func (t *Writer) Write(p []byte) (int, error) {
	t.partial = append(t.partial, p...)
	var out bytes.Buffer
	for {
		i := bytes.IndexAny(t.partial, "\r\n")
		if i < 0 {
			break
		}
		out.WriteString(Line(string(t.partial[:i])))
		out.WriteByte(t.partial[i])
		t.partial = t.partial[i+1:]
	}
	if out.Len() > 0 {
		if _, err := t.w.Write(out.Bytes()); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// Flush writes a last line that has no line break.
func (t *Writer) Flush() error {
	if len(t.partial) == 0 {
		return nil
	}
	_, err := io.WriteString(t.w, Line(string(t.partial)))
	t.partial = nil
	return err
}
