package chunks

import "testing"

func TestList(t *testing.T) {
	for _, n := range []int{0, 1, 15, 16, 17, size - 1, size, size + 1, 3*size + 7} {
		var x List[int]
		for i := range n {
			x.Add(i * 3)
		}
		if x.Len() != n {
			t.Fatalf("n=%d: Len %d", n, x.Len())
		}
		for i := range n {
			if x.At(i) != i*3 || *x.Ptr(i) != i*3 || len(x.One(i)) != 1 || cap(x.One(i)) != 1 || x.One(i)[0] != i*3 {
				t.Fatalf("n=%d: entry %d is %d", n, i, x.At(i))
			}
		}
		want := 0
		for i, v := range x.All {
			if i != want || v != i*3 {
				t.Fatalf("n=%d: All yielded %d, %d at %d", n, i, v, want)
			}
			want++
		}
		if want != n {
			t.Fatalf("n=%d: All yielded %d entries", n, want)
		}
		if n > size {
			p := x.Ptr(size)
			for range size {
				x.Add(-1)
			}
			if p != x.Ptr(size) {
				t.Fatalf("n=%d: an entry of a full chunk moved", n)
			}
		}
	}
}
