package gitstore

// Helpers only the tests use.

// cacheHits reports how many objects came from the object cache.
func (r *Repo) cacheHits() int {
	r.odb.disk.mu.Lock()
	defer r.odb.disk.mu.Unlock()
	return r.odb.disk.hits
}

// List returns every annotated commit, in tree order.
func (n *Notes) List() ([]Hash, error) {
	var out []Hash
	if n.tree.IsZero() {
		return nil, nil
	}
	err := n.r.walkNotes(n.tree, "", func(key, _ Hash) { out = append(out, key) })
	return out, err
}

// RepairNotes re-adds to the notes ref any lines that a concurrent
// `git notes add/append` from the git CLI dropped since git-flameiq last
// wrote the ref (see AppendNote). It writes nothing when nothing was lost.
func (r *Repo) RepairNotes(ref string) error {
	return r.AppendNotes(ref, nil, "Notes repaired by 'git flameiq'")
}
