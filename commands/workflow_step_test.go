package commands_test

import (
	"os"

	"github.com/rogpeppe/go-internal/testscript"
	"gopkg.in/yaml.v3"
)

// cmdWorkflowStep implements `workflow-step WORKFLOW STEP OUT`: write the
// run script of the step named STEP (in any job) of the GitHub workflow
// file WORKFLOW to OUT, so that a script can run the very shell code a
// workflow we ship or generate runs, with stubs for gh and the runner's
// variables.
func cmdWorkflowStep(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: workflow-step WORKFLOW STEP OUT")
	}
	var wf struct {
		Jobs map[string]struct {
			Steps []struct {
				Name string `yaml:"name"`
				Run  string `yaml:"run"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	ts.Check(yaml.Unmarshal([]byte(ts.ReadFile(args[0])), &wf))
	for _, job := range wf.Jobs {
		for _, st := range job.Steps {
			if st.Name == args[1] && st.Run != "" {
				ts.Check(os.WriteFile(ts.MkAbs(args[2]), []byte(st.Run), 0o644))
				return
			}
		}
	}
	ts.Fatalf("%s: no step %q with a run script", args[0], args[1])
}
