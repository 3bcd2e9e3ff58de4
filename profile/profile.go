package profile

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/google/pprof/profile"

	"github.com/flameiq/git-flameiq/internal/limits"
)

// Kinds of profile input.
const (
	KindPprof  = "pprof"  // pprof protobuf (profile.proto)
	KindFolded = "folded" // collapsed stacks
)

// Error is an input error: the file, the 1-based line (folded input only, 0
// when unknown) and why.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// SampleType names one value of every sample, such as cpu/nanoseconds or
// alloc_space/bytes.
type SampleType struct {
	Type string `json:"type"`
	Unit string `json:"unit"`
}

func (s SampleType) String() string { return s.Type + "/" + s.Unit }

// Profile is one parsed profile in compact form. Create it with Parse,
// FromPprof or Merge; it is immutable afterwards.
type Profile struct {
	// Kind is KindPprof or KindFolded.
	Kind string
	// SampleTypes lists the values every sample carries, in order.
	SampleTypes []SampleType
	// DefaultSampleType is the sample type a viewer shows when none is
	// chosen: the profile's own default_sample_type when set, else the last
	// sample type (as pprof does).
	DefaultSampleType string

	file string // for error messages

	names     []string // function names, dense ids
	locStart  []int32  // frames of location i: locFrames[locStart[i]:locStart[i+1]]
	locFrames []int32  // name ids, innermost frame first
	smpStart  []int32  // locations of sample i: smpLocs[smpStart[i]:smpStart[i+1]]
	smpLocs   []int32  // location indexes, leaf first
	values    []int64  // sample i, type j: values[i*len(SampleTypes)+j]

	raw  []byte           // input as given (pprof), for Bytes
	pp   *profile.Profile // full decode, when made or needed
	once sync.Once
	enc  []byte
	err  error
}

// NumSamples reports the number of samples (for folded input: distinct stacks).
func (p *Profile) NumSamples() int { return len(p.smpStart) - 1 }

// NumFunctions reports the number of distinct function names.
func (p *Profile) NumFunctions() int { return len(p.names) }

// Parse reads a pprof protobuf (gzipped or not) or folded stacks from data;
// name is the file name used in errors. Every failure is an *Error.
// data is retained (not modified) for Bytes.
func Parse(data []byte, name string) (*Profile, error) {
	if name == "" {
		name = "-"
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &Error{File: name, Msg: "empty input"}
	}
	in := data
	gzipped := len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b
	if gzipped {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, &Error{File: name, Msg: "bad gzip data: " + err.Error()}
		}
		maxRaw, err := limits.MaxInput()
		if err != nil {
			return nil, &Error{File: name, Msg: err.Error()}
		}
		raw, err := gunzipBounded(zr, maxRaw)
		if err != nil {
			if errors.Is(err, errTooLarge) {
				return nil, &Error{File: name, Msg: fmt.Sprintf("decompressed profile larger than %s (FLAMEIQ_MAX_INPUT): refused", limits.Human(maxRaw))}
			}
			return nil, &Error{File: name, Msg: "bad gzip data: " + err.Error()}
		}
		in = raw
		if len(bytes.TrimSpace(in)) == 0 {
			return nil, &Error{File: name, Msg: "empty input (after gunzip)"}
		}
	}
	if looksLikeText(in) {
		p, ferr := parseFolded(in, name)
		if ferr == nil {
			return p, nil
		}
		if isLegacyPprofText(in) {
			if pp, err := profile.ParseData(in); err == nil {
				return fromPprof(pp, name)
			}
		}
		return nil, ferr
	}
	p, err := decodePprof(in, name)
	if err != nil {
		// Legacy binary formats (old C++ CPU profiles) only google/pprof knows.
		if pp, lerr := profile.ParseData(in); lerr == nil {
			return fromPprof(pp, name)
		}
		return nil, err
	}
	p.raw = data
	return p, nil
}

var errTooLarge = errors.New("too large")

// gunzipBounded decompresses zr into memory, stopping at max bytes: the
// data is read in chunks that are only joined once its size is known to
// be within the limit, so a gzip bomb costs at most max bytes, never a
// buffer doubled past it.
func gunzipBounded(zr io.Reader, max int64) ([]byte, error) {
	const chunk = 4 << 20
	var chunks [][]byte
	var total int64
	for {
		b := make([]byte, chunk)
		n, err := io.ReadFull(zr, b)
		if n > 0 {
			total += int64(n)
			if total > max {
				return nil, errTooLarge
			}
			chunks = append(chunks, b[:n])
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if len(chunks) == 1 {
		return chunks[0], nil
	}
	out := make([]byte, 0, total)
	for i, c := range chunks {
		out = append(out, c...)
		chunks[i] = nil // each chunk can go once copied
	}
	return out, nil
}

// looksLikeText reports whether the start of b is text: no NUL and no
// control characters other than tab, CR and LF. A pprof protobuf always
// has some in its first bytes (field tags and lengths).
func looksLikeText(b []byte) bool {
	if len(b) > 8192 {
		b = b[:8192]
	}
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return false
		}
	}
	return true
}

func isLegacyPprofText(b []byte) bool {
	s := string(b[:min(len(b), 256)])
	s = strings.TrimSpace(s)
	for _, pre := range []string{"heap profile:", "heap_v2/", "--- ", "goroutine profile:",
		"threadcreate profile:", "--- contention", "--- mutex", "binary=", "Total:"} {
		if strings.HasPrefix(s, pre) {
			return true
		}
	}
	return false
}

// interner returns a function giving each distinct function name its dense
// id in p.names (sizeHint: the expected number of names).
func (p *Profile) interner(sizeHint int) func(string) int32 {
	byName := make(map[string]int32, sizeHint)
	return func(s string) int32 {
		id, ok := byName[s]
		if !ok {
			id = int32(len(p.names))
			p.names = append(p.names, s)
			byName[s] = id
		}
		return id
	}
}

func fromPprof(pp *profile.Profile, name string) (*Profile, error) {
	if len(pp.SampleType) == 0 {
		return nil, &Error{File: name, Msg: "profile has no sample types"}
	}
	p := &Profile{Kind: KindPprof, file: name, pp: pp}
	for _, st := range pp.SampleType {
		p.SampleTypes = append(p.SampleTypes, SampleType{st.Type, st.Unit})
	}
	p.DefaultSampleType = defaultType(p.SampleTypes, pp.DefaultSampleType)
	intern := p.interner(0)
	locIdx := make(map[*profile.Location]int32, len(pp.Location))
	p.locStart = make([]int32, 1, len(pp.Location)+1)
	addLoc := func(l *profile.Location) int32 {
		if i, ok := locIdx[l]; ok {
			return i
		}
		i := int32(len(p.locStart) - 1)
		locIdx[l] = i
		if len(l.Line) == 0 {
			p.locFrames = append(p.locFrames, intern(addrName(l.Address)))
		}
		for _, ln := range l.Line {
			fn := "?"
			if ln.Function != nil {
				fn = ln.Function.Name
			}
			p.locFrames = append(p.locFrames, intern(fn))
		}
		p.locStart = append(p.locStart, int32(len(p.locFrames)))
		return i
	}
	for _, l := range pp.Location {
		addLoc(l)
	}
	nt := len(p.SampleTypes)
	p.smpStart = make([]int32, 1, len(pp.Sample)+1)
	for _, s := range pp.Sample {
		if len(s.Value) != nt {
			return nil, &Error{File: name, Msg: fmt.Sprintf("sample has %d values, want %d", len(s.Value), nt)}
		}
		for _, l := range s.Location {
			p.smpLocs = append(p.smpLocs, addLoc(l))
		}
		p.smpStart = append(p.smpStart, int32(len(p.smpLocs)))
		p.values = append(p.values, s.Value...)
	}
	return p, nil
}

func addrName(a uint64) string { return "0x" + strconv.FormatUint(a, 16) }

// defaultType picks the sample type shown by default: def when it is one of
// types, else the last one (pprof's rule).
func defaultType(types []SampleType, def string) string {
	for _, t := range types {
		if t.Type == def {
			return def
		}
	}
	if len(types) == 0 {
		return ""
	}
	return types[len(types)-1].Type
}

// SampleIndex resolves a sample type — a type name such as "cpu" or
// "alloc_space", or a 0-based index as pprof's -sample_index accepts — to
// its index. "" means DefaultSampleType.
func (p *Profile) SampleIndex(sampleType string) (int, error) {
	if sampleType == "" {
		sampleType = p.DefaultSampleType
	}
	for i, t := range p.SampleTypes {
		if t.Type == sampleType {
			return i, nil
		}
	}
	if n, err := strconv.Atoi(sampleType); err == nil && n >= 0 && n < len(p.SampleTypes) {
		return n, nil
	}
	var have []string
	for _, t := range p.SampleTypes {
		have = append(have, t.Type)
	}
	return 0, fmt.Errorf("profile %s has no sample type %q (have %s)", p.file, sampleType, strings.Join(have, ", "))
}

// DefaultName derives a name to record the profile under from its sample
// types: "cpu" (cpu or samples/count with a cpu period), "heap" (Go
// -memprofile: alloc_/inuse_ objects and space; we say heap, not alloc,
// because one such profile carries both), "block" or "mutex" (both are
// contentions/delay; a profile whose leaf frames are Unlock calls is a
// mutex profile), "goroutine", "threadcreate", "wall", "folded" for folded
// stacks, else the last sample type's name.
func (p *Profile) DefaultName() string {
	if p.Kind == KindFolded {
		return "folded"
	}
	has := map[string]bool{}
	for _, t := range p.SampleTypes {
		has[t.Type] = true
	}
	switch {
	case has["cpu"]:
		return "cpu"
	case has["wall"]:
		return "wall"
	case has["inuse_space"] || has["alloc_space"] || has["inuse_objects"] || has["alloc_objects"] || has["space"]:
		return "heap"
	case has["contentions"] || has["delay"]:
		if p.leafContains("Unlock") {
			return "mutex"
		}
		return "block"
	case has["goroutine"]:
		return "goroutine"
	case has["threadcreate"]:
		return "threadcreate"
	}
	if len(p.SampleTypes) == 0 {
		return "profile"
	}
	return p.SampleTypes[len(p.SampleTypes)-1].Type
}

func (p *Profile) leafContains(s string) bool {
	for i := 0; i+1 < len(p.smpStart); i++ {
		if p.smpStart[i] == p.smpStart[i+1] {
			continue
		}
		l := p.smpLocs[p.smpStart[i]]
		for _, f := range p.locFrames[p.locStart[l]:p.locStart[l+1]] {
			if strings.Contains(p.names[f], s) {
				return true
			}
		}
	}
	return false
}

// Pprof returns the full google/pprof decode of a pprof profile, decoding
// it on first use. It must not be modified.
func (p *Profile) Pprof() (*profile.Profile, error) {
	if p.Kind != KindPprof {
		return nil, fmt.Errorf("%s: a %s profile has no pprof form", p.file, p.Kind)
	}
	p.encode()
	if p.err != nil {
		return nil, p.err
	}
	return p.pp, nil
}

// Bytes returns the bytes to store: for pprof the gzipped protobuf written
// by google/pprof's Profile.Write (after a full decode and validity check,
// which may fail with an *Error that Parse did not report); for folded
// stacks the normalised text (one line per distinct stack, sorted, counts
// summed, "\n"-terminated).
func (p *Profile) Bytes() ([]byte, error) {
	p.encode()
	return p.enc, p.err
}

func (p *Profile) encode() {
	p.once.Do(func() {
		if p.Kind == KindFolded {
			var b bytes.Buffer
			p.writeFoldedText(&b)
			p.enc = b.Bytes()
			return
		}
		if p.pp == nil {
			pp, err := profile.ParseData(p.raw)
			if err != nil {
				p.err = &Error{File: p.file, Msg: err.Error()}
				return
			}
			p.pp = pp
		}
		var b bytes.Buffer
		if err := p.pp.Write(&b); err != nil {
			p.err = &Error{File: p.file, Msg: "encoding profile: " + err.Error()}
			return
		}
		p.enc = b.Bytes()
	})
}

// Merge combines two profiles of the same kind and sample types into a new
// one, as recording the same name twice on one commit does: pprof profiles
// with google/pprof's Merge (samples with equal stacks and labels add up),
// folded stacks by adding the counts of equal stacks. a and b are not
// modified.
func Merge(a, b *Profile) (*Profile, error) {
	if a.Kind != b.Kind {
		return nil, fmt.Errorf("cannot merge a %s profile with a %s profile", a.Kind, b.Kind)
	}
	if !equalTypes(a.SampleTypes, b.SampleTypes) {
		return nil, fmt.Errorf("cannot merge profiles with different sample types (%s vs %s)",
			typesString(a.SampleTypes), typesString(b.SampleTypes))
	}
	if a.Kind == KindFolded {
		return mergeFolded(a, b)
	}
	pa, err := a.Pprof()
	if err != nil {
		return nil, err
	}
	pb, err := b.Pprof()
	if err != nil {
		return nil, err
	}
	m, err := profile.Merge([]*profile.Profile{pa, pb})
	if err != nil {
		return nil, fmt.Errorf("merging %s and %s: %v", a.file, b.file, err)
	}
	return fromPprof(m, a.file)
}

func equalTypes(a, b []SampleType) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func typesString(ts []SampleType) string {
	var s []string
	for _, t := range ts {
		s = append(s, t.String())
	}
	return strings.Join(s, ",")
}
