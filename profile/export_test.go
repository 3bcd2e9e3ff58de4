package profile

import "github.com/google/pprof/profile"

// Helpers only the tests use.

// FromPprof converts a google/pprof profile (for example one made by
// GenerateSynthetic) into a Profile. p is kept and must not be modified
// afterwards.
func FromPprof(p *profile.Profile) (*Profile, error) {
	if err := p.CheckValid(); err != nil {
		return nil, &Error{File: "-", Msg: "malformed profile: " + err.Error()}
	}
	return fromPprof(p, "-")
}
