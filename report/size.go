package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Size is what one notes ref holds (git flameiq size).
type Size struct {
	Ref     string     `json:"ref"`
	Notes   int        `json:"notes"`         // commits with a note
	Records int        `json:"records"`       // note lines
	Bytes   int64      `json:"bytes"`         // the note blobs, as git cat-file -s counts them
	Commits int        `json:"notes_commits"` // the notes history's length (1 after gc)
	Pruned  int        `json:"pruned_commits"`
	Largest []SizeNote `json:"largest"` // largest first
}

// SizeNote is one commit's note.
type SizeNote struct {
	Commit  string `json:"commit"`
	Bytes   int64  `json:"bytes"`
	Records int    `json:"records"`
}

// SizeJSON writes the refs as an indented JSON array;
// docs/schema/size.schema.json describes every field.
func SizeJSON(w io.Writer, refs []Size) error {
	for i := range refs {
		if refs[i].Largest == nil {
			refs[i].Largest = []SizeNote{}
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(refs)
}

// SizeText writes one line per ref, then its largest notes.
func SizeText(w io.Writer, refs []Size) error {
	var b strings.Builder
	for _, s := range refs {
		fmt.Fprintf(&b, "%s: %s, %s, %d bytes; notes history: %s; pruned by gc: %s\n", s.Ref,
			plural(s.Notes, "note", "notes"), plural(s.Records, "record", "records"), s.Bytes, plural(s.Commits, "commit", "commits"), plural(s.Pruned, "commit", "commits"))
		for _, n := range s.Largest {
			fmt.Fprintf(&b, "  %s %8d bytes %6s\n", n.Commit, n.Bytes, plural(n.Records, "record", "records"))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
