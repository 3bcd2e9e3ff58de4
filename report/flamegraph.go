package report

import (
	"encoding/json"
	"html/template"
	"io"
	"strconv"
	"sync"

	"github.com/flameiq/git-flameiq/profile"
)

// FlameGraphOptions tune FlameGraph.
type FlameGraphOptions struct {
	// MinShare drops flame-graph frames below this fraction of both sides'
	// totals (default 0.001, i.e. 0.1 %); the page stays small on profiles
	// with hundreds of thousands of stacks.
	MinShare float64
	// Top is the number of rows in the top-changes table (default 30).
	Top int
}

// flameData is the JSON the flame graph page reads.
type flameData struct {
	Title      string                 `json:"title"`
	BaseCommit string                 `json:"base_commit"`
	HeadCommit string                 `json:"head_commit"`
	SampleType string                 `json:"sample_type"`
	Unit       string                 `json:"unit"`
	BaseTotal  int64                  `json:"base_total"`
	HeadTotal  int64                  `json:"head_total"`
	PerOpUnit  string                 `json:"per_op_unit,omitempty"`
	Names      []string               `json:"names"`
	Tree       flameTree              `json:"tree"`
	Functions  []profile.FunctionDiff `json:"functions"`
}

// flameTree encodes a node compactly as [name, base, head, [children]].
type flameTree struct{ root *profile.FlameNode }

// MarshalJSON implements json.Marshaler.
func (t flameTree) MarshalJSON() ([]byte, error) { return appendFlame(nil, t.root), nil }

func appendFlame(b []byte, n *profile.FlameNode) []byte {
	b = append(b, '[')
	b = strconv.AppendInt(b, int64(n.Name), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, n.Base, 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, n.Head, 10)
	b = append(b, ",["...)
	for i, k := range n.Kids {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendFlame(b, k)
	}
	return append(b, "]]"...)
}

// flameTemplate is parsed on first use; the page's script is inlined from
// its own file as it is (html/template would strip its comments).
var flameTemplate = sync.OnceValues(func() (*template.Template, template.JS) {
	js, err := templates.ReadFile("templates/flamegraph.js")
	if err != nil {
		panic(err)
	}
	return template.Must(template.ParseFS(templates, "templates/flamegraph.html")), template.JS(js)
})

// FlameGraph writes one self-contained, offline HTML page (inline CSS and
// JS, no external resources) with a differential flame graph of the
// profiles behind r — frame width from head, colour from the change of
// the frame's normalised share (red grew, blue shrank), hover and click
// details with base → head, click to zoom, a search box — and the table of
// the top changes from r.Functions. Data is embedded as JSON (with <, >
// and & escaped) and the page builds its DOM with textContent only, so
// frame names cannot inject markup.
func FlameGraph(w io.Writer, r *profile.DiffResult, m ProfileMeta, o FlameGraphOptions) error {
	if o.MinShare <= 0 {
		o.MinShare = 0.001
	}
	if o.Top <= 0 {
		o.Top = 30
	}
	fg, err := r.Flame(o.MinShare)
	if err != nil {
		return err
	}
	fs := r.Functions
	if len(fs) > o.Top {
		fs = fs[:o.Top]
	}
	if fs == nil {
		fs = []profile.FunctionDiff{}
	}
	title := "profile diff"
	if m.Name != "" {
		title = m.Name + " profile diff"
	}
	d := flameData{Title: title, BaseCommit: m.BaseCommit, HeadCommit: m.HeadCommit,
		SampleType: r.SampleType, Unit: r.Unit, BaseTotal: r.BaseTotal, HeadTotal: r.HeadTotal,
		PerOpUnit: r.PerOpUnit, Names: fg.Names, Tree: flameTree{fg.Root}, Functions: fs}
	js, err := json.Marshal(d) // escapes <, > and &: safe inside <script>
	if err != nil {
		return err
	}
	t, script := flameTemplate()
	return t.Execute(w, struct {
		Title        string
		Data, Script template.JS
	}{title, template.JS(js), script})
}
