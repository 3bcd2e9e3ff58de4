package profile

import (
	"fmt"
	"math/rand/v2"

	"github.com/google/pprof/profile"
)

// GenerateSynthetic builds a deterministic synthetic CPU profile for
// benchmarks: functions distinct functions (one location each, in one
// mapping), samples samples whose stacks are between minDepth and maxDepth
// frames deep, and the two sample types of a Go CPU profile
// (samples/count, cpu/nanoseconds). Frames are drawn uniformly, except that
// a small set of "hot" leaf functions (chosen from seed) takes a skewed share,
// so two seeds give two different but comparable profiles. The root frame
// of every stack is function 0 ("synth.main").
//
// With (6000, 120000, 8, 38) the gzipped encoding is about 5.5 MB, the size
// used by the performance target of the profile diff.
func GenerateSynthetic(seed int64, functions, samples, minDepth, maxDepth int) *profile.Profile {
	if functions < 1 {
		functions = 1
	}
	if minDepth < 1 {
		minDepth = 1
	}
	if maxDepth < minDepth {
		maxDepth = minDepth
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0x5eed_f1a3))
	const period = 10_000_000 // 10ms, as runtime/pprof at 100 Hz
	p := &profile.Profile{
		SampleType: []*profile.ValueType{
			{Type: "samples", Unit: "count"},
			{Type: "cpu", Unit: "nanoseconds"},
		},
		PeriodType:    &profile.ValueType{Type: "cpu", Unit: "nanoseconds"},
		Period:        period,
		TimeNanos:     1_700_000_000_000_000_000 + seed,
		DurationNanos: int64(samples) * period / 2,
	}
	m := &profile.Mapping{ID: 1, Start: 0x400000, Limit: 0x400000 + uint64(functions+1)*0x40,
		File: "synthetic", HasFunctions: true, HasFilenames: true, HasLineNumbers: true}
	p.Mapping = []*profile.Mapping{m}
	locs := make([]*profile.Location, functions)
	for i := range functions {
		name := fmt.Sprintf("synth/pkg%02d.Func%05d", i%50, i)
		if i == 0 {
			name = "synth.main"
		}
		f := &profile.Function{ID: uint64(i + 1), Name: name, SystemName: name,
			Filename: fmt.Sprintf("synth/pkg%02d/f%d.go", i%50, i/50), StartLine: int64(10 + i%400)}
		p.Function = append(p.Function, f)
		locs[i] = &profile.Location{ID: uint64(i + 1), Mapping: m, Address: m.Start + uint64(i)*0x40,
			Line: []profile.Line{{Function: f, Line: f.StartLine + 3}}}
	}
	p.Location = locs
	hot := make([]int, 16)
	for i := range hot {
		hot[i] = rng.IntN(functions)
	}
	p.Sample = make([]*profile.Sample, samples)
	for s := range samples {
		depth := minDepth + rng.IntN(maxDepth-minDepth+1)
		stack := make([]*profile.Location, depth)
		for d := range depth {
			stack[d] = locs[rng.IntN(functions)]
		}
		if rng.IntN(4) == 0 {
			stack[0] = locs[hot[rng.IntN(len(hot))]]
		}
		stack[depth-1] = locs[0]
		n := int64(1 + rng.IntN(3))
		p.Sample[s] = &profile.Sample{Location: stack, Value: []int64{n, n * period}}
	}
	return p
}
