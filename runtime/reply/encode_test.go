package reply

import (
	"encoding/json"
	"math"
	"testing"
)

func TestTableJSON(t *testing.T) {
	tests := []struct {
		name    string
		columns []string
		rows    [][]any
		want    string
	}{
		{"pandas shape", []string{"region", "revenue"}, [][]any{{"North", 120.5}, {"South", 98.0}},
			`{"region":{"0":"North","1":"South"},"revenue":{"0":120.5,"1":98.0}}`},
		{"column order kept", []string{"z", "a", "m"}, [][]any{{int64(1), 2, uint64(3)}},
			`{"z":{"0":1},"a":{"0":2},"m":{"0":3}}`},
		{"no rows", []string{"a", "b"}, nil, `{"a":{},"b":{}}`},
		{"no columns", nil, [][]any{{1.0}}, `{}`},
		{"escapes and unicode", []string{`say "hi"`}, [][]any{{"a\\b\n\tc <é> 🥶\u2028\x01/\x7f"}},
			`{"say \"hi\"":{"0":"a\\b\n\tc <\u00e9> \ud83e\udd76\u2028\u0001\/` + "\x7f" + `"}}`},
		{"missing cells, other types", []string{"a", "b", "c"}, [][]any{{"x"}, {true, nil, math.NaN()}, {-0.25, 1e21, 3}},
			`{"a":{"0":"x","1":true,"2":-0.25},"b":{"0":null,"1":null,"2":1e+21},"c":{"0":null,"1":null,"2":3}}`},
		{"ten rows", []string{"n"}, [][]any{{0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}, {8}, {9}, {10}},
			`{"n":{"0":0,"1":1,"2":2,"3":3,"4":4,"5":5,"6":6,"7":7,"8":8,"9":9,"10":10}}`},
		{"floats as pandas writes them", []string{"x"}, [][]any{{1e-7}, {123456789012.0}, {0.1}, {1e16}, {1e-16}, {-1e-11}, {-0.0}, {0.123456789012}, {math.Inf(1)}, {float32(0.5)}},
			`{"x":{"0":0.0000001,"1":123456789012.0,"2":0.1,"3":10000000000000000.0,"4":1e-16,"5":-0.0,"6":0.0,"7":0.123456789,"8":null,"9":0.5}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := TableJSON(tt.columns, tt.rows)
			if got != tt.want {
				t.Fatalf("got  %s\nwant %s", got, tt.want)
			}
			if !json.Valid([]byte(got)) {
				t.Fatalf("invalid JSON %s", got)
			}
		})
	}
}

func TestChartJSON(t *testing.T) {
	x := []any{"Q1", "Q2", "Q3"}
	tests := []struct {
		name   string
		kind   string
		title  string
		x      []any
		series []Series
		want   string
	}{
		{"bar", "bar", "Revenue by quarter", x, []Series{{Y: []float64{120.5, 131.25, 140}}},
			`{"data":[{"type":"bar","x":["Q1","Q2","Q3"],"y":[120.5,131.25,140]}],"layout":{"title":{"text":"Revenue by quarter"}}}`},
		{"bars, named series", "bar", "R", x, []Series{{Name: "2025", Y: []float64{1, 2, 3}}, {Name: "2026", Y: []float64{4, 5, 6}}},
			`{"data":[{"type":"bar","x":["Q1","Q2","Q3"],"y":[1,2,3],"name":"2025"},{"type":"bar","x":["Q1","Q2","Q3"],"y":[4,5,6],"name":"2026"}],"layout":{"title":{"text":"R"}}}`},
		{"line, numeric x", "line", "Visitors", []any{1.0, 2.0}, []Series{{Name: "web", Y: []float64{10, 20.5}}},
			`{"data":[{"type":"scatter","mode":"lines+markers","x":[1,2],"y":[10,20.5],"name":"web"}],"layout":{"title":{"text":"Visitors"}}}`},
		{"pie", "pie", "Share", []any{"a", "b"}, []Series{{Y: []float64{30, 70}}},
			`{"data":[{"type":"pie","labels":["a","b"],"values":[30,70]}],"layout":{"title":{"text":"Share"}}}`},
		{"no title", "bar", "", []any{"a"}, []Series{{Y: []float64{1}}},
			`{"data":[{"type":"bar","x":["a"],"y":[1]}],"layout":{}}`},
		{"pie without series", "pie", "", nil, nil,
			`{"data":[{"type":"pie","labels":[],"values":[]}],"layout":{}}`},
		{"escapes as the wire does", "bar", "a\x7f\x01\n\"<b>\"", []any{"ü"}, []Series{{Name: "\\", Y: []float64{1}}},
			`{"data":[{"type":"bar","x":["ü"],"y":[1],"name":"\\"}],"layout":{"title":{"text":"a\u007f\u0001\n\"<b>\""}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ChartJSON(tt.kind, tt.title, tt.x, tt.series)
			if got != tt.want {
				t.Fatalf("got  %s\nwant %s", got, tt.want)
			}
			if !json.Valid([]byte(got)) {
				t.Fatalf("invalid JSON %s", got)
			}
		})
	}
}

// appendNumber writes what encoding/json writes.
func TestAppendNumberMatchesJSON(t *testing.T) {
	for _, f := range []float64{0, -0.5, 1, 98, 120.5, 1e20, 1e21, 1.5e-6, 9.9e-7, 1e-9, -3e300, 0.1 + 0.2} {
		want, _ := json.Marshal(f)
		if got := string(appendNumber(nil, f)); got != string(want) {
			t.Errorf("appendNumber(%v) = %s, want %s", f, got, want)
		}
	}
}

func TestConstructors(t *testing.T) {
	if got, want := NewOptions("Yes", `"No"`, "<b>\x7f").Text, `{"0": "Yes", "1": "\"No\"", "2": "<b>\u007f"}`; got != want {
		t.Errorf("NewOptions = %s, want %s", got, want)
	}
	if r := NewImage([]byte("jpg")); r.Kind != Image || r.Text != "anBn" || r.Empty() {
		t.Errorf("NewImage = %+v", r)
	}
	if r := NewFile("a.txt", "text/plain", []byte("hi")); r.Message() != r.File || r.File.Base64 != "aGk=" || r.Empty() {
		t.Errorf("NewFile = %+v", r)
	}
	if r := NewLocation(1.5, -2); r.Message() != r.Location || r.Empty() {
		t.Errorf("NewLocation = %+v", r)
	}
	if r := NewText(Str, ""); !r.Empty() || r.Message() != "" {
		t.Errorf("empty text = %+v", r)
	}
}
