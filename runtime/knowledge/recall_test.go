package knowledge

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// snapshotDir holds a copy of botgen's README.md and docs/*.md: the
// knowledge of a help bot for botgen, fixed so that the figures measured on
// it do not move when the docs change.
const snapshotDir = "../../testdata/knowledge/docs"

// snapshot splits the snapshot's documents into passages of at most
// maxChars bytes, each named by its file name.
func snapshot(tb testing.TB, maxChars int) []Passage {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join(snapshotDir, "*.md"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no documents in %s: %v", snapshotDir, err)
	}
	var all []Passage
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		ps, err := split(filepath.Base(f), data, maxChars)
		if err != nil {
			tb.Fatal(err)
		}
		all = append(all, ps...)
	}
	return all
}

// question is a line of testdata/knowledge/questions.txt: a question and the
// passages that answer it.
type question struct {
	line    int
	text    string
	answers []answer
}

type answer struct{ source, title string }

// answers reports whether p answers: its source is the answer's and its
// title is the answer's or a subsection of it.
func (a answer) answers(p Passage) bool {
	return p.Source == a.source && (p.Title == a.title || strings.HasPrefix(p.Title, a.title+TitleSeparator))
}

func readQuestions(tb testing.TB) []question {
	tb.Helper()
	f, err := os.Open("../../testdata/knowledge/questions.txt")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var qs []question
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		text, rest, ok := strings.Cut(line, " => ")
		if !ok {
			tb.Fatalf("questions.txt:%d: no \" => \"", n)
		}
		q := question{line: n, text: text}
		for alt := range strings.SplitSeq(rest, " | ") {
			source, title, ok := strings.Cut(alt, ": ")
			if !ok {
				tb.Fatalf("questions.txt:%d: answer %q is not SOURCE: TITLE", n, alt)
			}
			q.answers = append(q.answers, answer{strings.TrimSpace(source), strings.TrimSpace(title)})
		}
		qs = append(qs, q)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return qs
}

// recall is what an index retrieves for the question set.
type recall struct {
	at1, at3 int      // questions answered by the first hit, by one of the first three
	total    int      // questions
	misses   []string // the questions no hit of the first three answers
}

func (r recall) String() string {
	return fmt.Sprintf("recall@1 %.3f (%d/%d), recall@3 %.3f (%d/%d)",
		float64(r.at1)/float64(r.total), r.at1, r.total, float64(r.at3)/float64(r.total), r.at3, r.total)
}

func measure(tb testing.TB, x *Index, passages []Passage, qs []question) recall {
	tb.Helper()
	r := recall{total: len(qs)}
	for _, q := range qs {
		for _, a := range q.answers {
			if !slices.ContainsFunc(passages, a.answers) {
				tb.Fatalf("questions.txt:%d: no passage of %s is under %q", q.line, a.source, a.title)
			}
		}
		hits := x.Search(q.text, 3)
		found := func(h Hit) bool {
			return slices.ContainsFunc(q.answers, func(a answer) bool { return a.answers(h.Passage) })
		}
		switch i := slices.IndexFunc(hits, found); {
		case i == 0:
			r.at1++
			r.at3++
		case i > 0:
			r.at3++
		default:
			got := "nothing"
			if len(hits) > 0 {
				got = hits[0].Passage.Source + ": " + hits[0].Passage.Title
			}
			r.misses = append(r.misses, fmt.Sprintf("%q: got %s", q.text, got))
		}
	}
	return r
}

// The floors are a little under what the defaults measure (see
// docs/performance.md): retrieval that gets worse fails.
const (
	minRecallAt1 = 0.45
	minRecallAt3 = 0.66
)

func TestRetrievalRecall(t *testing.T) {
	passages := snapshot(t, MaxPassageChars)
	qs := readQuestions(t)
	if len(qs) < 80 {
		t.Fatalf("%d questions, want at least 80", len(qs))
	}
	r := measure(t, Build(passages, "en"), passages, qs)
	t.Logf("%d passages, %d questions: %v", len(passages), len(qs), r)
	for _, m := range r.misses {
		t.Logf("missed: %s", m)
	}
	if at1, at3 := float64(r.at1)/float64(r.total), float64(r.at3)/float64(r.total); at1 < minRecallAt1 || at3 < minRecallAt3 {
		t.Errorf("%v, want at least %.2f and %.2f", r, minRecallAt1, minRecallAt3)
	}
}

// TestRetrievalVariants measures the choices Build could make on the
// question set, one changed at a time from the defaults. It runs with
// KNOWLEDGE_VARIANTS=1: it informs the defaults, it does not guard them.
func TestRetrievalVariants(t *testing.T) {
	if os.Getenv("KNOWLEDGE_VARIANTS") == "" {
		t.Skip("set KNOWLEDGE_VARIANTS=1 to measure the variants")
	}
	qs := readQuestions(t)
	def := defaultParams()
	type variant struct {
		name     string
		p        params
		maxChars int
	}
	with := func(name string, change func(*params), maxChars int) variant {
		p := def
		change(&p)
		return variant{name, p, maxChars}
	}
	same := func(*params) {}
	variants := []variant{
		with("defaults", same, MaxPassageChars),
		with("no stemming", func(p *params) { p.stemming = false }, MaxPassageChars),
		with("stop words kept", func(p *params) { p.stopWords = false }, MaxPassageChars),
		with("title weight 0", func(p *params) { p.titleWeight = 0 }, MaxPassageChars),
		with("title weight 1", func(p *params) { p.titleWeight = 1 }, MaxPassageChars),
		with("title weight 3", func(p *params) { p.titleWeight = 3 }, MaxPassageChars),
		with("title weight 5", func(p *params) { p.titleWeight = 5 }, MaxPassageChars),
		with("k1 0.9", func(p *params) { p.k1 = 0.9 }, MaxPassageChars),
		with("k1 1.6", func(p *params) { p.k1 = 1.6 }, MaxPassageChars),
		with("k1 2.0", func(p *params) { p.k1 = 2.0 }, MaxPassageChars),
		with("b 0.5", func(p *params) { p.b = 0.5 }, MaxPassageChars),
		with("b 0.9", func(p *params) { p.b = 0.9 }, MaxPassageChars),
		with("b 1.0", func(p *params) { p.b = 1.0 }, MaxPassageChars),
		with("passages of 600", same, 600),
		with("passages of 800", same, 800),
		with("passages of 1600", same, 1600),
		with("passages of 2400", same, 2400),
	}
	for _, v := range variants {
		passages := snapshot(t, v.maxChars)
		r := measure(t, build(passages, "en", v.p), passages, qs)
		t.Logf("%-18s %4d passages  %v", v.name, len(passages), r)
	}
}

// BenchmarkSearch measures a search of the snapshot's index for each
// question in turn (3 hits), and reports the median and the 99th
// percentile of single searches.
func BenchmarkSearch(b *testing.B) {
	passages := snapshot(b, MaxPassageChars)
	x := Build(passages, "en")
	qs := readQuestions(b)
	var times []time.Duration
	i := 0
	for b.Loop() {
		start := time.Now()
		x.Search(qs[i%len(qs)].text, 3)
		times = append(times, time.Since(start))
		i++
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(times[len(times)*99/100].Nanoseconds()), "p99-ns")
}

// BenchmarkBuild measures splitting the snapshot's documents and building
// their index, and reports the passages and the encoded index's size.
func BenchmarkBuild(b *testing.B) {
	var x *Index
	var n int
	for b.Loop() {
		passages := snapshot(b, MaxPassageChars)
		n = len(passages)
		x = Build(passages, "en")
	}
	b.ReportMetric(float64(n), "passages")
	b.ReportMetric(float64(len(x.Encode())), "encoded-bytes")
}

// BenchmarkLoad measures reading the snapshot's encoded index, as a bot
// does when it starts.
func BenchmarkLoad(b *testing.B) {
	data := Build(snapshot(b, MaxPassageChars), "en").Encode()
	for b.Loop() {
		if _, err := Load(data); err != nil {
			b.Fatal(err)
		}
	}
}
