package profile

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// RecordSchema tags every profile note line.
const RecordSchema = "flameiq-profile/1"

// Record is one stored profile: one line of a note under the profile notes
// ref. Data is the profile's canonical bytes (Bytes), gzipped for folded
// stacks (pprof bytes are gzipped already), then base64 in the JSON line —
// so a profile note is text that git notes merge as a union of lines, and
// the profile is reachable from the notes tree (it survives git gc).
type Record struct {
	ID          string       `json:"id"`
	Kind        string       `json:"kind"`
	Metric      string       `json:"metric,omitempty"` // the linked time-per-op metric key
	Name        string       `json:"name"`
	SampleTypes []SampleType `json:"sample_types"`
	Schema      string       `json:"schema"`
	Size        int          `json:"size"` // bytes of the decoded, uncompressed-as-stored profile
	Data        string       `json:"data"`
}

// EncodeRecord returns the one-line JSON record (no newline) of p under name.
func EncodeRecord(id, name, metric string, p *Profile) ([]byte, error) {
	raw, err := p.Bytes()
	if err != nil {
		return nil, err
	}
	stored := raw
	if p.Kind == KindFolded {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		zw.Write(raw)
		zw.Close()
		stored = b.Bytes()
	}
	r := Record{ID: id, Kind: p.Kind, Metric: metric, Name: name, SampleTypes: p.SampleTypes, Schema: RecordSchema,
		Size: len(raw), Data: base64.StdEncoding.EncodeToString(stored)}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// DecodeNote decodes the records of a profile note. Bad lines are returned
// as errors and skipped.
func DecodeNote(note []byte) (recs []Record, errs []error) {
	sc := bufio.NewScanner(bytes.NewReader(note))
	sc.Buffer(make([]byte, 0, 1<<20), 1<<30)
	n := 0
	for sc.Scan() {
		n++
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		r, err := decodeRecord(line)
		if err != nil || r.Schema != RecordSchema || r.Name == "" {
			errs = append(errs, fmt.Errorf("line %d: not a flameiq profile record", n))
			continue
		}
		recs = append(recs, r)
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, err)
	}
	return recs, errs
}

// decodeRecord decodes one line. Profiles are megabytes of base64, which
// encoding/json would scan byte by byte; base64 has no characters JSON
// escapes, so the payload is cut out of the line directly and only the
// small rest goes through encoding/json.
func decodeRecord(line []byte) (Record, error) {
	var r Record
	const key = `"data":"`
	if i := bytes.Index(line, []byte(key)); i >= 0 {
		start := i + len(key)
		if n := bytes.IndexByte(line[start:], '"'); n >= 0 {
			data := line[start : start+n]
			rest := make([]byte, 0, len(line)-n)
			rest = append(append(append(rest, line[:i]...), `"data":""`...), line[start+n+1:]...)
			if err := json.Unmarshal(rest, &r); err != nil {
				return r, err
			}
			r.Data = string(data)
			return r, nil
		}
	}
	err := json.Unmarshal(line, &r)
	return r, err
}

// Load decodes and parses the stored profile of a record.
func (r Record) Load() (*Profile, error) {
	data, err := base64.StdEncoding.DecodeString(r.Data)
	if err != nil {
		return nil, &Error{File: r.Name, Msg: "stored profile is not base64: " + err.Error()}
	}
	if r.Kind == KindFolded {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, &Error{File: r.Name, Msg: "stored profile: " + err.Error()}
		}
		data, err = io.ReadAll(zr)
		if err != nil {
			return nil, &Error{File: r.Name, Msg: "stored profile: " + err.Error()}
		}
	}
	return Parse(data, r.Name)
}

// Names lists the distinct profile names of recs, sorted.
func Names(recs []Record) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range recs {
		if !seen[r.Name] {
			seen[r.Name] = true
			out = append(out, r.Name)
		}
	}
	sort.Strings(out)
	return out
}

// LoadMerged parses every record named name and merges them (pprof merge
// semantics; folded counts add). It returns the linked metric of the newest
// record that names one.
func LoadMerged(recs []Record, name string) (*Profile, string, error) {
	var out *Profile
	metric := ""
	for _, r := range recs {
		if r.Name != name {
			continue
		}
		p, err := r.Load()
		if err != nil {
			return nil, "", err
		}
		if r.Metric != "" {
			metric = r.Metric
		}
		if out == nil {
			out = p
			continue
		}
		if out, err = Merge(out, p); err != nil {
			return nil, "", err
		}
	}
	return out, metric, nil
}

// SampleTypeList formats sample types for display: "cpu/nanoseconds, …".
func SampleTypeList(sts []SampleType) string {
	var parts []string
	for _, s := range sts {
		parts = append(parts, s.String())
	}
	return strings.Join(parts, ", ")
}
