package ingest

import (
	"io"
	"sync"
)

// asyncWriter passes what is written to w on a goroutine of its own, in
// order: a copy of each write goes through a channel, so the writer's
// work overlaps the caller's. Close waits until w has seen everything.
// w's own return values are ignored (goTextScan never fails).
type asyncWriter struct {
	ch   chan []byte
	done chan struct{}
	free sync.Pool
	once sync.Once
}

func newAsyncWriter(w io.Writer) *asyncWriter {
	a := &asyncWriter{ch: make(chan []byte, 64), done: make(chan struct{})}
	go func() {
		defer close(a.done)
		for b := range a.ch {
			w.Write(b)
			a.free.Put(&b)
		}
	}()
	return a
}

func (a *asyncWriter) Write(p []byte) (int, error) {
	var b []byte
	if v, ok := a.free.Get().(*[]byte); ok && cap(*v) >= len(p) {
		b = (*v)[:len(p)]
	} else {
		b = make([]byte, len(p), max(len(p), 32<<10))
	}
	copy(b, p)
	a.ch <- b
	return len(p), nil
}

// Close waits for the goroutine to finish; it may be called again.
func (a *asyncWriter) Close() error {
	a.once.Do(func() { close(a.ch) })
	<-a.done
	return nil
}
