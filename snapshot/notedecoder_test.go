package snapshot

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// noteDecoderLines are notes that repeat metrics, change them, and damage
// a metric that an earlier note held intact (the damaged bytes must be
// read, and refused, not passed over as checked).
func noteDecoderLines() [][]string {
	m := func(key, samples string) string {
		return fmt.Sprintf(`%q:{"direction":"lower_is_better","samples":[%s],"unit":"B/op"}`, key, samples)
	}
	rec := func(id string, metrics ...string) string {
		return fmt.Sprintf(`{"id":%q,"meta":{"suite":"s"},"metrics":{%s},"schema":"flameiq/1"}`, id, strings.Join(metrics, ","))
	}
	same := []string{m("A:sec/op", "1,2"), m("B:x", "3,4"), m("C:x", "5"), m("D:x", "6,7")}
	return [][]string{
		{rec("1", same...)},
		{rec("2", same...), rec("3", same...)}, // repeated: B, C, D passed over
		{rec("4", m("A:sec/op", "9"), m("B:x", "3,4"), m("C:x", "55"), m("D:x", "6,7"))},
		{rec("5", m("A:sec/op", "1"), m("B:x", "3,4"), m("C:x", "5"), `"D:x":{"direction":"lower_is_better","samples":[6,7x],"unit":"B/op"}`)},
		{rec("6", m("A:sec/op", "1"), m("B:x", "3,4"), m("C:x", "5"), `"D:x":{"direction":"sideways","samples":[6,7],"unit":"B/op"}`)},
		{rec("7", m("A:sec/op", "1"), m("B:x", "3,4"), m("B:x", "3,4"), m("D:x", "6,7"))}, // B twice
		{rec("8", m("A:sec/op", "1"), m("B:x", "3,4"), `"C:x":{"direction":"lower_is_better","samples":[5],"unit":"B/op","unit":"x"}`)},
		{rec("9", m("A:sec/op", "1"), m("C:x", "5"), m("B:x", "3,4"))}, // another order
		{rec("10", m("A:sec/op", "1"), m("B:x", "3,4"), `"C:x" : {"direction":"lower_is_better","samples":[5],"unit":"B/op"}`)},
		{rec("11", m("A:sec/op", "1"), `"B:x":{"direction":"lower_is_better","samples":[3,4],"unit":"B}op"}`)},
		{rec("12", m("A:sec/op", "1"), `"B:x":{"direction":"lower_is_better","samples":[3,4],"unit":"B}op"}`)},
		{`not json`, rec("13", same...)},
	}
}

// TestNoteDecoderLikeDecodeNote: a NoteDecoder, note after note, gives
// exactly what DecodeNote gives each note alone (records and errors), and
// passes over the skipped metrics it has seen with the same bytes: the
// count of those is pinned.
func TestNoteDecoderLikeDecodeNote(t *testing.T) {
	keep := func(k string) bool { return strings.HasPrefix(k, "A") }
	dec := NewNoteDecoder(keep)
	hits := 0
	for i, lines := range noteDecoderLines() {
		note := []byte(strings.Join(lines, "\n"))
		want, wantErrs := DecodeNote(note, keep)
		got, gotErrs := dec.Decode(note)
		if fmt.Sprint(gotErrs) != fmt.Sprint(wantErrs) {
			t.Errorf("note %d: errors %v, want %v", i+1, gotErrs, wantErrs)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("note %d: %+v, want %+v", i+1, got, want)
		}
		hits = dec.checked.hits
	}
	// Note 2: B, C, D twice (6); note 3: B, D (2); note 4: B, C (2); note
	// 5: B, C (2); note 6: B, B, D (3); note 7: B (1); note 8: C, B (2, in
	// another order); note 9: B and C with white space (2); notes 10, 11:
	// B with a '}' in its unit is read each time (0); note 12: B, C, D (3).
	if want := 6 + 2 + 2 + 2 + 3 + 1 + 2 + 2 + 3; hits != want {
		t.Errorf("%d metrics passed over as checked, want %d", hits, want)
	}
	if NewNoteDecoder(nil).checked != nil {
		t.Error("a decoder without a filter remembers nothing")
	}
}

// BenchmarkNoteDecoder decodes 20 notes of 20,000 metrics in which a
// filter keeps 100 and two thirds of the others repeat from note to note
// (B/op and allocs/op; every sec/op changes), as `log --metric` over a
// monorepo's history does: one NoteDecoder (checked) against DecodeNote
// note by note (alone).
func BenchmarkNoteDecoder(b *testing.B) {
	var notes [][]byte
	for n := range 20 {
		s := &Snapshot{}
		for i := range 20000 / 3 {
			name := fmt.Sprintf("Gen/pkg%02d/case%05d-2", i%10, i)
			s.Add(name+":sec/op", "sec/op", LowerIsBetter, float64(1000+i)+float64(n)*0.37, float64(1001+i)+float64(n)*0.41)
			s.Add(name+":B/op", "B/op", LowerIsBetter, float64(64*i), float64(64*i))
			s.Add(name+":allocs/op", "allocs/op", LowerIsBetter, float64(i%7), float64(i%7))
		}
		s.Sort()
		line, err := EncodeRecord(s, fmt.Sprint(n))
		if err != nil {
			b.Fatal(err)
		}
		notes = append(notes, line)
	}
	keep := func(k string) bool { return strings.HasPrefix(k, "Gen/pkg00/case000") }
	for _, bc := range []struct {
		name string
		dec  func() func([]byte) ([]Record, []error)
	}{
		{"checked", func() func([]byte) ([]Record, []error) { return NewNoteDecoder(keep).Decode }},
		{"alone", func() func([]byte) ([]Record, []error) {
			return func(note []byte) ([]Record, []error) { return DecodeNote(note, keep) }
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(notes[0]) * len(notes)))
			for b.Loop() {
				decode := bc.dec()
				for _, note := range notes {
					if recs, errs := decode(note); len(recs) != 1 || len(errs) != 0 {
						b.Fatal(errs)
					}
				}
			}
		})
	}
}

// FuzzNoteDecoder: whatever two notes hold, a NoteDecoder that has read
// the first decodes the second as DecodeNote does (records and errors):
// what it remembers of checked metrics never changes an answer.
func FuzzNoteDecoder(f *testing.F) {
	lines := noteDecoderLines()
	for i := 1; i < len(lines); i++ {
		f.Add([]byte(strings.Join(lines[i-1], "\n")), []byte(strings.Join(lines[i], "\n")))
	}
	keep := func(k string) bool { return strings.HasPrefix(k, "A") }
	f.Fuzz(func(t *testing.T, first, second []byte) {
		dec := NewNoteDecoder(keep)
		for _, note := range [][]byte{first, second, first} {
			want, wantErrs := DecodeNote(note, keep)
			got, gotErrs := dec.Decode(note)
			if fmt.Sprint(gotErrs) != fmt.Sprint(wantErrs) {
				t.Fatalf("errors %v, want %v", gotErrs, wantErrs)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%+v, want %+v", got, want)
			}
		}
	})
}
