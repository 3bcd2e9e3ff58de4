package commands

import (
	"strings"

	"github.com/urfave/cli/v2"
)

// interspersed rewrites args so that flags written after positional
// arguments (`bisect GOOD BAD --metric X`, as git users type them) come
// before them, because urfave/cli v2 stops parsing flags at the first
// positional argument. Everything after `--` is left alone.
func interspersed(app *cli.App, args []string) []string {
	if len(args) < 2 {
		return args
	}
	out := []string{args[0]}
	i := 1
	// Global flags, then the command path.
	cmds := app.Commands
	var cmd *cli.Command
	for i < len(args) {
		a := args[i]
		if a == "--" {
			return args
		}
		if strings.HasPrefix(a, "-") {
			out = append(out, a)
			if takesValue(app.Flags, a) && !strings.Contains(a, "=") && i+1 < len(args) {
				out = append(out, args[i+1])
				i++
			}
			i++
			continue
		}
		var found *cli.Command
		for _, c := range cmds {
			if c.HasName(a) {
				found = c
			}
		}
		if found == nil {
			break
		}
		cmd = found
		out = append(out, a)
		i++
		cmds = found.Subcommands
		if len(cmds) == 0 {
			break
		}
	}
	if cmd == nil || len(cmd.Subcommands) > 0 && cmds != nil && i < len(args) && !strings.HasPrefix(args[i], "-") {
		return args
	}
	var global, flags, pos []string
	for i < len(args) {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i:]...)
			break
		}
		if strings.HasPrefix(a, "-") && a != "-" {
			// A global flag (-C, --config, --ref) written after the command
			// goes back before it, where urfave/cli reads it.
			dst, fs := &flags, cmd.Flags
			if !hasFlag(cmd.Flags, a) && hasFlag(app.Flags, a) {
				dst, fs = &global, app.Flags
			}
			*dst = append(*dst, a)
			if takesValue(fs, a) && !strings.Contains(a, "=") && i+1 < len(args) {
				*dst = append(*dst, args[i+1])
				i++
			}
			i++
			continue
		}
		pos = append(pos, a)
		i++
	}
	if len(global) > 0 {
		// Insert before the command path (out = program, globals…, path…).
		n := 1
		for n < len(out) && strings.HasPrefix(out[n], "-") {
			if takesValue(app.Flags, out[n]) && !strings.Contains(out[n], "=") {
				n++
			}
			n++
		}
		out = append(out[:n], append(global, out[n:]...)...)
	}
	out = append(out, flags...)
	return append(out, pos...)
}

// takesValue reports whether the flag named by arg (with its dashes)
// expects a value.
func takesValue(flags []cli.Flag, arg string) bool {
	name := strings.TrimLeft(arg, "-")
	for _, f := range flags {
		for _, n := range f.Names() {
			if n != name {
				continue
			}
			if _, ok := f.(*cli.BoolFlag); ok {
				return false
			}
			return true
		}
	}
	if name == "help" || name == "h" || name == "version" || name == "v" {
		return false
	}
	return false
}

// hasFlag reports whether the flag named by arg (with its dashes, maybe
// with =value) is one of flags.
func hasFlag(flags []cli.Flag, arg string) bool {
	name, _, _ := strings.Cut(strings.TrimLeft(arg, "-"), "=")
	for _, f := range flags {
		for _, n := range f.Names() {
			if n == name {
				return true
			}
		}
	}
	return false
}
