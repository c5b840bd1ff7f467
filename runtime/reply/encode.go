package reply

import (
	"math"
	"strconv"

	"github.com/botgen-dev/botgen/runtime/protocol/jsonstr"
)

// Series is one named series of a chart.
type Series struct {
	Name string
	Y    []float64
}

// ChartJSON returns a Plotly figure {"data": [...], "layout": {...}} for a
// chart of kind "bar", "line" or "pie": a bar trace or a line
// (scatter, lines+markers) trace per series over x, or one pie of the first
// series' values labelled by x. The layout holds the title when there is one.
// An unknown kind is used as the trace type as it is.
func ChartJSON(kind, title string, x []any, series []Series) string {
	b := []byte(`{"data":[`)
	switch kind {
	case "pie":
		b = append(b, `{"type":"pie","labels":`...)
		b = appendArray(b, x)
		b = append(b, `,"values":`...)
		var y []float64
		if len(series) > 0 {
			y = series[0].Y
		}
		b = appendNumbers(b, y)
		if len(series) > 0 && series[0].Name != "" {
			b = append(b, `,"name":`...)
			b = jsonstr.Append(b, series[0].Name)
		}
		b = append(b, '}')
	default:
		for i, s := range series {
			if i > 0 {
				b = append(b, ',')
			}
			switch kind {
			case "bar":
				b = append(b, `{"type":"bar"`...)
			case "line":
				b = append(b, `{"type":"scatter","mode":"lines+markers"`...)
			default:
				b = append(b, `{"type":`...)
				b = jsonstr.Append(b, kind)
			}
			b = append(b, `,"x":`...)
			b = appendArray(b, x)
			b = append(b, `,"y":`...)
			b = appendNumbers(b, s.Y)
			if s.Name != "" {
				b = append(b, `,"name":`...)
				b = jsonstr.Append(b, s.Name)
			}
			b = append(b, '}')
		}
	}
	b = append(b, `],"layout":{`...)
	if title != "" {
		b = append(b, `"title":{"text":`...)
		b = jsonstr.Append(b, title)
		b = append(b, '}')
	}
	b = append(b, `}}`...)
	return string(b)
}

func appendArray(b []byte, vs []any) []byte {
	b = append(b, '[')
	for i, v := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendValue(b, v)
	}
	return append(b, ']')
}

func appendNumbers(b []byte, fs []float64) []byte {
	b = append(b, '[')
	for i, f := range fs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendNumber(b, f)
	}
	return append(b, ']')
}

// appendValue appends a cell or axis value as JSON.
func appendValue(b []byte, v any) []byte {
	switch x := v.(type) {
	case float64:
		return appendNumber(b, x)
	case float32:
		return appendNumber(b, float64(x))
	case int:
		return strconv.AppendInt(b, int64(x), 10)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case string:
		return jsonstr.Append(b, x)
	case bool:
		return strconv.AppendBool(b, x)
	}
	return append(b, "null"...)
}

// appendNumber appends f as encoding/json writes a float64: integers without
// a decimal point, exponents only for very large or small magnitudes. NaN and
// infinities, which JSON cannot carry, are null (as pandas writes NaN).
func appendNumber(b []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// Clean up e-09 to e-9, as encoding/json does.
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}
