package commands

import (
	"github.com/urfave/cli/v2"

	"github.com/flameiq/git-flameiq/gitstore"
)

type profileSummary struct {
	Name        string `json:"name"`
	Kind        string `json:"kind"`
	SampleTypes string `json:"sample_types"`
	Size        int    `json:"size"`
	Metric      string `json:"metric,omitempty"`
}

func (e *env) profileSummaries(st *store, h gitstore.Hash) ([]profileSummary, error) { return nil, nil }

func (e *env) recordProfiles(c *cli.Context, st *store, h gitstore.Hash, specs []string) error {
	return usagef("--profile: not available yet")
}

// profileRef derives the profile notes ref from the metric notes ref:
// refs/notes/flameiq → refs/notes/flameiq-profiles.
func profileRef(ref string) string { return ref + "-profiles" }
