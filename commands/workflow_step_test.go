package commands_test

import (
	"os"

	"github.com/rogpeppe/go-internal/testscript"
	"gopkg.in/yaml.v3"
)

// cmdWorkflowStep implements `workflow-step WORKFLOW STEP OUT`: write the
// run script of the step named STEP (in any job) of the GitHub workflow
// file WORKFLOW, or of the composite action WORKFLOW (action.yml), to OUT,
// so that a script can run the very shell code a workflow or action we
// ship or generate runs, with stubs for gh and the runner's variables.
func cmdWorkflowStep(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: workflow-step WORKFLOW STEP OUT")
	}
	type steps struct {
		Steps []struct {
			Name string `yaml:"name"`
			Run  string `yaml:"run"`
		} `yaml:"steps"`
	}
	var wf struct {
		Jobs map[string]steps `yaml:"jobs"`
		Runs steps            `yaml:"runs"`
	}
	ts.Check(yaml.Unmarshal([]byte(ts.ReadFile(args[0])), &wf))
	all := []steps{wf.Runs}
	for _, job := range wf.Jobs {
		all = append(all, job)
	}
	for _, job := range all {
		for _, st := range job.Steps {
			if st.Name == args[1] && st.Run != "" {
				ts.Check(os.WriteFile(ts.MkAbs(args[2]), []byte(st.Run), 0o644))
				return
			}
		}
	}
	ts.Fatalf("%s: no step %q with a run script", args[0], args[1])
}

// cmdGitLabJob implements `gitlab-job CIFILE JOB OUT`: write the script
// lines of JOB in the GitLab CI file CIFILE to OUT as one bash script that
// stops at the first failing line, as GitLab's runner runs them.
func cmdGitLabJob(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: gitlab-job CIFILE JOB OUT")
	}
	var raw map[string]yaml.Node
	ts.Check(yaml.Unmarshal([]byte(ts.ReadFile(args[0])), &raw))
	node, ok := raw[args[1]]
	if !ok {
		ts.Fatalf("%s: no job %q", args[0], args[1])
	}
	var job struct {
		Script []string `yaml:"script"`
	}
	ts.Check(node.Decode(&job))
	script := "set -eo pipefail\n"
	for _, line := range job.Script {
		script += line + "\n"
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[2]), []byte(script), 0o644))
}
