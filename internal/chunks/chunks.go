// Package chunks is an append-only list in chunks that never move, for
// the columns of a parse that can grow to millions of entries: appending
// copies nothing (a growing slice copies itself, and its old arrays are
// garbage that the process's peak memory pays for), and an entry's
// address is stable.
package chunks

// List is the list; its zero value is empty and ready to use.
type List[T any] struct {
	cs [][]T
	n  int
}

const (
	bits = 14
	size = 1 << bits // entries a chunk (the first grows to that)
)

// Len is the number of entries.
func (x *List[T]) Len() int { return x.n }

// Add appends v.
func (x *List[T]) Add(v T) {
	if x.n>>bits == len(x.cs) {
		x.cs = append(x.cs, make([]T, 0, min(max(x.n, 16), size)))
	}
	c := &x.cs[len(x.cs)-1]
	if len(*c) == cap(*c) { // the first chunk, growing
		*c = append(make([]T, 0, min(2*cap(*c), size)), *c...)
	}
	*c = append(*c, v)
	x.n++
}

// At returns entry i.
func (x *List[T]) At(i int) T { return x.cs[i>>bits][i&(size-1)] }

// Ptr returns the address of entry i (stable once the first chunk is
// full: it moves while it grows).
func (x *List[T]) Ptr(i int) *T { return &x.cs[i>>bits][i&(size-1)] }

// One returns entry i as a slice of its own (its capacity is one).
func (x *List[T]) One(i int) []T {
	j := i & (size - 1)
	return x.cs[i>>bits][j : j+1 : j+1]
}

// All yields the entries in order.
func (x *List[T]) All(yield func(int, T) bool) {
	i := 0
	for _, c := range x.cs {
		for _, v := range c {
			if !yield(i, v) {
				return
			}
			i++
		}
	}
}
