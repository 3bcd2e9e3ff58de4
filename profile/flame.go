package profile

import (
	"fmt"
	"slices"
	"strings"
)

// FlameGraph is the call tree of both sides of a diff, the data of a
// differential flame graph (report.FlameGraph draws it).
type FlameGraph struct {
	Names []string // frame names; Names[0] is the root, "all"
	Root  *FlameNode
}

// FlameNode is one frame of a FlameGraph: its name (an index into Names),
// its raw values on each side (of the diff's sample type, this frame and
// everything it called) and its callees.
type FlameNode struct {
	Name       int32
	Base, Head int64
	Kids       []*FlameNode
}

// Flame merges the stacks of both sides of r (all of them, not only
// r.Functions) into one tree of frames under the root "all", keeping a
// frame when its share of base or of head is at least minShare. Children
// are sorted by name. r must be made by Diff.
func (r *DiffResult) Flame(minShare float64) (*FlameGraph, error) {
	if r.base == nil || r.head == nil {
		return nil, fmt.Errorf("profile: Flame needs a DiffResult made by Diff")
	}
	names := []string{"all"}
	ids := map[string]int32{"all": 0}
	type item struct {
		frames []int32
		v      int64
		side   int
	}
	var items []item
	for side, p := range []*Profile{r.base, r.head} {
		idx := r.baseIdx
		if side == 1 {
			idx = r.headIdx
		}
		remap := make([]int32, len(p.names))
		for i, n := range p.names {
			id, ok := ids[n]
			if !ok {
				id = int32(len(names))
				names = append(names, n)
				ids[n] = id
			}
			remap[i] = id
		}
		nt := len(p.SampleTypes)
		var fr []int32
		for s := 0; s+1 < len(p.smpStart); s++ {
			v := p.values[s*nt+idx]
			if v <= 0 {
				continue
			}
			fr = p.frames(fr[:0], s)
			out := make([]int32, len(fr))
			for i, f := range fr {
				out[i] = remap[f]
			}
			items = append(items, item{out, v, side})
		}
	}
	minB := minShare * float64(r.BaseTotal)
	minH := minShare * float64(r.HeadTotal)
	var build func(n *FlameNode, its []int, depth int)
	build = func(n *FlameNode, its []int, depth int) {
		groups := map[int32][]int{}
		var order []int32
		for _, i := range its {
			it := items[i]
			if len(it.frames) <= depth {
				continue
			}
			f := it.frames[depth]
			if _, ok := groups[f]; !ok {
				order = append(order, f)
			}
			groups[f] = append(groups[f], i)
		}
		for _, f := range order {
			k := &FlameNode{Name: f}
			for _, i := range groups[f] {
				if items[i].side == 0 {
					k.Base += items[i].v
				} else {
					k.Head += items[i].v
				}
			}
			if float64(k.Base) < minB && float64(k.Head) < minH {
				continue
			}
			build(k, groups[f], depth+1)
			n.Kids = append(n.Kids, k)
		}
		slices.SortFunc(n.Kids, func(a, b *FlameNode) int { return strings.Compare(names[a.Name], names[b.Name]) })
	}
	root := &FlameNode{Name: 0, Base: r.BaseTotal, Head: r.HeadTotal}
	all := make([]int, len(items))
	for i := range all {
		all[i] = i
	}
	build(root, all, 0)
	return &FlameGraph{Names: names, Root: root}, nil
}
