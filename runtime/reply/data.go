package reply

import (
	"fmt"
	"math"
	"strconv"

	"github.com/botgen-dev/botgen/runtime/value"
)

// This file builds the replies whose data is computed when the bot runs
// (reply table EXPR, reply options EXPR, a chart of lists) from values of
// the language: what they send is what the same replies written in the
// .bot file send.

// TableOf returns the table of rows, a list of records, as pandas writes
// DataFrame(rows).to_json(): a column per field, the first record's fields
// in order, then any field a later record adds; a record without a
// column's field has null there. A column is typed as pandas types one
// built from the same JSON: integers when every cell is a whole number,
// floats when every cell is a number and one is not whole or is missing
// (18 is then sent as 18.0), each cell as it is otherwise. A record or a
// list in a cell is sent as JSON. An element that is not a record is an
// error.
func TableOf(rows value.Value) (Reply, error) {
	list, err := value.List(rows)
	if err != nil {
		return Reply{}, fmt.Errorf("a table: %w", err)
	}
	var columns []string
	index := map[string]int{}
	for i, row := range list {
		r, ok := row.(*value.Record)
		if !ok || r == nil {
			return Reply{}, fmt.Errorf("a table: element %d of the list is %s, not a record", i, kindName(row))
		}
		for name := range r.All() {
			if _, ok := index[name]; !ok {
				index[name] = len(columns)
				columns = append(columns, name)
			}
		}
	}
	cells := make([][]any, len(list))
	for i, row := range list {
		r := row.(*value.Record)
		cells[i] = make([]any, len(columns))
		for c, name := range columns {
			if v, ok := r.Get(name); ok {
				cells[i][c] = v
			}
		}
	}
	for c := range columns {
		typeColumn(cells, c)
	}
	return Reply{Kind: DataFrame, Text: TableJSON(columns, cells)}, nil
}

// typeColumn gives the cells of column c the Go types TableJSON writes as
// pandas would hold them.
func typeColumn(rows [][]any, c int) {
	numbers, whole, missing := true, true, false
	for _, row := range rows {
		switch x := row[c].(type) {
		case nil:
			missing = true
		case float64:
			whole = whole && x == math.Trunc(x) && math.Abs(x) < 1<<63
		default:
			numbers = false
		}
	}
	for _, row := range rows {
		switch x := row[c].(type) {
		case float64:
			if numbers && (!whole || missing) {
				continue // a float column: float64 is written as one
			}
			if x == math.Trunc(x) && math.Abs(x) < 1<<63 {
				row[c] = int64(x)
			}
		case *value.Record, []value.Value:
			row[c] = pandasJSON(appendPandasNested(nil, x))
		}
	}
}

// pandasJSON is a cell already written as JSON.
type pandasJSON []byte

// appendPandasNested appends a record or a list in a cell as pandas writes
// a dict or a list: its strings escaped as pandas escapes them.
func appendPandasNested(b []byte, v value.Value) []byte {
	switch x := v.(type) {
	case *value.Record:
		if x == nil {
			return append(b, "null"...)
		}
		b = append(b, '{')
		for i := range x.Len() {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendPandasString(b, x.Name(i))
			b = append(b, ':')
			b = appendPandasNested(b, x.At(i))
		}
		return append(b, '}')
	case []value.Value:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendPandasNested(b, e)
		}
		return append(b, ']')
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<63 {
			return strconv.AppendInt(b, int64(x), 10)
		}
	}
	return appendPandasValue(b, v)
}

// OptionsOf returns the options reply of labels, a list of strings.
func OptionsOf(labels value.Value) (Reply, error) {
	list, err := value.List(labels)
	if err != nil {
		return Reply{}, fmt.Errorf("options: %w", err)
	}
	out := make([]string, len(list))
	for i, l := range list {
		s, ok := l.(string)
		if !ok {
			return Reply{}, fmt.Errorf("options: element %d of the list is %s, not a string", i, kindName(l))
		}
		out[i] = s
	}
	return NewOptions(out...), nil
}

// DataSeries is a series of a chart whose values are computed: Y is a list
// of numbers.
type DataSeries struct {
	Name string
	Y    value.Value
}

// ChartOf returns the Plotly figure of a chart whose x values (a list of
// numbers or strings) or series are computed, as ChartJSON writes a chart
// written in the .bot file. Every series must have as many values as x.
func ChartOf(kind, title string, x value.Value, series []DataSeries) (Reply, error) {
	xs, err := value.List(x)
	if err != nil {
		return Reply{}, fmt.Errorf("the chart's x: %w", err)
	}
	for i, v := range xs {
		switch v.(type) {
		case float64, string:
		default:
			return Reply{}, fmt.Errorf("the chart's x: element %d of the list is %s, not a number or a string", i, kindName(v))
		}
	}
	out := make([]Series, len(series))
	for i, s := range series {
		name := "y"
		if s.Name != "" {
			name = "y " + strconv.Quote(s.Name)
		}
		ys, err := value.List(s.Y)
		if err != nil {
			return Reply{}, fmt.Errorf("the chart's %s: %w", name, err)
		}
		if len(ys) != len(xs) {
			return Reply{}, fmt.Errorf("the chart's x has %d values, its %s %d: they must have as many", len(xs), name, len(ys))
		}
		out[i] = Series{Name: s.Name, Y: make([]float64, len(ys))}
		for k, v := range ys {
			f, ok := v.(float64)
			if !ok {
				return Reply{}, fmt.Errorf("the chart's %s: element %d of the list is %s, not a number", name, k, kindName(v))
			}
			out[i].Y[k] = f
		}
	}
	return Reply{Kind: Plotly, Text: ChartJSON(kind, title, xs, out)}, nil
}

// kindName names the kind of v with its article, for messages.
func kindName(v value.Value) string {
	switch k := value.KindOf(v); k {
	case value.KindNull:
		return "null"
	case value.KindInvalid:
		return "an invalid value"
	default:
		return "a " + k.String()
	}
}
