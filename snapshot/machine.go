package snapshot

import (
	"fmt"
	"strings"
)

// Machine is where a run was measured: the environment fingerprint that
// tells two records measured on different hardware apart. It never holds a
// host name or a user name. A zero field is unknown. Its JSON form (note
// records, show --format json) has the fields in byte order of their
// names, a field absent when unknown.
type Machine struct {
	Arch string `json:"arch,omitempty"` // GOARCH spelling: amd64, arm64…
	CPU  string `json:"cpu,omitempty"`  // CPU model, e.g. "AMD EPYC 7B13" (Go's cpu: line, /proc/cpuinfo)
	CPUs int    `json:"cpus,omitempty"` // logical CPUs available to the run
	OS   string `json:"os,omitempty"`   // GOOS spelling: linux, darwin, windows…
}

// MachineFields are the names of Machine's fields as flameiq.yaml's
// environment.must_match and the note's meta.machine spell them.
var MachineFields = []string{"cpu", "cpus", "os", "arch"}

// IsZero reports whether nothing is known.
func (m Machine) IsZero() bool { return m == Machine{} }

// Field returns the named field as text ("" when unknown).
func (m Machine) Field(name string) string {
	switch name {
	case "cpu":
		return m.CPU
	case "cpus":
		if m.CPUs > 0 {
			return fmt.Sprint(m.CPUs)
		}
	case "os":
		return m.OS
	case "arch":
		return m.Arch
	}
	return ""
}

// Differs returns the fields, of those named (all when none), that both
// machines know and that differ.
func (m Machine) Differs(o Machine, names ...string) []string {
	if len(names) == 0 {
		names = MachineFields
	}
	var out []string
	for _, n := range names {
		a, b := m.Field(n), o.Field(n)
		if a != "" && b != "" && a != b {
			out = append(out, n)
		}
	}
	return out
}

// String describes the machine for people: "AMD EPYC 7B13 ×4, linux/amd64";
// "unknown machine" when nothing is known.
func (m Machine) String() string {
	var parts []string
	cpu := m.CPU
	if cpu == "" && m.CPUs > 0 {
		cpu = "CPU"
	}
	if m.CPUs > 0 {
		cpu += fmt.Sprintf(" ×%d", m.CPUs)
	}
	if cpu != "" {
		parts = append(parts, cpu)
	}
	switch {
	case m.OS != "" && m.Arch != "":
		parts = append(parts, m.OS+"/"+m.Arch)
	case m.OS != "" || m.Arch != "":
		parts = append(parts, m.OS+m.Arch)
	}
	if len(parts) == 0 {
		return "unknown machine"
	}
	return strings.Join(parts, ", ")
}
