package machine

import (
	"runtime"
	"testing"
)

func TestFromCPUInfo(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13\nprocessor\t: 1\nmodel name\t: AMD EPYC 7B13\n", "AMD EPYC 7B13"},
		{"processor\t: 0\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd\n\nModel\t: Raspberry Pi 4 Model B Rev 1.4\n", "Raspberry Pi 4 Model B Rev 1.4"},
		{"Hardware\t: BCM2835\nmodel name\t: ARMv7 Processor rev 3 (v7l)\n", "ARMv7 Processor rev 3 (v7l)"},
		{"processor\t: 0\nBogoMIPS\t: 50.00\n", ""},
		{"", ""},
	} {
		if got := fromCPUInfo([]byte(tc.in)); got != tc.want {
			t.Errorf("fromCPUInfo(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestOf(t *testing.T) {
	here := Here()
	if here.OS != runtime.GOOS || here.Arch != runtime.GOARCH || here.CPUs < 1 {
		t.Fatalf("Here() = %+v", here)
	}
	if got := Of(nil); got != here {
		t.Errorf("Of(no tags) = %+v, want this machine %+v", got, here)
	}
	// The input's own header wins; another CPU model makes the count unknown.
	got := Of(map[string]string{"cpu": "Imaginary CPU 9000", "goos": "plan9", "goarch": "mips"})
	if got.CPU != "Imaginary CPU 9000" || got.CPUs != 0 || got.OS != "plan9" || got.Arch != "mips" {
		t.Errorf("Of(other machine's tags) = %+v", got)
	}
	if got := Of(map[string]string{"cpus": "64"}); got.CPUs != 64 || got.CPU != here.CPU {
		t.Errorf("Of(cpus=64) = %+v", got)
	}
	if Same(got) {
		t.Errorf("Same(%+v) = true", got)
	}
	if here.CPU != "" {
		if got := Of(map[string]string{"cpu": here.CPU}); got.CPUs != here.CPUs {
			t.Errorf("Of(this CPU) lost the count: %+v", got)
		}
	}
	if !Same(here) {
		t.Errorf("Same(Here()) = false")
	}
}
