package gitstore

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
)

// Signature is an author or committer line.
type Signature struct {
	Name  string
	Email string
	When  time.Time
}

// Commit is a decoded commit object.
type Commit struct {
	Parents   []Hash
	Author    Signature
	Committer Signature
	Message   string
	Hash      Hash
	Tree      Hash
	// parent0 holds the first parent (Parents[0] points here), in the
	// same allocation. The object names come last: a Hash is 33 bytes,
	// and packed after the 8-byte-aligned fields the three fit the 256-byte
	// size class (a walk over 100k commits holds 100k of these).
	parent0 [1]Hash
}

// Subject returns the first line of the message.
func (c *Commit) Subject() string {
	s, _, _ := strings.Cut(c.Message, "\n")
	return s
}

func parseCommit(h Hash, data []byte) (*Commit, error) {
	// One allocation holds the commit and room for its first parent, and
	// one string the whole object, which the message and the signatures'
	// names share: a history walk parses thousands of commits.
	c := &Commit{Hash: h}
	c.Parents = c.parent0[:0]
	rest := string(data)
	for len(rest) > 0 {
		line, after, _ := strings.Cut(rest, "\n")
		rest = after
		if len(line) == 0 {
			c.Message = rest
			break
		}
		if line[0] == ' ' {
			continue // continuation of a multi-line header (gpgsig, mergetag)
		}
		k, v, _ := strings.Cut(line, " ")
		switch k {
		case "tree":
			t, err := ParseHash(v)
			if err != nil {
				return nil, fmt.Errorf("commit %s: bad tree", h)
			}
			c.Tree = t
		case "parent":
			p, err := ParseHash(v)
			if err != nil {
				return nil, fmt.Errorf("commit %s: bad parent", h)
			}
			c.Parents = append(c.Parents, p)
		case "author":
			c.Author = parseSignature(v)
		case "committer":
			c.Committer = parseSignature(v)
		}
	}
	if c.Tree.IsZero() {
		return nil, fmt.Errorf("commit %s: no tree", h)
	}
	if len(c.Parents) == 0 {
		c.Parents = nil
	}
	return c, nil
}

// parseSignature parses "Name <email> 1700000000 +0100".
func parseSignature(s string) Signature {
	var sig Signature
	lt, gt := strings.IndexByte(s, '<'), strings.LastIndexByte(s, '>')
	if lt < 0 || gt < lt {
		sig.Name = s
		return sig
	}
	sig.Name = strings.TrimSpace(s[:lt])
	sig.Email = s[lt+1 : gt]
	secs, rest := field(s[gt+1:])
	if secs != "" {
		sec, _ := strconv.ParseInt(secs, 10, 64)
		loc := time.UTC
		if tz, _ := field(rest); len(tz) == 5 {
			hh, _ := strconv.Atoi(tz[1:3])
			mm, _ := strconv.Atoi(tz[3:5])
			off := hh*3600 + mm*60
			if tz[0] == '-' {
				off = -off
			}
			loc = zone(tz, off)
		}
		sig.When = time.Unix(sec, 0).In(loc)
	}
	return sig
}

// field returns the first white-space-separated field of s and what
// follows it (strings.Fields without the slice).
func field(s string) (f, rest string) {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i:]
}

// zones caches the few time zones a history uses: a FixedZone per commit
// read was a tenth of a long first-parent walk.
var zones sync.Map // "+0100" -> *time.Location

func zone(name string, off int) *time.Location {
	if l, ok := zones.Load(name); ok {
		return l.(*time.Location)
	}
	l := time.FixedZone(name, off)
	zones.Store(name, l)
	return l
}

func (s Signature) encode() string {
	_, off := s.When.Zone()
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("%s <%s> %d %c%02d%02d", s.Name, s.Email, s.When.Unix(), sign, off/3600, off%3600/60)
}

func encodeCommit(tree Hash, parents []Hash, author, committer Signature, msg string) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "tree %s\n", tree)
	for _, p := range parents {
		fmt.Fprintf(&b, "parent %s\n", p)
	}
	fmt.Fprintf(&b, "author %s\ncommitter %s\n\n%s", author.encode(), committer.encode(), msg)
	return b.Bytes()
}

// treeEntry is one entry of a tree object.
type treeEntry struct {
	mode uint32
	name string
	hash Hash
}

const (
	modeTree = 0o40000
	modeBlob = 0o100644
)

func (e treeEntry) isTree() bool { return e.mode&0o170000 == 0o40000 }

// parseTree decodes a tree whose entries hold object names of hl bytes
// (20 for SHA-1, 32 for SHA-256).
func parseTree(data []byte, hl int) ([]treeEntry, error) {
	var out []treeEntry
	for len(data) > 0 {
		sp := bytes.IndexByte(data, ' ')
		if sp < 0 {
			return nil, errors.New("bad tree entry")
		}
		mode, err := strconv.ParseUint(string(data[:sp]), 8, 32)
		if err != nil {
			return nil, errors.New("bad tree entry mode")
		}
		data = data[sp+1:]
		nul := bytes.IndexByte(data, 0)
		if nul < 0 || len(data) < nul+1+hl {
			return nil, errors.New("truncated tree entry")
		}
		e := treeEntry{mode: uint32(mode), name: string(data[:nul]), hash: hashFromRaw(data[nul+1 : nul+1+hl])}
		out = append(out, e)
		data = data[nul+1+hl:]
	}
	return out, nil
}

// encodeTree writes entries in the given order (callers keep git's order).
func encodeTree(entries []treeEntry) []byte {
	var b bytes.Buffer
	for i := range entries {
		e := &entries[i]
		b.WriteString(strconv.FormatUint(uint64(e.mode), 8))
		b.WriteByte(' ')
		b.WriteString(e.name)
		b.WriteByte(0)
		b.Write(e.hash.raw())
	}
	return b.Bytes()
}

// peel follows annotated tags to the object they point at.
func (r *Repo) peel(h Hash) (Hash, objType, error) {
	for i := 0; i < 32; i++ {
		t, data, err := r.odb.read(h)
		if err != nil {
			return h, 0, err
		}
		if t != objTag {
			return h, t, nil
		}
		line, _, _ := bytes.Cut(data, []byte{'\n'})
		v, ok := bytes.CutPrefix(line, []byte("object "))
		if !ok {
			return h, 0, fmt.Errorf("tag %s: no object", h)
		}
		if h, err = ParseHash(string(v)); err != nil {
			return h, 0, fmt.Errorf("tag %s: bad object", h)
		}
	}
	return h, 0, errors.New("tag chain too long")
}
