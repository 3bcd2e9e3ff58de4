package gitstore

import (
	"bytes"
	"testing"
)

// catSortUniq is git's cat_sort_uniq: the sorted union of lines.
func TestCatSortUniq(t *testing.T) {
	got := catSortUniq([]byte("b\na\n"), []byte("c\na\n\n"))
	if string(got) != "a\nb\nc\n" {
		t.Errorf("catSortUniq = %q", got)
	}
	if catSortUniq(nil, nil) != nil {
		t.Error("empty union is not empty")
	}
}

func TestCatSortUniqTable(t *testing.T) {
	for _, tc := range []struct{ a, b, want string }{
		{"", "x\n", "x\n"},
		{"", "x", "x\n"},
		{"", "\n\nx\n\n", "x\n"},
		{"x\n", "", "x\n"},
		{"x\n", "x\n", "x\n"},
		{"b\nb\n", "a\nb", "a\nb\n"},
		{"", "b\na\nb\n", "a\nb\n"},
		{" \n\t\n", "", ""},
		{"a \n", "a\n", "a\na \n"},
		{"", "x\r\n", "x\r\n"},
	} {
		got := catSortUniq([]byte(tc.a), []byte(tc.b))
		if string(got) != tc.want || (tc.want == "") != (got == nil) {
			t.Errorf("catSortUniq(%q, %q) = %q, want %q", tc.a, tc.b, got, tc.want)
		}
	}
}

// BenchmarkCatSortUniq: a monorepo's record (one line of megabytes) added to
// a commit without a note, and to one that has a record already.
func BenchmarkCatSortUniq(b *testing.B) {
	line := bytes.Repeat([]byte(`{"k":[1.5,2.25]},`), 512<<10)
	line = append(line, '\n')
	b.Run("new", func(b *testing.B) {
		b.SetBytes(int64(len(line)))
		for b.Loop() {
			catSortUniq(nil, line)
		}
	})
	b.Run("second", func(b *testing.B) {
		other := append([]byte("{}\n"), line[3:]...)
		b.SetBytes(int64(len(line)))
		for b.Loop() {
			catSortUniq(other, line)
		}
	})
}
