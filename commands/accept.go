package commands

import fstore "github.com/flameiq/git-flameiq/internal/store"

// parseAcceptances finds `Perf-Accepted: <glob>: <reason>` lines in text
// (see fstore.ParseAcceptances).
var parseAcceptances = fstore.ParseAcceptances
