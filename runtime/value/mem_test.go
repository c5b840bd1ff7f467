package value

import (
	"runtime"
	"strings"
	"testing"
)

// TestDecodeJSONMemoryIsBounded: whatever the shape of the input, what
// DecodeJSON allocates is a small multiple of the input's size.
func TestDecodeJSONMemoryIsBounded(t *testing.T) {
	const n = 1 << 20
	fill := func(open, item, close string) []byte {
		var b strings.Builder
		b.WriteString(open)
		for b.Len() < n-len(item)-len(close)-1 {
			b.WriteString(item)
			b.WriteByte(',')
		}
		b.WriteString(item)
		b.WriteString(close)
		return []byte(b.String())
	}
	shapes := map[string][]byte{
		"zeros":             fill("[", "0", "]"),
		"numbers":           fill("[", "1e5", "]"),
		"empty lists":       fill("[", "[]", "]"),
		"empty records":     fill("[", "{}", "]"),
		"one-field records": fill("[", `{"a":1}`, "]"),
		"strings":           fill("[", `"x"`, "]"),
		"keys":              fill("{", `"k":0`, "}"),
		"nested lists":      fill("[", "[[[[1]]]]", "]"),
	}
	for name, data := range shapes {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		v, err := DecodeJSON(data, Limits{})
		runtime.ReadMemStats(&after)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		allocated := float64(after.TotalAlloc-before.TotalAlloc) / float64(len(data))
		runtime.GC()
		runtime.ReadMemStats(&after)
		held := float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / float64(len(data))
		runtime.KeepAlive(v)
		t.Logf("%-18s allocates %5.1f× its size, holds %5.1f×", name, allocated, held)
		if allocated > 48 || held > 24 {
			t.Errorf("%s: allocates %.1f× its size, holds %.1f×", name, allocated, held)
		}
	}
}
