package knowledge

import (
	"errors"
	"testing"
	"unicode/utf8"
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

// FuzzSplit checks that no document, of any supported kind, makes Split
// panic, that what it accepts is UTF-8 passages of bounded size from that
// document, and that they index and search without fault.
func FuzzSplit(f *testing.F) {
	f.Add("guide.md", []byte("# Guide\n\nOpen at nine.\n\n## Refunds\n\nWithin thirty days.\n\n```\n# not a heading\n```\n"))
	f.Add("faq.txt", []byte("Do you ship abroad?\nYes.\n\n\nGift cards?\nFrom 10 EUR.\n"))
	f.Add("club.html", []byte("<html><head><title>x</title><style>p{}</style></head><body><h1>Club</h1><p>First &amp; third Thursday.</p><script>x()</script><h2>Join</h2><p>Free</body>"))
	f.Add("notes.markdown", []byte("Title\n=====\n\ntext\n---\n\n    code\n"))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		for _, ext := range []string{".md", ".txt", ".html"} {
			passages, err := Split(name+ext, data)
			if err != nil {
				continue
			}
			for _, p := range passages {
				if !utf8.ValidString(p.Text) || !utf8.ValidString(p.Title) {
					t.Fatalf("%s: a passage is not UTF-8: %q", ext, p.Text)
				}
				if len(p.Text) > 4*MaxPassageChars || p.Source != name+ext {
					t.Fatalf("%s: passage of %d bytes from %q", ext, len(p.Text), p.Source)
				}
			}
			searchAll(t, Build(passages, "en"))
		}
	})
}
