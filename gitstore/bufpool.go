package gitstore

import "sync"

// bufPool recycles the big buffers of ReadEach (notes, delta bases, the
// deltas themselves): a history of 9 MB notes allocated, zeroed and
// page-faulted a fresh buffer per object, and collected them after, which
// cost `log -n 100` more than copying the bytes did. A nil pool allocates
// and recycles nothing. It keeps at most poolMaxBytes.
type bufPool struct {
	mu    sync.Mutex
	free  [][]byte
	bytes int
}

const poolMaxBytes = 24 << 20

// get returns an empty buffer of capacity at least n.
func (p *bufPool) get(n int) []byte {
	if p != nil {
		p.mu.Lock()
		best := -1
		for i, b := range p.free {
			// The best fit, and not twice the size: a big buffer taken
			// for a small object would be missed by the next big one.
			if cap(b) >= n && cap(b) <= 2*n+4096 && (best < 0 || cap(b) < cap(p.free[best])) {
				best = i
			}
		}
		if best >= 0 {
			b := p.free[best]
			p.free = append(p.free[:best], p.free[best+1:]...)
			p.bytes -= cap(b)
			p.mu.Unlock()
			return b[:0]
		}
		p.mu.Unlock()
	}
	// Notes of one history differ in size by a few bytes: room for the
	// next one's.
	return make([]byte, 0, n+n/16)
}

// put gives b back; nobody may use it after.
func (p *bufPool) put(b []byte) {
	if p == nil || cap(b) < 64<<10 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bytes+cap(b) > poolMaxBytes {
		return
	}
	p.free = append(p.free, b)
	p.bytes += cap(b)
}
