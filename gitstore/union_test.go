package gitstore

import "testing"

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
