package commands

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

func init() { commandList = append(commandList, cmdMan, cmdCompletion) }

// cmdMan prints the man page generated from the CLI definition, so that
// `git help flameiq` (and `git flameiq --help`, which git turns into it)
// works once git-flameiq.1 is on MANPATH.
func cmdMan(e *env) *cli.Command {
	return &cli.Command{
		Name:  "man",
		Usage: "print the man page (roff), generated from the CLI definition",
		Description: `git turns 'git flameiq --help' into 'git help flameiq', which reads the man
page git-flameiq(1); go install does not install one. Write it where man looks:

   mkdir -p ~/.local/share/man/man1
   git flameiq man > ~/.local/share/man/man1/git-flameiq.1

'git flameiq -h' and 'git flameiq help CMD' print the help without it.`,
		Action: func(c *cli.Context) error {
			m, err := c.App.ToManWithSection(1)
			if err != nil {
				return err
			}
			_, err = fmt.Fprint(e.stdout, m)
			return err
		},
	}
}

const bashCompletion = `# bash completion for git flameiq and git-flameiq
_git_flameiq() {
  local cur words
  cur="${COMP_WORDS[COMP_CWORD]}"
  words=("${COMP_WORDS[@]:2:COMP_CWORD-2}")
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "$(git-flameiq "${words[@]}" ${cur} --generate-bash-completion 2>/dev/null)" -- "$cur") )
  else
    COMPREPLY=( $(compgen -W "$(git-flameiq "${words[@]}" --generate-bash-completion 2>/dev/null)" -- "$cur") )
  fi
}
_git_flameiq_direct() {
  COMP_WORDS=(git "${COMP_WORDS[@]}"); COMP_CWORD=$((COMP_CWORD+1)); _git_flameiq
}
complete -o default -F _git_flameiq_direct git-flameiq
`

func cmdCompletion(e *env) *cli.Command {
	return &cli.Command{
		Name:  "completion",
		Usage: "print the bash completion script (git's completion calls _git_flameiq for `git flameiq`)",
		Description: `Example:
   git flameiq completion > ~/.local/share/bash-completion/completions/git-flameiq`,
		Action: func(c *cli.Context) error {
			_, err := fmt.Fprint(e.stdout, bashCompletion)
			return err
		},
	}
}
