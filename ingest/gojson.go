package ingest

// Go test JSON (format "gojson"): the event stream of `go test -json`
// (test2json). The Output text of "output" events is put back together
// per package (test2json splits a benchmark result line into a name event
// and a result event) and fed, streaming, through the gobench parser, so
// keys, units, directions and error handling are those of gobench. Line
// numbers in errors are lines of the JSON input. Every line must be a
// test2json event; a line that is not valid JSON or has fields of the
// wrong type (Output not a string, Time not a string …) is an error.
//
// Failures come from the events, named as gobench names them (see
// goFailures), at the line of the event: a "fail" event of a Benchmark
// test (its indented Output lines are the message); a `panic:` or `fatal
// error:` Output line (the benchmark whose output it is, else the package);
// the package's "fail" event when no benchmark of it failed (the message
// says "[build failed]", the failed tests, or the exit status).

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"sort"
	"strings"

	"github.com/flameiq/git-flameiq/snapshot"
)

func init() {
	register(Format{
		Name:     "gojson",
		Doc:      "go test -json output (test2json events)",
		Detect:   detectGoJSON,
		Parse:    parseGoJSON,
		Priority: 95,
	})
}

func detectGoJSON(head []byte, _ string) bool {
	for _, line := range bytes.Split(head, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		return bytes.HasPrefix(line, []byte(`{"Time":`)) || (line[0] == '{' && bytes.Contains(line, []byte(`"Action":`)))
	}
	return false
}

type testEvent struct {
	Time        string
	Action      string
	Package     string
	Test        string
	Output      *string
	Elapsed     float64
	FailedBuild string
}

// eventText is an io.Reader over the text inside a test2json stream.
type eventText struct {
	name    string
	sc      *bufio.Scanner
	line    int               // current JSON line
	out     bytes.Buffer      // text ready to be read
	partial map[string][]byte // unfinished line per package
	lastPkg string
	lineMap []int // text line (0-based) -> JSON line
	errs    Errors
	done    bool

	fails goFailures
	logs  map[goBench]*goFail // log lines of running benchmarks
}

func parseGoJSON(r io.Reader, name string) (*snapshot.Snapshot, error) {
	r, o := unwrap(r)
	et := &eventText{name: name, sc: bufio.NewScanner(r), partial: map[string][]byte{}}
	et.sc.Buffer(make([]byte, 64<<10), 64<<20)
	s, err := parseGoStream(et, name, func(l int) int {
		if l >= 1 && l <= len(et.lineMap) {
			return et.lineMap[l-1]
		}
		return et.line
	}, &et.fails, o)
	if len(et.errs) > 0 {
		errs := et.errs
		switch e := err.(type) {
		case *Error:
			errs = append(errs, e)
		case Errors:
			errs = append(errs, e...)
		}
		sort.SliceStable(errs, func(i, j int) bool { return errs[i].Line < errs[j].Line })
		if len(errs) == 1 {
			return nil, errs[0]
		}
		return nil, errs
	}
	return s, err
}

func (et *eventText) Read(p []byte) (int, error) {
	for et.out.Len() == 0 && !et.done {
		et.next()
	}
	if et.out.Len() == 0 {
		return 0, io.EOF
	}
	return et.out.Read(p)
}

func (et *eventText) emit(pkg string, text []byte) {
	if pkg != et.lastPkg && pkg != "" {
		et.out.WriteString("pkg: " + pkg + "\n")
		et.lineMap = append(et.lineMap, et.line)
		et.lastPkg = pkg
	}
	et.out.Write(text)
	for range bytes.Count(text, []byte{'\n'}) {
		et.lineMap = append(et.lineMap, et.line)
	}
}

func (et *eventText) next() {
	if !et.sc.Scan() {
		if err := et.sc.Err(); err != nil {
			msg := err.Error()
			if errors.Is(err, bufio.ErrTooLong) {
				msg = "line too long (over 64 MiB)"
			}
			et.errs = append(et.errs, &Error{File: et.name, Line: et.line + 1, Msg: msg})
		}
		for _, pkg := range sortedKeys(et.partial) {
			if rest := et.partial[pkg]; len(rest) > 0 {
				et.emit(pkg, append(rest, '\n'))
			}
		}
		et.partial = nil
		et.done = true
		return
	}
	et.line++
	raw := bytes.TrimSpace(et.sc.Bytes())
	if len(raw) == 0 {
		return
	}
	var ev testEvent
	if err := json.Unmarshal(raw, &ev); err != nil {
		e := jsonError(et.name, raw, err)
		e.Line = et.line
		var ue *json.UnmarshalTypeError
		if !errors.As(err, &ue) && raw[0] != '{' {
			e.Msg = "not a go test -json event: " + e.Msg
		}
		et.errs = append(et.errs, e)
		return
	}
	if ev.Action == "" {
		et.errs = append(et.errs, &Error{File: et.name, Line: et.line, Field: "Action", Msg: "missing: not a go test -json event"})
		return
	}
	et.failure(&ev)
	if ev.Action != "output" || ev.Output == nil {
		return
	}
	buf := append(et.partial[ev.Package], *ev.Output...)
	if i := bytes.LastIndexByte(buf, '\n'); i >= 0 {
		et.emit(ev.Package, buf[:i+1])
		buf = append([]byte(nil), buf[i+1:]...)
	}
	et.partial[ev.Package] = buf
}

// failure records the failure signals of one event.
func (et *eventText) failure(ev *testEvent) {
	bench, isBench := strings.CutPrefix(ev.Test, "Benchmark")
	key := goBench{ev.Package, bench}
	switch ev.Action {
	case "output":
		if ev.Output == nil {
			return
		}
		o := *ev.Output
		switch {
		case isBench && strings.HasPrefix(o, "    "):
			if et.logs == nil {
				et.logs = map[goBench]*goFail{}
			}
			g := et.logs[key]
			if g == nil {
				g = &goFail{}
				et.logs[key] = g
			}
			g.addMsg(o)
		case strings.HasPrefix(o, "panic: ") || strings.HasPrefix(o, "fatal error: "):
			g := &goFail{kind: goPanic, pkg: ev.Package, line: et.line}
			if isBench {
				g.running = bench
			}
			g.addMsg(strings.TrimPrefix(strings.TrimSpace(o), "panic: "))
			et.fails.add(g)
		case strings.HasPrefix(o, "exit status "):
			et.fails.add(&goFail{kind: goExit, pkg: ev.Package, line: et.line, note: strings.TrimSpace(o)})
		}
	case "fail":
		switch {
		case isBench:
			g := &goFail{kind: goBenchFail, pkg: ev.Package, name: bench, line: et.line}
			if l := et.logs[key]; l != nil {
				g.msg, g.msgLen = l.msg, l.msgLen
				delete(et.logs, key)
			}
			et.fails.add(g)
		case ev.Test != "":
			et.fails.add(&goFail{kind: goTestFail, pkg: ev.Package, name: ev.Test, line: et.line})
		default:
			g := &goFail{kind: goPkgFail, pkg: ev.Package, line: et.line}
			if ev.FailedBuild != "" {
				g.note = "[build failed]"
			}
			et.fails.add(g)
		}
	case "pass", "skip":
		delete(et.logs, key)
	}
}
