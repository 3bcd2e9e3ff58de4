// Package jsonschema validates JSON documents against the subset of JSON
// Schema (draft 2020-12) that the schemas in docs/schema use. It is test
// support: the report and snapshot tests check every golden JSON file and
// every note line against those schemas, so an output and its documented
// shape cannot drift apart. Only tests import it.
//
// Supported keywords:
//
//   - type: a name or an array of names among null, boolean, object,
//     array, number, integer and string ("integer" is a number without a
//     fractional part, 1.0 included; "number" includes integers);
//   - properties, required, additionalProperties (false, true or a schema
//     for the values of the properties not listed);
//   - items (one schema for every element), minItems, maxItems;
//   - enum, const (numbers compare by value: 1 equals 1.0);
//   - minimum, maximum (inclusive), minLength (in characters), pattern (a Go
//     regular expression, unanchored as the standard says);
//   - oneOf (exactly one subschema matches);
//   - $ref to "#/$defs/NAME", and $defs at the root;
//   - annotations, which do not constrain: $schema (the 2020-12 URI, at the
//     root only), $comment, title, description, examples.
//
// Boolean schemas (true, false) are accepted anywhere a schema is. Any
// other keyword is an error of Compile, so a schema never carries a
// constraint that nothing checks.
package jsonschema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Draft is the $schema URI a root schema must name.
const Draft = "https://json-schema.org/draft/2020-12/schema"

// Schema is a compiled schema.
type Schema struct {
	root *node
	defs map[string]*node
	// nodes are every compiled node, for Undocumented.
	nodes []*node
}

// node is one compiled (sub)schema.
type node struct {
	at string // JSON Pointer of the node in the schema document

	boolean *bool // a boolean schema: true accepts anything, false nothing

	types       []string
	properties  map[string]*node
	required    []string
	additional  *node // nil: any additional property
	items       *node
	minItems    int // -1: none
	maxItems    int
	minLength   int
	enum        []any
	constant    any
	hasConst    bool
	minimum     *big.Rat
	maximum     *big.Rat
	pattern     *regexp.Regexp
	oneOf       []*node
	ref         string
	target      *node // ref's target, set after compiling
	description string
}

var typeNames = []string{"null", "boolean", "object", "array", "number", "integer", "string"}

var annotations = map[string]bool{"$comment": true, "title": true, "description": true, "examples": true}

// CompileFile compiles the schema in the file at path.
func CompileFile(path string) (*Schema, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s, err := Compile(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	return s, nil
}

// Compile compiles a schema document. It fails on invalid JSON, on a
// keyword outside the supported subset, on a malformed keyword value and
// on a $ref that names no $defs entry.
func Compile(data []byte) (*Schema, error) {
	v, err := decode(data)
	if err != nil {
		return nil, fmt.Errorf("schema: %v", err)
	}
	s := &Schema{defs: map[string]*node{}}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, errors.New("schema: the root is not an object")
	}
	if d, ok := obj["$schema"]; !ok || d != Draft {
		return nil, fmt.Errorf("schema: $schema must be %q", Draft)
	}
	if defs, ok := obj["$defs"]; ok {
		m, ok := defs.(map[string]any)
		if !ok {
			return nil, errors.New("schema: /$defs is not an object")
		}
		for _, name := range sortedKeys(m) {
			n, err := s.compile(m[name], "/$defs/"+escape(name))
			if err != nil {
				return nil, err
			}
			s.defs[name] = n
		}
	}
	root := make(map[string]any, len(obj))
	for k, v := range obj {
		if k != "$schema" && k != "$defs" {
			root[k] = v
		}
	}
	if s.root, err = s.compile(root, ""); err != nil {
		return nil, err
	}
	for _, n := range s.nodes {
		if n.ref == "" {
			continue
		}
		name, ok := strings.CutPrefix(n.ref, "#/$defs/")
		if n.target = s.defs[unescape(name)]; !ok || n.target == nil {
			return nil, fmt.Errorf("schema %s: $ref %q names no entry of $defs", pointer(n.at), n.ref)
		}
	}
	return s, nil
}

func (s *Schema) compile(v any, at string) (*node, error) {
	n := &node{at: at, minItems: -1, maxItems: -1, minLength: -1}
	s.nodes = append(s.nodes, n)
	if b, ok := v.(bool); ok {
		n.boolean = &b
		return n, nil
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("schema %s: a schema is an object or a boolean, not %s", pointer(at), kind(v))
	}
	bad := func(kw, want string) error {
		return fmt.Errorf("schema %s/%s: want %s", pointer(at), kw, want)
	}
	for _, kw := range sortedKeys(obj) {
		val := obj[kw]
		var err error
		switch kw {
		case "type":
			switch t := val.(type) {
			case string:
				n.types = []string{t}
			case []any:
				for _, e := range t {
					name, ok := e.(string)
					if !ok {
						return nil, bad(kw, "type names")
					}
					n.types = append(n.types, name)
				}
			}
			if len(n.types) == 0 {
				return nil, bad(kw, "a type name or a non-empty array of them")
			}
			for _, t := range n.types {
				if !slices.Contains(typeNames, t) {
					return nil, bad(kw, "one of "+strings.Join(typeNames, ", ")+", not "+strconv.Quote(t))
				}
			}
		case "properties":
			m, ok := val.(map[string]any)
			if !ok {
				return nil, bad(kw, "an object")
			}
			n.properties = map[string]*node{}
			for _, name := range sortedKeys(m) {
				if n.properties[name], err = s.compile(m[name], at+"/properties/"+escape(name)); err != nil {
					return nil, err
				}
			}
		case "required":
			a, ok := val.([]any)
			if !ok {
				return nil, bad(kw, "an array of property names")
			}
			for _, e := range a {
				name, ok := e.(string)
				if !ok || slices.Contains(n.required, name) {
					return nil, bad(kw, "distinct property names")
				}
				n.required = append(n.required, name)
			}
		case "additionalProperties":
			if n.additional, err = s.compile(val, at+"/"+kw); err != nil {
				return nil, err
			}
		case "items":
			if n.items, err = s.compile(val, at+"/"+kw); err != nil {
				return nil, err
			}
		case "minItems", "maxItems", "minLength":
			i, ok := count(val)
			if !ok {
				return nil, bad(kw, "a non-negative integer")
			}
			switch kw {
			case "minItems":
				n.minItems = i
			case "maxItems":
				n.maxItems = i
			default:
				n.minLength = i
			}
		case "enum":
			a, ok := val.([]any)
			if !ok || len(a) == 0 {
				return nil, bad(kw, "a non-empty array")
			}
			n.enum = a
		case "const":
			n.constant, n.hasConst = val, true
		case "minimum", "maximum":
			num, ok := val.(json.Number)
			if !ok {
				return nil, bad(kw, "a number")
			}
			r, _ := new(big.Rat).SetString(num.String())
			if kw == "minimum" {
				n.minimum = r
			} else {
				n.maximum = r
			}
		case "pattern":
			p, ok := val.(string)
			if !ok {
				return nil, bad(kw, "a string")
			}
			if n.pattern, err = regexp.Compile(p); err != nil {
				return nil, bad(kw, "a Go regular expression: "+err.Error())
			}
		case "oneOf":
			a, ok := val.([]any)
			if !ok || len(a) == 0 {
				return nil, bad(kw, "a non-empty array of schemas")
			}
			for i, e := range a {
				sub, err := s.compile(e, fmt.Sprintf("%s/%s/%d", at, kw, i))
				if err != nil {
					return nil, err
				}
				n.oneOf = append(n.oneOf, sub)
			}
		case "$ref":
			r, ok := val.(string)
			if !ok || !strings.HasPrefix(r, "#/$defs/") {
				return nil, bad(kw, `"#/$defs/NAME"`)
			}
			n.ref = r
		case "description":
			d, ok := val.(string)
			if !ok {
				return nil, bad(kw, "a string")
			}
			n.description = d
		default:
			if !annotations[kw] {
				return nil, fmt.Errorf("schema %s: keyword %q is not supported by this validator", pointer(at), kw)
			}
		}
	}
	if n.additional != nil && n.additional.boolean != nil && !*n.additional.boolean {
		// With additionalProperties false a required property that is not
		// listed could never be present: the schema would accept nothing.
		for _, name := range n.required {
			if _, ok := n.properties[name]; !ok {
				return nil, fmt.Errorf("schema %s: required property %q is not in properties, and additionalProperties is false", pointer(at), name)
			}
		}
	}
	return n, nil
}

// Undocumented lists the JSON Pointers (in the schema) of the root, of the
// $defs entries and of the properties that have no description, sorted.
// A property whose schema is only a $ref may rely on its target's.
func (s *Schema) Undocumented() []string {
	var out []string
	check := func(n *node) {
		if n.description != "" || n.boolean != nil {
			return
		}
		if n.ref != "" && n.target.description != "" {
			return
		}
		out = append(out, pointer(n.at))
	}
	check(s.root)
	for _, d := range s.defs {
		check(d)
	}
	for _, n := range s.nodes {
		for _, p := range n.properties {
			check(p)
		}
	}
	sort.Strings(out)
	return out
}

// Error lists every mismatch of a document, one per line: the JSON Pointer
// of the value in the document, then what is wrong.
type Error struct {
	Mismatches []string
}

func (e *Error) Error() string { return strings.Join(e.Mismatches, "\n") }

// Validate checks that data is one JSON value (surrounding white space
// allowed) that the schema accepts. A mismatch is an *Error listing all of
// them.
func (s *Schema) Validate(data []byte) error {
	v, err := decode(data)
	if err != nil {
		return err
	}
	var errs []string
	s.validate(s.root, v, "", &errs)
	if len(errs) > 0 {
		return &Error{Mismatches: errs}
	}
	return nil
}

func (s *Schema) validate(n *node, v any, at string, errs *[]string) {
	fail := func(format string, args ...any) {
		*errs = append(*errs, pointer(at)+": "+fmt.Sprintf(format, args...))
	}
	if n.boolean != nil {
		if !*n.boolean {
			fail("not allowed here (schema %s is false)", pointer(n.at))
		}
		return
	}
	if n.target != nil {
		s.validate(n.target, v, at, errs)
	}
	if len(n.types) > 0 && !slices.ContainsFunc(n.types, func(t string) bool { return isType(v, t) }) {
		fail("%s is not of type %s", describe(v), strings.Join(n.types, " or "))
		return // the other keywords would only repeat it
	}
	if n.hasConst && !equal(v, n.constant) {
		fail("%s is not %s", describe(v), describe(n.constant))
	}
	if n.enum != nil && !slices.ContainsFunc(n.enum, func(e any) bool { return equal(v, e) }) {
		var names []string
		for _, e := range n.enum {
			names = append(names, describe(e))
		}
		fail("%s is not one of %s", describe(v), strings.Join(names, ", "))
	}
	if len(n.oneOf) > 0 {
		var matched []int
		var why []string
		for i, sub := range n.oneOf {
			var subErrs []string
			s.validate(sub, v, at, &subErrs)
			if len(subErrs) == 0 {
				matched = append(matched, i)
			} else {
				why = append(why, fmt.Sprintf("[%d] %s", i, strings.Join(subErrs, "; ")))
			}
		}
		switch len(matched) {
		case 0:
			fail("matches none of oneOf: %s", strings.Join(why, " | "))
		case 1:
		default:
			fail("matches oneOf %v, not exactly one", matched)
		}
	}
	switch v := v.(type) {
	case json.Number:
		r, _ := new(big.Rat).SetString(v.String())
		if n.minimum != nil && r.Cmp(n.minimum) < 0 {
			fail("%s is less than the minimum %s", v, n.minimum.RatString())
		}
		if n.maximum != nil && r.Cmp(n.maximum) > 0 {
			fail("%s is more than the maximum %s", v, n.maximum.RatString())
		}
	case string:
		if n.minLength >= 0 && utf8.RuneCountInString(v) < n.minLength {
			fail("%s is shorter than %d characters", describe(v), n.minLength)
		}
		if n.pattern != nil && !n.pattern.MatchString(v) {
			fail("%s does not match the pattern %s", describe(v), n.pattern)
		}
	case []any:
		if n.minItems >= 0 && len(v) < n.minItems {
			fail("%d items, fewer than %d", len(v), n.minItems)
		}
		if n.maxItems >= 0 && len(v) > n.maxItems {
			fail("%d items, more than %d", len(v), n.maxItems)
		}
		if n.items != nil {
			for i, e := range v {
				s.validate(n.items, e, at+"/"+strconv.Itoa(i), errs)
			}
		}
	case map[string]any:
		for _, name := range n.required {
			if _, ok := v[name]; !ok {
				fail("required property %q is missing", name)
			}
		}
		for _, name := range sortedKeys(v) {
			if p, ok := n.properties[name]; ok {
				s.validate(p, v[name], at+"/"+escape(name), errs)
			} else if n.additional != nil {
				if b := n.additional.boolean; b != nil && !*b {
					fail("property %q is not allowed (additionalProperties is false)", name)
					continue
				}
				s.validate(n.additional, v[name], at+"/"+escape(name), errs)
			}
		}
	}
}

// decode reads one JSON value, numbers as json.Number, and rejects
// anything after it and duplicate object keys.
func decode(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := value(dec)
	if err != nil {
		return nil, fmt.Errorf("invalid JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("invalid JSON: data after the value")
	}
	return v, nil
}

// value reads one value token by token, so that a key given twice (which
// encoding/json would silently collapse) is an error.
func value(dec *json.Decoder) (any, error) {
	t, err := dec.Token()
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	switch t {
	case json.Delim('{'):
		obj := map[string]any{}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return nil, err
			}
			key := k.(string) // the decoder allows only strings here
			if _, dup := obj[key]; dup {
				return nil, fmt.Errorf("key %q twice in one object", key)
			}
			if obj[key], err = value(dec); err != nil {
				return nil, err
			}
		}
		_, err := dec.Token() // '}'
		return obj, err
	case json.Delim('['):
		arr := []any{}
		for dec.More() {
			e, err := value(dec)
			if err != nil {
				return nil, err
			}
			arr = append(arr, e)
		}
		_, err := dec.Token() // ']'
		return arr, err
	}
	return t, nil
}

func isType(v any, t string) bool {
	switch v := v.(type) {
	case nil:
		return t == "null"
	case bool:
		return t == "boolean"
	case string:
		return t == "string"
	case []any:
		return t == "array"
	case map[string]any:
		return t == "object"
	case json.Number:
		if t == "number" {
			return true
		}
		r, _ := new(big.Rat).SetString(v.String())
		return t == "integer" && r.IsInt()
	}
	return false
}

// equal is JSON equality: numbers by value, objects by keys and values,
// arrays element by element.
func equal(a, b any) bool {
	switch a := a.(type) {
	case json.Number:
		b, ok := b.(json.Number)
		if !ok {
			return false
		}
		ra, _ := new(big.Rat).SetString(a.String())
		rb, _ := new(big.Rat).SetString(b.String())
		return ra.Cmp(rb) == 0
	case []any:
		b, ok := b.([]any)
		return ok && slices.EqualFunc(a, b, equal)
	case map[string]any:
		b, ok := b.(map[string]any)
		if !ok || len(a) != len(b) {
			return false
		}
		for k, v := range a {
			w, ok := b[k]
			if !ok || !equal(v, w) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

// describe is a short JSON rendering of v for messages.
func describe(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 60 {
		return kind(v)
	}
	return string(b)
}

func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

func count(v any) (int, bool) {
	num, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	i, err := strconv.Atoi(num.String())
	return i, err == nil && i >= 0
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// escape and unescape a JSON Pointer reference token (RFC 6901).
func escape(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

func unescape(s string) string {
	return strings.NewReplacer("~1", "/", "~0", "~").Replace(s)
}

// pointer shows a JSON Pointer; the root's is empty, shown as "/".
func pointer(p string) string {
	if p == "" {
		return "/"
	}
	return p
}
