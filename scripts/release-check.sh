#!/usr/bin/env bash
# Checks the release configuration without publishing anything.
#
#   scripts/release-check.sh            # goreleaser check (installing it once if needed),
#                                       # then a cross build of every target
#   scripts/release-check.sh --no-build # configuration checks only
#
# 1. `goreleaser check` on .goreleaser.yaml. goreleaser is taken from PATH or
#    $(go env GOPATH)/bin, else installed once with `go install` at
#    $GORELEASER_VERSION (default v2.17.0: goreleaser v2.18 and later need Go
#    1.27; set GORELEASER_VERSION=latest on a newer Go). When it cannot be
#    installed (no network, old Go) the script says so and falls back to a
#    structural check of the file written in Go (schema version 2, the six
#    targets, CGO_ENABLED=0, the version ldflags, archives, checksum);
#    RELEASE_CHECK_FALLBACK=1 forces that fallback.
# 2. Unless --no-build: `go build` for linux, darwin and windows on amd64 and
#    arm64 with the ldflags of .goreleaser.yaml, into a temporary directory,
#    and the host binary must print the injected version.
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
for arg in "$@"; do
	case "$arg" in
	--no-build) build=0 ;;
	-h | --help)
		sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "release-check: unknown argument $arg" >&2
		exit 2
		;;
	esac
done

config=.goreleaser.yaml
[ -f "$config" ] || { echo "release-check: $config not found" >&2; exit 1; }
version="${GORELEASER_VERSION:-v2.17.0}"
gobin="$(go env GOPATH)/bin"

find_goreleaser() {
	if command -v goreleaser >/dev/null 2>&1; then
		command -v goreleaser
	elif [ -x "$gobin/goreleaser" ]; then
		echo "$gobin/goreleaser"
	fi
}

goreleaser="$(find_goreleaser)"
if [ "${RELEASE_CHECK_FALLBACK:-}" = 1 ]; then
	goreleaser="" # test the fallback
elif [ -z "$goreleaser" ]; then
	echo "release-check: goreleaser not found; trying once: go install github.com/goreleaser/goreleaser/v2@$version"
	log="$(mktemp)"
	if go install "github.com/goreleaser/goreleaser/v2@$version" >"$log" 2>&1; then
		goreleaser="$(find_goreleaser)"
	else
		echo "release-check: could not install goreleaser:"
		tail -n 3 "$log" | sed 's/^/  /'
	fi
	rm -f "$log"
fi

if [ -n "$goreleaser" ]; then
	echo "release-check: $("$goreleaser" --version 2>/dev/null | grep -m1 -i '^GitVersion' || echo goreleaser) — goreleaser check"
	"$goreleaser" check --config "$config"
else
	echo "release-check: goreleaser unavailable — falling back to a structural check of $config (NOT goreleaser's own validation)"
	checker="$(mktemp -d)"
	trap 'rm -rf "$checker"' EXIT
	cat >"$checker/check.go" <<'EOF'
// Structural check of .goreleaser.yaml when goreleaser itself is not available.
package main

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

type config struct {
	Version     int    `yaml:"version"`
	ProjectName string `yaml:"project_name"`
	Before      any    `yaml:"before"`
	Builds      []struct {
		ID      string   `yaml:"id"`
		Main    string   `yaml:"main"`
		Binary  string   `yaml:"binary"`
		Env     []string `yaml:"env"`
		Goos    []string `yaml:"goos"`
		Goarch  []string `yaml:"goarch"`
		Flags   []string `yaml:"flags"`
		Ldflags []string `yaml:"ldflags"`
		ModTime string   `yaml:"mod_timestamp"`
	} `yaml:"builds"`
	Archives []struct {
		ID              string   `yaml:"id"`
		IDs             []string `yaml:"ids"`
		Formats         []string `yaml:"formats"`
		FormatOverrides []struct {
			Goos    string   `yaml:"goos"`
			Formats []string `yaml:"formats"`
		} `yaml:"format_overrides"`
		NameTemplate string   `yaml:"name_template"`
		Files        []string `yaml:"files"`
	} `yaml:"archives"`
	Checksum struct {
		NameTemplate string `yaml:"name_template"`
		Algorithm    string `yaml:"algorithm"`
	} `yaml:"checksum"`
	Release   any `yaml:"release"`
	Snapshot  any `yaml:"snapshot"`
	Changelog any `yaml:"changelog"`
}

func main() {
	f, err := os.Open(os.Args[1])
	if err != nil {
		fail("%v", err)
	}
	dec := yaml.NewDecoder(f)
	dec.KnownFields(true) // a misspelt key is an error, as goreleaser check reports it
	var c config
	if err := dec.Decode(&c); err != nil {
		fail("%s: %v", os.Args[1], err)
	}
	if c.Version != 2 {
		fail("version: want 2, got %d", c.Version)
	}
	if len(c.Builds) == 0 {
		fail("builds: none")
	}
	for _, b := range c.Builds {
		for _, goos := range []string{"linux", "darwin", "windows"} {
			if !slices.Contains(b.Goos, goos) {
				fail("builds[%s].goos lacks %s", b.ID, goos)
			}
		}
		for _, arch := range []string{"amd64", "arm64"} {
			if !slices.Contains(b.Goarch, arch) {
				fail("builds[%s].goarch lacks %s", b.ID, arch)
			}
		}
		if !slices.Contains(b.Env, "CGO_ENABLED=0") {
			fail("builds[%s].env lacks CGO_ENABLED=0", b.ID)
		}
		ld := strings.Join(b.Ldflags, " ")
		for _, want := range []string{"-s", "-w", "-X github.com/flameiq/git-flameiq/commands.Version={{.Version}}"} {
			if !strings.Contains(" "+ld+" ", " "+want+" ") {
				fail("builds[%s].ldflags lack %q", b.ID, want)
			}
		}
	}
	if len(c.Archives) == 0 {
		fail("archives: none")
	}
	if c.Checksum.NameTemplate == "" {
		fail("checksum.name_template: empty")
	}
	fmt.Printf("structure ok: version 2, %d build(s) × linux/darwin/windows × amd64/arm64, CGO_ENABLED=0, version ldflags, %d archive(s), checksum\n",
		len(c.Builds), len(c.Archives))
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "release-check: "+format+"\n", args...)
	os.Exit(1)
}
EOF
	go run "$checker/check.go" "$config"
fi

if [ "$build" = 1 ]; then
	out="$(mktemp -d)"
	trap 'rm -rf "$out" ${checker:+"$checker"}' EXIT
	want="v0.0.0-release-check"
	ldflags="-s -w -X github.com/flameiq/git-flameiq/commands.Version=$want"
	for goos in linux darwin windows; do
		for goarch in amd64 arm64; do
			ext=""
			[ "$goos" = windows ] && ext=".exe"
			printf 'release-check: build %s/%s ... ' "$goos" "$goarch"
			CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch go build -trimpath -ldflags "$ldflags" \
				-o "$out/git-flameiq-$goos-$goarch$ext" .
			echo ok
		done
	done
	host="$out/git-flameiq-$(go env GOOS)-$(go env GOARCH)"
	[ "$(go env GOOS)" = windows ] && host="$host.exe"
	if [ -x "$host" ]; then
		got="$("$host" --version 2>&1 || true)"
		case "$got" in
		*"$want"*) echo "release-check: version injection ok: $got" ;;
		*)
			echo "release-check: the version ldflags did not reach the binary: --version printed: $got" >&2
			exit 1
			;;
		esac
	fi
fi
echo "release-check: ok"
