package profile

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// foldedTypes is the single sample type of folded stacks.
var foldedTypes = []SampleType{{Type: "samples", Unit: "count"}}

// parseFolded reads `root;caller;leaf count` lines. Equal stacks add up.
// Each distinct frame name is one location of one frame, so a sample's
// locations are its frames, leaf first.
func parseFolded(data []byte, name string) (*Profile, error) {
	type stack struct {
		frames []int32 // root first while parsing
		count  int64
	}
	p := &Profile{Kind: KindFolded, file: name, SampleTypes: foldedTypes, DefaultSampleType: "samples"}
	intern := p.interner(0)
	index := map[string]int{} // stack text → stacks index
	var stacks []stack
	line := 0
	for len(data) > 0 {
		line++
		var l []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			l, data = data[:i], data[i+1:]
		} else {
			l, data = data, nil
		}
		l = bytes.TrimRight(l, " \t\r")
		if len(bytes.TrimSpace(l)) == 0 || l[0] == '#' {
			continue
		}
		i := bytes.LastIndexAny(l, " \t")
		if i < 0 {
			return nil, &Error{File: name, Line: line, Msg: "want `frame;frame;leaf count`, found no count"}
		}
		cnt, err := strconv.ParseInt(string(l[i+1:]), 10, 64)
		if err != nil || cnt < 0 {
			return nil, &Error{File: name, Line: line, Msg: fmt.Sprintf("bad count %q: want a non-negative integer", l[i+1:])}
		}
		st := bytes.TrimRight(l[:i], " \t")
		if len(st) == 0 {
			return nil, &Error{File: name, Line: line, Msg: "empty stack"}
		}
		if j := bytes.LastIndexAny(st, " \t"); j >= 0 {
			if _, err := strconv.ParseFloat(string(st[j+1:]), 64); err == nil {
				return nil, &Error{File: name, Line: line, Msg: "two counts: differential folded input (`stack base head`) cannot be recorded"}
			}
		}
		if bytes.ContainsFunc(st, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }) {
			return nil, &Error{File: name, Line: line, Msg: "control character in stack"}
		}
		key := string(st)
		if k, ok := index[key]; ok {
			stacks[k].count += cnt
			if stacks[k].count < 0 {
				return nil, &Error{File: name, Line: line, Msg: "count overflow"}
			}
			continue
		}
		var frames []int32
		for f := range strings.SplitSeq(key, ";") {
			if f == "" {
				return nil, &Error{File: name, Line: line, Msg: "empty frame name in stack"}
			}
			frames = append(frames, intern(f))
		}
		index[key] = len(stacks)
		stacks = append(stacks, stack{frames, cnt})
	}
	if len(stacks) == 0 {
		return nil, &Error{File: name, Msg: "no stacks (want `frame;frame;leaf count` lines)"}
	}
	p.locStart = make([]int32, len(p.names)+1)
	p.locFrames = make([]int32, len(p.names))
	for i := range p.names {
		p.locFrames[i] = int32(i)
		p.locStart[i+1] = int32(i + 1)
	}
	p.smpStart = make([]int32, 1, len(stacks)+1)
	for _, s := range stacks {
		for i := len(s.frames) - 1; i >= 0; i-- {
			p.smpLocs = append(p.smpLocs, s.frames[i])
		}
		p.smpStart = append(p.smpStart, int32(len(p.smpLocs)))
		p.values = append(p.values, s.count)
	}
	return p, nil
}

// frames appends the frame names of sample s, root first, to dst.
func (p *Profile) frames(dst []int32, s int) []int32 {
	locs := p.smpLocs[p.smpStart[s]:p.smpStart[s+1]]
	for i := len(locs) - 1; i >= 0; i-- {
		fr := p.locFrames[p.locStart[locs[i]]:p.locStart[locs[i]+1]]
		for j := len(fr) - 1; j >= 0; j-- {
			dst = append(dst, fr[j])
		}
	}
	return dst
}

// foldedName makes a frame name safe for the folded format, where ';'
// separates frames and a line ends the stack.
func foldedName(s string) string {
	if !strings.ContainsAny(s, ";\n\r") {
		return s
	}
	return strings.NewReplacer(";", ":", "\n", " ", "\r", " ").Replace(s)
}

// stackText renders root-first frames as a folded stack.
func (p *Profile) stackText(b *strings.Builder, frames []int32) {
	for i, f := range frames {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(foldedName(p.names[f]))
	}
}

// stackCounts sums sample values of type idx per folded stack text.
// Zero-valued stacks are kept only when keepZero is set.
func (p *Profile) stackCounts(idx int, keepZero bool) map[string]int64 {
	nt := len(p.SampleTypes)
	out := make(map[string]int64)
	var fr []int32
	var b strings.Builder
	for s := 0; s+1 < len(p.smpStart); s++ {
		v := p.values[s*nt+idx]
		if v == 0 && !keepZero {
			continue
		}
		fr = p.frames(fr[:0], s)
		if len(fr) == 0 {
			continue
		}
		b.Reset()
		p.stackText(&b, fr)
		out[b.String()] += v
	}
	return out
}

func (p *Profile) writeFoldedText(w io.Writer) {
	counts := p.stackCounts(0, true)
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "%s %d\n", k, counts[k])
	}
}

func mergeFolded(a, b *Profile) (*Profile, error) {
	var buf bytes.Buffer
	a.writeFoldedText(&buf)
	b.writeFoldedText(&buf)
	return parseFolded(buf.Bytes(), a.file)
}

// WriteFolded writes the differential folded form of the whole profiles
// behind r (not only r.Functions): one `root;…;leaf base head` line per
// distinct stack, raw values of r's sample type, sorted by stack — the
// input flamegraph.pl draws as a differential flame graph. ';' in frame
// names becomes ':' and line breaks become spaces.
func WriteFolded(w io.Writer, r *DiffResult) error {
	if r.base == nil || r.head == nil {
		return fmt.Errorf("profile: WriteFolded needs a DiffResult made by Diff")
	}
	bc := r.base.stackCounts(r.baseIdx, false)
	hc := r.head.stackCounts(r.headIdx, false)
	keys := make([]string, 0, len(bc)+len(hc))
	for k := range bc {
		keys = append(keys, k)
	}
	for k := range hc {
		if _, ok := bc[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	bw := bufio.NewWriter(w)
	var b strings.Builder
	for _, k := range keys {
		b.Reset()
		b.WriteString(k)
		b.WriteByte(' ')
		b.WriteString(strconv.FormatInt(bc[k], 10))
		b.WriteByte(' ')
		b.WriteString(strconv.FormatInt(hc[k], 10))
		b.WriteByte('\n')
		bw.WriteString(b.String())
	}
	return bw.Flush()
}
