package ingest

import (
	"fmt"

	"github.com/flameiq/git-flameiq/internal/limits"
	"github.com/flameiq/git-flameiq/snapshot"
)

// streamBound bounds what a streamed parse builds (go test's text, Locust's
// CSV files) by FLAMEIQ_MAX_INPUT, as a JSON walk is bounded (see
// jsonStream.spend): the input's size is not known before it is read, so
// the parse counts what it holds as it goes, and stops when that, with the
// collector's 20% headroom, would pass the limit. Once what it holds passes
// 64 MiB the collector runs at GOGC=20 (tightGC): under GOGC=100 the heap
// grew to twice what the parse held (60 MB of Locust's _stats.csv took
// 1.46 GB).
type streamBound struct {
	max, held, built int64 // FLAMEIQ_MAX_INPUT, Options.Held, what the parse holds
	restore          func()
}

// streamTight is what a streamed parse holds when tightGC starts, and
// what makes a lean snapshot worth its cost for go test's text.
const streamTight = 64 << 20

// newStreamBound returns the bound of a parse of file, whose caller holds
// held bytes already (Options.Held).
func newStreamBound(file string, held int64) (*streamBound, error) {
	max, err := limits.MaxInput()
	if err != nil {
		return nil, &Error{File: file, Msg: err.Error()}
	}
	return &streamBound{max: max, held: held}, nil
}

// spend counts n more bytes held; it reports false when they pass the
// limit.
func (b *streamBound) spend(n int64) bool {
	b.built += n
	if b.restore == nil && b.built > streamTight {
		b.restore = tightGC()
	}
	return (b.held+b.built)*(100+walkGOGC)/100 <= b.max
}

// done ends the parse: the collector's setting comes back, unless s is a
// lean snapshot (as after a lean JSON walk).
func (b *streamBound) done(s *snapshot.Snapshot) {
	if b.restore != nil && (s == nil || !s.Lean()) {
		b.restore()
	}
}

// tooBig is the error of a parse stopped at line, having read what.
func (b *streamBound) tooBig(file string, line int, what string) *Error {
	return &Error{File: file, Line: line, Msg: fmt.Sprintf("its benchmarks take more than FLAMEIQ_MAX_INPUT (%s) in memory: %s by this line; raise FLAMEIQ_MAX_INPUT to read it",
		maxText(b.max, b.held), what)}
}

// maxText is FLAMEIQ_MAX_INPUT for an error, with what the caller held.
func maxText(max, held int64) string {
	if held == 0 {
		return limits.Human(max)
	}
	return fmt.Sprintf("%s, less about %.0f MB that the other input holds", limits.Human(max), float64(held)/1e6)
}

// Footprint is about what s takes in memory, by the estimates the parses
// bound themselves with: a caller that parses another input to compare
// with s passes it as Options.Held.
func Footprint(s *snapshot.Snapshot) int64 { return int64(built(s, 0)) }

// newSnapshot returns an empty snapshot for a parse, lean when the caller
// reads only a lean one (Options.Lean).
func newSnapshot(lean bool) *snapshot.Snapshot {
	if lean {
		return snapshot.NewLean()
	}
	return &snapshot.Snapshot{}
}
