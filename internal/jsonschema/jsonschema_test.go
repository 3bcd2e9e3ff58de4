package jsonschema

import (
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// schema wraps body (the members of the root object) into a 2020-12
// schema.
func schema(body string) string {
	if body == "" {
		return `{"$schema": "` + Draft + `"}`
	}
	return `{"$schema": "` + Draft + `", ` + body + `}`
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name, schema, doc string
		want              string // "" valid; else a substring of the error
	}{
		// type
		{"type string ok", `"type": "string"`, `"x"`, ""},
		{"type string bad", `"type": "string"`, `1`, `/: 1 is not of type string`},
		{"type null ok", `"type": "null"`, `null`, ""},
		{"type null bad", `"type": "null"`, `false`, `false is not of type null`},
		{"type boolean ok", `"type": "boolean"`, `true`, ""},
		{"type boolean bad", `"type": "boolean"`, `"true"`, `"true" is not of type boolean`},
		{"type object ok", `"type": "object"`, `{}`, ""},
		{"type object bad", `"type": "object"`, `[]`, `[] is not of type object`},
		{"type array ok", `"type": "array"`, `[]`, ""},
		{"type array bad", `"type": "array"`, `{}`, `{} is not of type array`},
		{"type number takes integers", `"type": "number"`, `4096`, ""},
		{"type number takes exponents", `"type": "number"`, `1e-9`, ""},
		{"type number bad", `"type": "number"`, `"1"`, `is not of type number`},
		{"type integer ok", `"type": "integer"`, `-3`, ""},
		{"type integer 1.0 is an integer", `"type": "integer"`, `1.0`, ""},
		{"type integer 1e2 is an integer", `"type": "integer"`, `1e2`, ""},
		{"type integer bad fraction", `"type": "integer"`, `1.5`, `1.5 is not of type integer`},
		{"type integer bad null", `"type": "integer"`, `null`, `null is not of type integer`},
		{"type array of types number", `"type": ["number", "null"]`, `0.5`, ""},
		{"type array of types null", `"type": ["number", "null"]`, `null`, ""},
		{"type array of types bad", `"type": ["number", "null"]`, `"-Inf"`, `"-Inf" is not of type number or null`},

		// properties, required, additionalProperties
		{"properties ok", `"properties": {"a": {"type": "integer"}}`, `{"a": 1}`, ""},
		{"properties checks values", `"properties": {"a": {"type": "integer"}}`, `{"a": "1"}`, `/a: "1" is not of type integer`},
		{"properties absent is fine", `"properties": {"a": {"type": "integer"}}`, `{}`, ""},
		{"properties ignore non-objects", `"properties": {"a": {"type": "integer"}}`, `[1]`, ""},
		{"required ok", `"required": ["a"]`, `{"a": null}`, ""},
		{"required missing", `"required": ["a", "b"]`, `{"a": 1}`, `/: required property "b" is missing`},
		{"additionalProperties false ok", `"properties": {"a": {}}, "additionalProperties": false`, `{"a": 1}`, ""},
		{"additionalProperties false bad", `"properties": {"a": {}}, "additionalProperties": false`, `{"a": 1, "b": 2}`, `property "b" is not allowed`},
		{"additionalProperties schema ok", `"additionalProperties": {"type": ["number", "null"]}`, `{"x": 1, "y": null}`, ""},
		{"additionalProperties schema bad", `"additionalProperties": {"type": ["number", "null"]}`, `{"x": 1, "y/z": "2"}`, `/y~1z: "2" is not of type number or null`},
		{"additionalProperties true", `"additionalProperties": true`, `{"x": 1}`, ""},

		// items, minItems, maxItems
		{"items ok", `"items": {"type": "string"}`, `["a", "b"]`, ""},
		{"items bad", `"items": {"type": "string"}`, `["a", 2]`, `/1: 2 is not of type string`},
		{"minItems ok", `"minItems": 2`, `[1, 2]`, ""},
		{"minItems bad", `"minItems": 2`, `[1]`, `1 items, fewer than 2`},
		{"maxItems ok", `"maxItems": 2`, `[1, 2]`, ""},
		{"maxItems bad", `"maxItems": 2`, `[1, 2, 3]`, `3 items, more than 2`},

		// enum, const
		{"enum ok", `"enum": ["PASS", "REGRESSION"]`, `"PASS"`, ""},
		{"enum bad", `"enum": ["PASS", "REGRESSION"]`, `"pass"`, `"pass" is not one of "PASS", "REGRESSION"`},
		{"enum numbers by value", `"enum": [0, 1]`, `1.0`, ""},
		{"enum number is not a string", `"enum": [0, 1]`, `"1"`, `is not one of`},
		{"const ok", `"const": "flameiq/1"`, `"flameiq/1"`, ""},
		{"const bad", `"const": "flameiq/1"`, `"flameiq/2"`, `"flameiq/2" is not "flameiq/1"`},
		{"const true", `"const": true`, `true`, ""},
		{"const true bad", `"const": true`, `false`, `false is not true`},
		{"const object ok", `"const": {"a": [1, null]}`, `{"a": [1.0, null]}`, ""},
		{"const object bad", `"const": {"a": [1, null]}`, `{"a": [1, 0]}`, `is not`},
		{"const array length", `"const": [1]`, `[1, 1]`, `is not`},

		// minimum, maximum
		{"minimum ok", `"minimum": 0`, `0`, ""},
		{"minimum bad", `"minimum": 0`, `-0.001`, `-0.001 is less than the minimum 0`},
		{"minimum exact", `"minimum": 0.1`, `0.1`, ""},
		{"maximum ok", `"maximum": 1`, `1`, ""},
		{"maximum bad", `"maximum": 1`, `1.0000001`, `more than the maximum 1`},
		{"minimum ignores strings", `"minimum": 0`, `"-1"`, ""},

		// minLength, pattern
		{"minLength ok", `"minLength": 2`, `"µs"`, ""},
		{"minLength counts characters", `"minLength": 3`, `"µs"`, `shorter than 3 characters`},
		{"pattern ok", `"pattern": "^[0-9a-f]{4}$"`, `"00ff"`, ""},
		{"pattern bad", `"pattern": "^[0-9a-f]{4}$"`, `"00FF"`, `does not match the pattern`},
		{"pattern is unanchored", `"pattern": "b"`, `"abc"`, ""},

		// oneOf
		{"oneOf first", `"oneOf": [{"type": "string"}, {"type": "integer"}]`, `"a"`, ""},
		{"oneOf second", `"oneOf": [{"type": "string"}, {"type": "integer"}]`, `3`, ""},
		{"oneOf none", `"oneOf": [{"type": "string"}, {"type": "integer"}]`, `null`, `matches none of oneOf`},
		{"oneOf two", `"oneOf": [{"type": "number"}, {"type": "integer"}]`, `3`, `matches oneOf [0 1], not exactly one`},

		// $ref, $defs
		{"ref ok", `"$defs": {"n": {"type": "number"}}, "items": {"$ref": "#/$defs/n"}`, `[1, 2]`, ""},
		{"ref bad", `"$defs": {"n": {"type": "number"}}, "items": {"$ref": "#/$defs/n"}`, `[1, "2"]`, `/1: "2" is not of type number`},
		{"ref with siblings", `"$defs": {"n": {"type": "number"}}, "$ref": "#/$defs/n", "minimum": 5`, `4`, `less than the minimum 5`},
		{"ref recursive", `"$defs": {"t": {"type": "array", "items": {"$ref": "#/$defs/t"}}}, "$ref": "#/$defs/t"`, `[[], [[1]]]`, `/1/0/0: 1 is not of type array`},
		{"ref escaped name", `"$defs": {"a/b": {"const": 1}}, "$ref": "#/$defs/a~1b"`, `2`, `2 is not 1`},

		// boolean schemas
		{"true schema", `"properties": {"a": true}`, `{"a": [1]}`, ""},
		{"false schema", `"properties": {"a": false}`, `{"a": 1}`, `/a: not allowed here`},

		// annotations do not constrain
		{"annotations", `"title": "t", "description": "d", "$comment": "c", "examples": [1]`, `"anything"`, ""},

		// every mismatch is reported
		{"all mismatches", `"properties": {"a": {"type": "string"}, "b": {"type": "string"}}`, `{"a": 1, "b": 2}`, "/a: 1 is not of type string\n/b: 2 is not of type string"},

		// the document must be one JSON value
		{"invalid JSON", `"type": "object"`, `{"a": }`, `invalid JSON`},
		{"empty document", `"type": "object"`, ``, `invalid JSON`},
		{"trailing data", `"type": "object"`, `{} {}`, `data after the value`},
		{"duplicate key", `"type": "object"`, `{"a": 1, "a": 2}`, `key "a" twice`},
		{"white space around", `"type": "object"`, "\n {}\n", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Compile([]byte(schema(tc.schema)))
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			err = s.Validate([]byte(tc.doc))
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("Validate(%s): %v, want valid", tc.doc, err)
			case tc.want != "" && err == nil:
				t.Errorf("Validate(%s) is valid, want an error containing %q", tc.doc, tc.want)
			case tc.want != "" && !strings.Contains(err.Error(), tc.want):
				t.Errorf("Validate(%s): %v\nwant an error containing %q", tc.doc, err, tc.want)
			}
		})
	}
}

func TestErrorListsMismatches(t *testing.T) {
	s, err := Compile([]byte(schema(`"required": ["a", "b"]`)))
	if err != nil {
		t.Fatal(err)
	}
	err = s.Validate([]byte(`{}`))
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("got %v (%T), want an *Error", err, err)
	}
	want := []string{`/: required property "a" is missing`, `/: required property "b" is missing`}
	if !reflect.DeepEqual(e.Mismatches, want) {
		t.Errorf("got %q, want %q", e.Mismatches, want)
	}
}

func TestCompileErrors(t *testing.T) {
	for _, tc := range []struct{ name, schema, want string }{
		{"not JSON", `{`, "schema: invalid JSON"},
		{"not an object", `[]`, "the root is not an object"},
		{"no $schema", `{"type": "object"}`, "$schema must be"},
		{"another draft", `{"$schema": "http://json-schema.org/draft-07/schema#"}`, "$schema must be"},
		{"unsupported keyword", schema(`"properties": {"a": {"format": "date-time"}}`), `schema /properties/a: keyword "format" is not supported`},
		{"unsupported anyOf", schema(`"anyOf": [true]`), `keyword "anyOf" is not supported`},
		{"nested $defs", schema(`"items": {"$defs": {}}`), `keyword "$defs" is not supported`},
		{"$schema below the root", schema(`"items": {"$schema": "` + Draft + `"}`), `keyword "$schema" is not supported`},
		{"unknown type", schema(`"type": "float"`), `not "float"`},
		{"empty type array", schema(`"type": []`), "a type name or a non-empty array"},
		{"type not a string", schema(`"type": 1`), "a type name"},
		{"required twice", schema(`"required": ["a", "a"]`), "distinct property names"},
		{"required not in properties", schema(`"properties": {"a": {}}, "required": ["b"], "additionalProperties": false`), `required property "b" is not in properties`},
		{"ref outside $defs", schema(`"$ref": "other.json#/x"`), `want "#/$defs/NAME"`},
		{"ref to nothing", schema(`"$defs": {"a": {}}, "$ref": "#/$defs/b"`), `$ref "#/$defs/b" names no entry of $defs`},
		{"bad pattern", schema(`"pattern": "("`), "a Go regular expression"},
		{"negative minItems", schema(`"minItems": -1`), "a non-negative integer"},
		{"fractional maxItems", schema(`"maxItems": 1.5`), "a non-negative integer"},
		{"minimum not a number", schema(`"minimum": "0"`), "want a number"},
		{"empty enum", schema(`"enum": []`), "a non-empty array"},
		{"empty oneOf", schema(`"oneOf": []`), "a non-empty array of schemas"},
		{"schema not an object", schema(`"items": 1`), "a schema is an object or a boolean"},
		{"description not a string", schema(`"description": 1`), "want a string"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Compile([]byte(tc.schema))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Compile(%s): %v, want an error containing %q", tc.schema, err, tc.want)
			}
		})
	}
}

func TestUndocumented(t *testing.T) {
	s, err := Compile([]byte(schema(`"description": "root",
		"$defs": {"d": {"description": "a def"}, "bare": {}},
		"properties": {
			"a": {"description": "documented", "properties": {"inner": {"type": "string"}}},
			"b": {"$ref": "#/$defs/d"},
			"c": {"$ref": "#/$defs/bare"},
			"e": true
		}`)))
	if err != nil {
		t.Fatal(err)
	}
	got := s.Undocumented()
	want := []string{"/$defs/bare", "/properties/a/properties/inner", "/properties/c"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Undocumented() = %q, want %q", got, want)
	}
	s, err = Compile([]byte(schema(`"properties": {"a": {"description": "x"}}`)))
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Undocumented(); !reflect.DeepEqual(got, []string{"/"}) {
		t.Errorf("an undocumented root: Undocumented() = %q, want [/]", got)
	}
}

// TestRepositorySchemas compiles every schema of docs/schema with this
// validator (so they use only the keywords it checks) and requires a
// description on every field. The list names where each is exercised with
// real documents.
func TestRepositorySchemas(t *testing.T) {
	exercised := map[string]string{
		"diff":         "report (golden files, TestDiffJSONOptionalFields)",
		"log":          "report (golden files)",
		"profile-diff": "report (golden files)",
		"show":         "report (TestShowJSONMatchesSchema)",
		"drift":        "report (TestDriftJSONMatchesSchema)",
		"bisect":       "report (TestBisectJSONMatchesSchema)",
		"review":       "report (TestReviewJSONMatchesSchema)",
		"validate":     "the main package (TestValidateJSONMatchesSchema)",
		"note-record":  "snapshot (TestEncodedRecordsMatchSchema)",
		"codequality":  "report (TestCodeQuality)",
		"size":         "report (TestSizeJSONMatchesSchema)",
	}
	files, err := filepath.Glob(filepath.Join("..", "..", "docs", "schema", "*"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range files {
		name, ok := strings.CutSuffix(filepath.Base(f), ".schema.json")
		if !ok {
			t.Errorf("%s: docs/schema holds only NAME.schema.json files", f)
			continue
		}
		seen[name] = true
		if exercised[name] == "" {
			t.Errorf("%s: no test validates documents against it (add one, and the schema here)", f)
		}
		s, err := CompileFile(f)
		if err != nil {
			t.Error(err)
			continue
		}
		if u := s.Undocumented(); len(u) > 0 {
			t.Errorf("%s: no description at %s", f, strings.Join(u, ", "))
		}
	}
	for name := range exercised {
		if !seen[name] {
			t.Errorf("docs/schema/%s.schema.json is missing", name)
		}
	}
}
