//go:build flameiq_selfprofile

package main

import (
	"os"
	"runtime"
	"runtime/pprof"
)

func init() {
	selfProfile = func() func() {
		// FLAMEIQ_CPUPROFILE=FILE writes a CPU profile of this run.
		if p := os.Getenv("FLAMEIQ_CPUPROFILE"); p != "" {
			if f, err := os.Create(p); err == nil {
				if pprof.StartCPUProfile(f) != nil {
					_ = f.Close()
				}
			}
		}
		// FLAMEIQ_MEMPROFILE=FILE writes an allocation profile at exit.
		mem := os.Getenv("FLAMEIQ_MEMPROFILE")
		if mem != "" {
			runtime.MemProfileRate = 512
		}
		return func() {
			pprof.StopCPUProfile()
			if mem == "" {
				return
			}
			if f, err := os.Create(mem); err == nil {
				_ = pprof.Lookup("allocs").WriteTo(f, 0)
				_ = f.Close()
			}
		}
	}
}
