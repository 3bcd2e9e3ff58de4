package gitstore

import "container/heap"

// Range returns the commits reachable from head but not from base (git's
// base..head), newest first by committer date, at most limit of them
// (limit <= 0: no limit). It paints down from both ends as git does, so
// merge commits (a PR's merge ref) include the PR's own commits.
func (r *Repo) Range(base, head Hash, limit int) ([]*Commit, error) {
	const (
		fromHead = 1
		fromBase = 2
	)
	flags := map[Hash]int{}
	q := &commitQueue{}
	push := func(h Hash, f int) error {
		old := flags[h]
		if old|f == old {
			return nil
		}
		flags[h] = old | f
		if old != 0 {
			// Already queued or visited: the new flag propagates when popped
			// (queued) or must propagate now (visited).
			for _, it := range q.items {
				if it.c.Hash == h {
					return nil
				}
			}
		}
		c, err := r.Commit(h)
		if err != nil {
			if r.IsShallow() {
				return nil
			}
			return err
		}
		heap.Push(q, &queued{c: c})
		return nil
	}
	if !base.IsZero() {
		if err := push(base, fromBase); err != nil {
			return nil, err
		}
	}
	if err := push(head, fromHead); err != nil {
		return nil, err
	}
	var out []*Commit
	for q.Len() > 0 {
		onlyBase := true
		for _, it := range q.items {
			if flags[it.c.Hash]&fromBase == 0 {
				onlyBase = false
				break
			}
		}
		if onlyBase {
			break
		}
		c := heap.Pop(q).(*queued).c
		f := flags[c.Hash]
		if f == fromHead {
			out = append(out, c)
			if limit > 0 && len(out) >= limit {
				break
			}
		}
		for _, p := range c.Parents {
			if err := push(p, f); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

type queued struct{ c *Commit }

type commitQueue struct{ items []*queued }

func (q *commitQueue) Len() int { return len(q.items) }
func (q *commitQueue) Less(i, j int) bool {
	return q.items[i].c.Committer.When.After(q.items[j].c.Committer.When)
}
func (q *commitQueue) Swap(i, j int) { q.items[i], q.items[j] = q.items[j], q.items[i] }
func (q *commitQueue) Push(x any)    { q.items = append(q.items, x.(*queued)) }
func (q *commitQueue) Pop() any {
	n := len(q.items)
	it := q.items[n-1]
	q.items = q.items[:n-1]
	return it
}
