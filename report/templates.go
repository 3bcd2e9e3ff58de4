package report

import "embed"

// templates holds the HTML pages (html/template) and the scripts they
// inline: templates/report.html is the page of HTML, HistoryHTML and
// Review.HTML; templates/flamegraph.html and flamegraph.js are FlameGraph's.
//
//go:embed templates
var templates embed.FS
