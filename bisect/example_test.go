package bisect_test

import (
	"errors"
	"fmt"

	"github.com/flameiq/git-flameiq/bisect"
)

func ExampleFind() {
	// Commits after GOOD, oldest first. Commit 5 regressed; 3 and 4 have
	// no note and cannot be measured.
	shas := []string{"a1", "b2", "c3", "d4", "e5", "f6", "g7", "h8"}
	probe := func(i int) (bisect.Verdict, error) {
		switch {
		case i == 3 || i == 4:
			return bisect.Skip, nil
		case i >= 5:
			return bisect.Bad, nil
		}
		return bisect.Good, nil
	}
	out, err := bisect.Find(len(shas), probe)
	for _, p := range out.Probes {
		fmt.Println("probed", shas[p.Index], p.Verdict)
	}
	switch {
	case errors.Is(err, bisect.ErrOnlySkipped):
		fmt.Print("first bad commit is one of:")
		for _, i := range out.Candidates {
			fmt.Print(" ", shas[i])
		}
		fmt.Println()
	case err != nil:
		fmt.Println(err)
	default:
		fmt.Println("first bad commit:", shas[out.FirstBad])
	}
	// Output:
	// probed h8 bad
	// probed d4 skip
	// probed e5 skip
	// probed c3 good
	// probed f6 bad
	// first bad commit is one of: d4 e5 f6
}
