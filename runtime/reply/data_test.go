package reply

import (
	"strings"
	"testing"

	"github.com/botgen-dev/botgen/runtime/value"
)

func TestTableOf(t *testing.T) {
	rows := []value.Value{
		value.RecordOf("id", 1001.0, "item", "kettle", "total", 39.9, "late", false),
		value.RecordOf("id", 1002.0, "item", "tea/pot", "total", 18.0, "late", true, "note", "café"),
		value.RecordOf("id", 1003.0, "item", nil, "late", false, "tags", []value.Value{"a", 1.0}),
	}
	r, err := TableOf(rows)
	if err != nil {
		t.Fatal(err)
	}
	// As pandas.DataFrame(rows).to_json() writes it: a column of whole
	// numbers as integers, one with a fraction (or a missing cell) as
	// floats, strings escaped as pandas escapes them.
	want := `{"id":{"0":1001,"1":1002,"2":1003},` +
		`"item":{"0":"kettle","1":"tea\/pot","2":null},` +
		`"total":{"0":39.9,"1":18.0,"2":null},` +
		`"late":{"0":false,"1":true,"2":false},` +
		`"note":{"0":null,"1":"caf\u00e9","2":null},` +
		`"tags":{"0":null,"1":null,"2":["a",1]}}`
	if r.Kind != DataFrame || r.Text != want {
		t.Errorf("got %s %s\nwant %s", r.Kind, r.Text, want)
	}
	if r, err := TableOf([]value.Value{}); err != nil || r.Text != "{}" {
		t.Errorf("empty table: %q %v", r.Text, err)
	}
	if r, err := TableOf([]value.Value{value.RecordOf("n", 2.0), value.RecordOf("n", "x")}); err != nil || r.Text != `{"n":{"0":2,"1":"x"}}` {
		t.Errorf("mixed column: %q %v", r.Text, err)
	}
	for _, c := range []struct {
		v    value.Value
		want string
	}{
		{value.RecordOf(), "a table: expected a list, got a record"},
		{[]value.Value{value.RecordOf("a", 1.0), 2.0}, "a table: element 1 of the list is a number, not a record"},
	} {
		if _, err := TableOf(c.v); err == nil || err.Error() != c.want {
			t.Errorf("TableOf(%s): %v, want %s", value.Text(c.v), err, c.want)
		}
	}
}

func TestOptionsOf(t *testing.T) {
	r, err := OptionsOf([]value.Value{"kettle", "tea"})
	if err != nil || r != NewOptions("kettle", "tea") {
		t.Errorf("%+v %v", r, err)
	}
	if _, err := OptionsOf([]value.Value{"a", nil}); err == nil || !strings.Contains(err.Error(), "element 1 of the list is null, not a string") {
		t.Errorf("options of a null: %v", err)
	}
}

func TestChartOf(t *testing.T) {
	months := []value.Value{"Sep", "Oct"}
	r, err := ChartOf("bar", "Units sold", months, []DataSeries{{Name: "units", Y: []value.Value{120.0, 95.0}}})
	if err != nil {
		t.Fatal(err)
	}
	// The same figure as the chart written in the source.
	want := ChartJSON("bar", "Units sold", []any{"Sep", "Oct"}, []Series{{Name: "units", Y: []float64{120, 95}}})
	if r.Kind != Plotly || r.Text != want {
		t.Errorf("got %s\nwant %s", r.Text, want)
	}
	for _, c := range []struct {
		x    value.Value
		y    value.Value
		want string
	}{
		{months, []value.Value{1.0}, `the chart's x has 2 values, its y "units" 1: they must have as many`},
		{months, []value.Value{1.0, "2"}, `the chart's y "units": element 1 of the list is a string, not a number`},
		{[]value.Value{true}, []value.Value{1.0}, "the chart's x: element 0 of the list is a bool, not a number or a string"},
		{nil, []value.Value{}, "the chart's x: expected a list, got null"},
	} {
		if _, err := ChartOf("line", "", c.x, []DataSeries{{Name: "units", Y: c.y}}); err == nil || err.Error() != c.want {
			t.Errorf("ChartOf: %v\nwant %s", err, c.want)
		}
	}
}
