package profile

import (
	"os"
	"testing"
)

func TestRecordRoundTrip(t *testing.T) {
	for _, f := range []string{"go-cpu/cpu-base.pprof", "folded/base.folded"} {
		data, err := os.ReadFile(corpus + "/" + f)
		if err != nil {
			t.Fatal(err)
		}
		p, err := Parse(data, f)
		if err != nil {
			t.Fatal(err)
		}
		line, err := EncodeRecord("id1", "cpu", "Encode-2:sec/op", p)
		if err != nil {
			t.Fatal(err)
		}
		recs, errs := DecodeNote(append(append(line, '\n'), "not json\n"...))
		if len(recs) != 1 || len(errs) != 1 {
			t.Fatalf("%s: %d records, %d errors; want 1 and 1", f, len(recs), len(errs))
		}
		r := recs[0]
		if r.Name != "cpu" || r.Metric != "Encode-2:sec/op" || r.Kind != p.Kind || r.ID != "id1" {
			t.Errorf("%s: record %+v", f, r)
		}
		q, err := r.Load()
		if err != nil {
			t.Fatal(err)
		}
		a, _ := p.Aggregate("")
		b, _ := q.Aggregate("")
		if a.Total != b.Total || len(a.Names) != len(b.Names) {
			t.Errorf("%s: totals %d vs %d, functions %d vs %d", f, a.Total, b.Total, len(a.Names), len(b.Names))
		}
		merged, metric, err := LoadMerged([]Record{r, r}, "cpu")
		if err != nil || metric != "Encode-2:sec/op" {
			t.Fatalf("%s: LoadMerged: %v %q", f, err, metric)
		}
		m, _ := merged.Aggregate("")
		if m.Total != 2*a.Total {
			t.Errorf("%s: merged total %d, want %d", f, m.Total, 2*a.Total)
		}
	}
}
