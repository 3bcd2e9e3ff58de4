package gitstore

import (
	"container/heap"
	"fmt"
)

const (
	flagP1 = 1 << iota
	flagP2
	flagStale
	flagResult
)

type walkNode struct {
	hash    Hash
	parents []Hash
	date    int64
	flags   int
	seq     int
}

type walker struct {
	r     *Repo
	nodes map[Hash]*walkNode
	seq   int
}

func (w *walker) node(h Hash) (*walkNode, error) {
	if n := w.nodes[h]; n != nil {
		return n, nil
	}
	c, err := w.r.Commit(h)
	if err != nil {
		return nil, err
	}
	w.seq++
	n := &walkNode{hash: h, parents: c.Parents, date: c.Committer.When.Unix(), seq: w.seq}
	w.nodes[h] = n
	return n, nil
}

// dateQueue pops the newest commit first (git's commit-date order).
type dateQueue []*walkNode

func (q dateQueue) Len() int { return len(q) }
func (q dateQueue) Less(i, j int) bool {
	if q[i].date != q[j].date {
		return q[i].date > q[j].date
	}
	return q[i].seq < q[j].seq
}
func (q dateQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *dateQueue) Push(x any)   { *q = append(*q, x.(*walkNode)) }
func (q *dateQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

// MergeBase returns the best common ancestor of a and b, as
// `git merge-base a b` prints it. It fails with ErrNoMergeBase when the
// histories are unrelated (or cut off by a shallow clone).
func (r *Repo) MergeBase(a, b Hash) (Hash, error) {
	bases, err := r.mergeBases(a, b)
	if err != nil {
		return ZeroHash, err
	}
	if len(bases) == 0 {
		return ZeroHash, fmt.Errorf("%w between %s and %s", ErrNoMergeBase, a, b)
	}
	return bases[0], nil
}

// mergeBases is git's paint_down_to_common followed by remove_redundant.
func (r *Repo) mergeBases(a, b Hash) ([]Hash, error) {
	if a == b {
		return []Hash{a}, nil
	}
	w := &walker{r: r, nodes: map[Hash]*walkNode{}}
	res, err := w.paint(a, []Hash{b})
	if err != nil {
		return nil, err
	}
	var cands []*walkNode
	for _, n := range res {
		if n.flags&flagStale == 0 {
			cands = append(cands, n)
		}
	}
	if len(cands) <= 1 {
		out := make([]Hash, len(cands))
		for i, n := range cands {
			out[i] = n.hash
		}
		return out, nil
	}
	// remove_redundant: drop a candidate reachable from another one.
	var out []Hash
	for i, c := range cands {
		var others []Hash
		for j, o := range cands {
			if i != j {
				others = append(others, o.hash)
			}
		}
		w2 := &walker{r: r, nodes: map[Hash]*walkNode{}}
		if _, err := w2.paint(c.hash, others); err != nil {
			return nil, err
		}
		if w2.nodes[c.hash].flags&flagP2 == 0 {
			out = append(out, c.hash)
		}
	}
	return out, nil
}

func (w *walker) paint(one Hash, twos []Hash) ([]*walkNode, error) {
	q := &dateQueue{}
	n1, err := w.node(one)
	if err != nil {
		return nil, err
	}
	n1.flags |= flagP1
	heap.Push(q, n1)
	for _, t := range twos {
		n2, err := w.node(t)
		if err != nil {
			return nil, err
		}
		if n2.flags&flagP2 == 0 {
			n2.flags |= flagP2
			heap.Push(q, n2)
		}
	}
	var result []*walkNode
	nonStale := func() bool {
		for _, n := range *q {
			if n.flags&flagStale == 0 {
				return true
			}
		}
		return false
	}
	for nonStale() {
		c := heap.Pop(q).(*walkNode)
		flags := c.flags & (flagP1 | flagP2 | flagStale)
		if flags == flagP1|flagP2 {
			if c.flags&flagResult == 0 {
				c.flags |= flagResult
				result = append(result, c)
			}
			flags |= flagStale
		}
		for _, ph := range c.parents {
			p, err := w.node(ph)
			if err != nil {
				if w.r.IsShallow() {
					continue // history cut off by a shallow clone
				}
				return nil, err
			}
			if p.flags&flags == flags {
				continue
			}
			p.flags |= flags
			heap.Push(q, p)
		}
	}
	return result, nil
}

// FirstParent returns from, its first parent, that commit's first parent
// and so on: n commits at most (n <= 0: the whole first-parent chain). In a
// shallow clone the walk ends quietly at the shallow boundary.
func (r *Repo) FirstParent(from Hash, n int) ([]*Commit, error) {
	var out []*Commit
	err := r.WalkFirstParent(from, n, func(c *Commit) { out = append(out, c) })
	return out, err
}

// WalkFirstParent calls fn for each commit FirstParent would return, in
// order, as it reads them (so callers can start work on the first commits
// while the walk goes on). Its error is FirstParent's.
func (r *Repo) WalkFirstParent(from Hash, n int, fn func(*Commit)) error {
	h := from
	for seen := 0; n <= 0 || seen < n; seen++ {
		c, err := r.Commit(h)
		if err != nil {
			if seen > 0 && r.IsShallow() {
				return nil
			}
			return err
		}
		fn(c)
		if len(c.Parents) == 0 {
			return nil
		}
		h = c.Parents[0]
	}
	return nil
}
