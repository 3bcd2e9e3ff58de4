// Package machine finds the environment fingerprint of a run: the CPU
// model and count, OS and architecture of the machine that measured it
// (snapshot.Machine). What the input states (Go's goos, goarch and cpu
// lines, kept as tags by ingest) wins over what this machine reports, so a
// results file measured elsewhere keeps its own CPU. Host and user names
// are never read.
package machine

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/flameiq/git-flameiq/snapshot"
)

// Here is this machine: its CPU model (Linux: /proc/cpuinfo; macOS:
// sysctl; elsewhere unknown), logical CPUs, OS and architecture.
var Here = sync.OnceValue(func() snapshot.Machine {
	return snapshot.Machine{CPU: cpuModel(), CPUs: runtime.NumCPU(), OS: runtime.GOOS, Arch: runtime.GOARCH}
})

// Of is the fingerprint of a run recorded here whose input stated tags
// (Go's goos, goarch and cpu lines; Google Benchmark's cpus): the input's
// values win; when the input names
// another CPU model than this machine's, the CPU count is unknown too (the
// file was measured elsewhere).
func Of(tags map[string]string) snapshot.Machine {
	m := Here()
	if v := strings.TrimSpace(tags["cpu"]); v != "" {
		if v != m.CPU {
			m.CPUs = 0
		}
		m.CPU = v
	}
	if n, err := strconv.Atoi(tags["cpus"]); err == nil && n > 0 {
		m.CPUs = n // Google Benchmark's context.num_cpus
	}
	if v := strings.TrimSpace(tags["goos"]); v != "" {
		m.OS = v
	}
	if v := strings.TrimSpace(tags["goarch"]); v != "" {
		m.Arch = v
	}
	return m
}

// Same reports whether a run measured on m could have been measured here:
// every field both know is equal.
func Same(m snapshot.Machine) bool {
	return !m.IsZero() && len(m.Differs(Here())) == 0
}

func cpuModel() string {
	switch runtime.GOOS {
	case "linux":
		data, err := os.ReadFile("/proc/cpuinfo")
		if err != nil {
			return ""
		}
		return fromCPUInfo(data)
	case "darwin":
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, "sysctl", "-n", "machdep.cpu.brand_string").Output()
		if err != nil {
			return ""
		}
		return strings.TrimSpace(string(out))
	}
	return ""
}

// fromCPUInfo reads the model out of /proc/cpuinfo as Go's testing package
// does for its cpu: line ("model name" on x86, "Model" or "Hardware" on
// some ARM kernels), so that a record made here and a Go benchmark's own
// header agree.
func fromCPUInfo(data []byte) string {
	var model, other string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch {
		case k == "model name" && model == "":
			model = v
		case (k == "Model" || k == "Hardware") && other == "":
			other = v
		}
	}
	if model != "" {
		return model
	}
	return other
}
