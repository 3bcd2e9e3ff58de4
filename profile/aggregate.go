package profile

// Aggregate is one sample type of a profile reduced to a value per
// function name.
type Aggregate struct {
	SampleType SampleType
	// Total is the sum of the sample values (the denominator of shares).
	Total int64
	// Names, Flat and Cum are parallel: Flat is the value of samples whose
	// leaf frame is the function, Cum of samples with the function anywhere
	// on the stack, counted once per stack even under recursion.
	Names []string
	Flat  []int64
	Cum   []int64
}

// Aggregate reduces the sample type sampleType (see SampleIndex; "" is the
// default) to flat and cumulative values per function name. Functions
// whose flat and cum are both zero are still listed.
func (p *Profile) Aggregate(sampleType string) (*Aggregate, error) {
	idx, err := p.SampleIndex(sampleType)
	if err != nil {
		return nil, err
	}
	return p.aggregate(idx), nil
}

func (p *Profile) aggregate(idx int) *Aggregate {
	n := len(p.names)
	a := &Aggregate{
		SampleType: p.SampleTypes[idx],
		Names:      p.names,
		Flat:       make([]int64, n),
		Cum:        make([]int64, n),
	}
	stamp := make([]int32, n) // sample number + 1 that last counted cum
	nt := len(p.SampleTypes)
	locStart, locFrames, smpLocs := p.locStart, p.locFrames, p.smpLocs
	for s := 0; s+1 < len(p.smpStart); s++ {
		v := p.values[s*nt+idx]
		if v == 0 {
			continue
		}
		a.Total += v
		mark := int32(s + 1)
		locs := smpLocs[p.smpStart[s]:p.smpStart[s+1]]
		for k, l := range locs {
			fr := locFrames[locStart[l]:locStart[l+1]]
			for j, f := range fr {
				if k == 0 && j == 0 {
					a.Flat[f] += v
				}
				if stamp[f] != mark {
					stamp[f] = mark
					a.Cum[f] += v
				}
			}
		}
	}
	return a
}
