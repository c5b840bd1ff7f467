package knowledge

import (
	"errors"
	"testing"
)

// FuzzLoad checks that no input makes Load panic or fail otherwise than
// with ErrCorrupt, ErrVersion or ErrNotIndex, and that an index it accepts searches
// without fault.
func FuzzLoad(f *testing.F) {
	f.Add(Build(shop, "en").Encode())
	f.Add(Build(nil, "en").Encode())
	f.Add(Build(shop[:1], "").Encode())
	doc, err := Split("guide.html", []byte("<h1>Guide</h1><p>Open at nine.</p><h2>Refunds</h2><p>Within thirty days.</p>"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(Build(doc, "fr").Encode())
	f.Fuzz(func(t *testing.T, data []byte) {
		x, err := Load(data)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrNotIndex) && !errors.Is(err, ErrVersion) {
				t.Fatalf("an error neither corrupt, nor another version, nor not an index: %v", err)
			}
			return
		}
		searchAll(t, x)
		for i := range x.Len() {
			x.Passage(i)
		}
	})
}
