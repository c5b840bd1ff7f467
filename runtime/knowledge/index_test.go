package knowledge

import (
	"bytes"
	"errors"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
)

var shop = []Passage{
	{"faq.md", "Opening hours", "The shop opens at nine and closes at five, Monday to Friday."},
	{"faq.md", "Parking", "Customers park for free behind the shop."},
	{"faq.md", "Returns", "Return an item within thirty days with its receipt for a refund."},
	{"guide.md", "Guide › Payment", "We take cards and cash; refunds go back to the card that paid."},
}

func TestSearch(t *testing.T) {
	x := Build(shop, "en")
	if x.Len() != 4 || x.Language() != "en" {
		t.Fatalf("Len %d, Language %q", x.Len(), x.Language())
	}
	hits := x.Search("When does the shop open?", 3)
	if len(hits) == 0 || hits[0].Passage.Title != "Opening hours" || hits[0].ID != 0 {
		t.Fatalf("opening: %+v", hits)
	}
	hits = x.Search("how do I get a refund", 5)
	if len(hits) != 2 || hits[0].Passage.Title != "Returns" || hits[1].Passage.Title != "Guide › Payment" {
		t.Fatalf("refund: %+v", hits)
	}
	for i, h := range hits {
		if h.Score <= 0 || i > 0 && h.Score > hits[i-1].Score {
			t.Errorf("scores not positive and descending: %+v", hits)
		}
		if h.Passage != x.Passage(h.ID) || h.Passage != shop[h.ID] {
			t.Errorf("hit %d is not passage %d", i, h.ID)
		}
	}
	if hits := x.Search("payment", 1); len(hits) != 1 || hits[0].ID != 3 {
		t.Errorf("a word of a title: %+v", hits)
	}
	for _, q := range []string{"", "xylophone zebra", "the and of", "!!!", strings.Repeat("é", 1<<20)} {
		if hits := x.Search(q, 3); hits != nil {
			t.Errorf("%.20q: %+v, want no hits", q, hits)
		}
	}
	if hits := x.Search("shop", 0); hits != nil {
		t.Errorf("k = 0: %+v", hits)
	}
	if hits := Build(nil, "en").Search("shop", 3); hits != nil {
		t.Errorf("empty index: %+v", hits)
	}
}

func TestSearchTiesInIndexOrder(t *testing.T) {
	var ps []Passage
	for range 50 {
		ps = append(ps, Passage{"same.txt", "", "the same words here"})
	}
	x := Build(ps, "en")
	for _, k := range []int{1, 3, 50, 100} {
		hits := x.Search("same words", k)
		if len(hits) != min(k, 50) {
			t.Fatalf("k=%d: %d hits", k, len(hits))
		}
		for i, h := range hits {
			if h.ID != i {
				t.Fatalf("k=%d: hit %d is passage %d", k, i, h.ID)
			}
		}
	}
}

// TestTopK checks the heap that keeps the k best against a full sort.
func TestTopK(t *testing.T) {
	var ps []Passage
	for i := range 300 {
		ps = append(ps, Passage{"n.txt", "", strings.Repeat("apple ", i%17+1) + strings.Repeat("pear ", i%5)})
	}
	x := Build(ps, "en")
	all := x.Search("apple pear", 1000)
	if len(all) != 300 {
		t.Fatalf("%d hits", len(all))
	}
	for _, k := range []int{1, 2, 7, 64, 299} {
		if got := x.Search("apple pear", k); !slices.Equal(got, all[:k]) {
			t.Errorf("k=%d: not the first %d of all the hits", k, k)
		}
	}
}

func TestBuildDeterministic(t *testing.T) {
	ps := snapshot(t, MaxPassageChars)
	a, b := Build(ps, "en").Encode(), Build(ps, "en").Encode()
	if !bytes.Equal(a, b) {
		t.Error("two builds of the same passages encode differently")
	}
}

func TestEncodeLoad(t *testing.T) {
	ps := snapshot(t, MaxPassageChars)
	built := Build(ps, "en")
	data := built.Encode()
	loaded, err := Load(data)
	if err != nil {
		t.Fatal(err)
	}
	if loaded.Len() != built.Len() || loaded.Language() != "en" {
		t.Fatalf("loaded %d passages in %q", loaded.Len(), loaded.Language())
	}
	for i := range ps {
		if loaded.Passage(i) != ps[i] {
			t.Fatalf("passage %d differs after loading", i)
		}
	}
	for _, q := range readQuestions(t) {
		if a, b := built.Search(q.text, 5), loaded.Search(q.text, 5); !slices.Equal(a, b) {
			t.Fatalf("%q: built %+v, loaded %+v", q.text, a, b)
		}
	}
	if again := loaded.Encode(); !bytes.Equal(again, data) {
		t.Error("a loaded index encodes differently")
	}
	// The text of a loaded index is its own, not a view of data.
	clear(data)
	if loaded.Passage(0) != ps[0] {
		t.Error("the loaded index changed with the bytes it was loaded from")
	}
}

func TestInvalidUTF8Replaced(t *testing.T) {
	x := Build([]Passage{{"a\xff.txt", "t\xfe", "caf\xe9 ok"}}, "en")
	y, err := Load(x.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if p := y.Passage(0); p.Source != "a\uFFFD.txt" || p.Text != "caf\uFFFD ok" {
		t.Errorf("got %+v", p)
	}
}

func TestConcurrentSearch(t *testing.T) {
	x := Build(snapshot(t, MaxPassageChars), "en")
	qs := readQuestions(t)
	want := make([][]Hit, len(qs))
	for i, q := range qs {
		want[i] = x.Search(q.text, 3)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range qs {
				j := (i + g) % len(qs)
				if got := x.Search(qs[j].text, 3); !slices.Equal(got, want[j]) {
					t.Errorf("%q: a concurrent search differs", qs[j].text)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestLoadCorrupt(t *testing.T) {
	data := Build(shop, "en").Encode()
	if _, err := Load([]byte("not an index")); !errors.Is(err, ErrNotIndex) {
		t.Errorf("not an index: %v", err)
	}
	// Every cut is refused.
	for n := len(magic); n < len(data); n++ {
		if _, err := Load(data[:n]); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("cut to %d of %d bytes: %v, want ErrCorrupt", n, len(data), err)
		}
	}
	if _, err := Load(append(bytes.Clone(data), 0)); !errors.Is(err, ErrCorrupt) {
		t.Errorf("a trailing byte: %v", err)
	}
	version := bytes.Clone(data)
	version[len(magic)] = 2
	if _, err := Load(version); !errors.Is(err, ErrVersion) || !strings.Contains(err.Error(), "format version 2") {
		t.Errorf("version 2: %v", err)
	}
	// Every single byte changed either loads into an index that searches,
	// or is refused as corrupt.
	for i := len(magic) + 1; i < len(data); i++ {
		for _, v := range []byte{0, 1, 0x7f, 0x80, 0xff, data[i] + 1} {
			mut := bytes.Clone(data)
			mut[i] = v
			x, err := Load(mut)
			if err != nil {
				if !errors.Is(err, ErrCorrupt) {
					t.Fatalf("byte %d = %#x: %v, want ErrCorrupt", i, v, err)
				}
				continue
			}
			searchAll(t, x)
		}
	}
}

// searchAll searches x for every word it holds and checks the hits.
func searchAll(t testing.TB, x *Index) {
	t.Helper()
	for _, term := range x.terms {
		for _, h := range x.Search(term, 3) {
			if h.ID < 0 || h.ID >= x.Len() || !(h.Score > 0) || math.IsInf(h.Score, 0) {
				t.Fatalf("%q: hit %+v", term, h)
			}
		}
	}
	x.Search("the shop opens, refund", 10)
}

// TestLoadAllocation checks that Load allocates in proportion to its
// input, on indexes built to cost the most per byte: many tiny passages,
// many tiny words.
func TestLoadAllocation(t *testing.T) {
	var tiny, words []Passage
	for i := range 20000 {
		tiny = append(tiny, Passage{"a", "", ""})
		words = append(words, Passage{"a", "", string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676%26))})
	}
	for name, ps := range map[string][]Passage{"empty passages": tiny, "one word each": words, "snapshot": snapshot(t, MaxPassageChars)} {
		data := Build(ps, "xx").Encode()
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		x, err := Load(data)
		runtime.ReadMemStats(&after)
		if err != nil {
			t.Fatal(err)
		}
		ratio := float64(after.TotalAlloc-before.TotalAlloc) / float64(len(data))
		t.Logf("%s: %d bytes, Load allocates %.1f× that", name, len(data), ratio)
		if ratio > 10 {
			t.Errorf("%s: Load allocates %.1f× its input", name, ratio)
		}
		runtime.KeepAlive(x)
	}
}
