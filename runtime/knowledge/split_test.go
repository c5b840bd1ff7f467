package knowledge

import (
	"errors"
	"strings"
	"testing"
)

func titles(ps []Passage) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Title)
	}
	return out
}

func mustSplit(t *testing.T, source, doc string) []Passage {
	t.Helper()
	ps, err := Split(source, []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func TestMarkdownSections(t *testing.T) {
	doc := "---\ntitle: front matter\n---\nIntro text.\n\n# Deploy\n\nHow to deploy.\n\n## TLS\n\nCertificates go *here*.\n\n```sh\n# not a heading\nmake certs\n```\n\n### Let's `Encrypt` ###\n\nRenewals.\n\n## Proxy\n\nBehind nginx.\n\nSetext heading\n==============\n\nLast words.\n"
	ps := mustSplit(t, "docs/deploy.md", doc)
	want := []string{"", "Deploy", "Deploy › TLS", "Deploy › TLS › Let's Encrypt", "Deploy › Proxy", "Setext heading"}
	if got := titles(ps); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("titles %q, want %q", got, want)
	}
	if ps[0].Text != "Intro text." {
		t.Errorf("front matter kept: %q", ps[0].Text)
	}
	if tls := ps[2].Text; tls != "Certificates go *here*.\n\n# not a heading\nmake certs" {
		t.Errorf("TLS text %q: want the code kept without its fences", tls)
	}
	for _, p := range ps {
		if p.Source != "docs/deploy.md" {
			t.Errorf("source %q", p.Source)
		}
	}
}

func TestMarkdownUnclosedFence(t *testing.T) {
	ps := mustSplit(t, "a.md", "# A\n\n```\n# inside\n\n## still inside\n")
	if len(ps) != 1 || ps[0].Title != "A" || !strings.Contains(ps[0].Text, "## still inside") {
		t.Errorf("got %+v: an unclosed fence runs to the end", ps)
	}
}

func TestLongSectionCutAtParagraphs(t *testing.T) {
	var doc strings.Builder
	doc.WriteString("# Long\n\n")
	para := strings.Repeat("word ", 59) + "end." // 299 bytes
	for range 10 {
		doc.WriteString(para + "\n\n")
	}
	ps := mustSplit(t, "long.md", doc.String())
	if len(ps) < 3 {
		t.Fatalf("%d passages from 3,000 bytes", len(ps))
	}
	total := 0
	for _, p := range ps {
		if len(p.Text) > MaxPassageChars {
			t.Errorf("a passage of %d bytes", len(p.Text))
		}
		if p.Title != "Long" {
			t.Errorf("title %q", p.Title)
		}
		for piece := range strings.SplitSeq(p.Text, "\n\n") {
			if piece != para {
				t.Errorf("a paragraph was cut: %q", piece)
			}
			total++
		}
	}
	if total != 10 {
		t.Errorf("%d paragraphs in the passages, want 10", total)
	}
	short := mustSplit(t, "short.md", "# S\n\none\n\ntwo\n\nthree\n")
	if len(short) != 1 || short[0].Text != "one\n\ntwo\n\nthree" {
		t.Errorf("short paragraphs not kept together: %+v", short)
	}
}

func TestHugeParagraphAndWord(t *testing.T) {
	word := strings.Repeat("é", 2000) // 4,000 bytes with no space
	ps := mustSplit(t, "w.txt", word+"\n\n"+strings.Repeat("a b ", 1000))
	for _, p := range ps {
		if len(p.Text) > MaxPassageChars {
			t.Errorf("a passage of %d bytes", len(p.Text))
		}
		if !strings.HasPrefix(p.Text, "a") && !strings.HasPrefix(p.Text, "é") {
			t.Errorf("a passage starts in the middle of a character: %q", p.Text[:4])
		}
	}
	var n int
	for _, p := range ps {
		n += strings.Count(p.Text, "é")
	}
	if n != 2000 {
		t.Errorf("%d of 2000 letters kept", n)
	}
}

func TestPlainText(t *testing.T) {
	ps := mustSplit(t, "faq.TXT", "Q: hours?\r\nA: nine to five.\r\n\r\n\r\nQ: parking?\nA: yes.\n")
	if len(ps) != 1 || ps[0].Title != "" || ps[0].Text != "Q: hours?\nA: nine to five.\n\nQ: parking?\nA: yes." {
		t.Errorf("got %+v", ps)
	}
}

func TestHTML(t *testing.T) {
	doc := `<!DOCTYPE html><html><HEAD><title>Ignored</title><style>p{color:red}</style></head>
<body><nav>Home</nav><h1 class="x">Guide &amp; FAQ</h1><p>Welcome <b>to</b> the guide.</p>
<script>var s = "<h2>not a heading</h2>";</script><!-- <h2>commented</h2> -->
<h2>Install <a href="#i">now</a></h2><p>Run the <code title="a > b">installer</code>.<br>Then restart.</p>
<pre>line 1
  line 2</pre><table><tr><td>a</td><td>b</td></tr></table><p>5 &lt; 6 &eacute;t&#233;</p></body></html>`
	ps := mustSplit(t, "guide.html", doc)
	want := []string{"", "Guide & FAQ", "Guide & FAQ › Install now"}
	if got := titles(ps); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("titles %q, want %q", got, want)
	}
	if ps[0].Text != "Home" {
		t.Errorf("before the first heading: %q", ps[0].Text)
	}
	if ps[1].Text != "Welcome to the guide." {
		t.Errorf("first section: %q", ps[1].Text)
	}
	install := ps[2].Text
	for _, s := range []string{"Run the installer.\n\nThen restart.", "line 1\n  line 2", "a b", "5 < 6 été"} {
		if !strings.Contains(install, s) {
			t.Errorf("install section %q lacks %q", install, s)
		}
	}
	all := ps[0].Text + ps[1].Text + install
	for _, s := range []string{"Ignored", "color", "not a heading", "commented", "<b>", "href"} {
		if strings.Contains(all, s) {
			t.Errorf("the passages hold %q: %q", s, all)
		}
	}
}

func TestHTMLBroken(t *testing.T) {
	for _, doc := range []string{"<p>unclosed <b", "<script>never closed", "<!-- never closed", "a < b and c > d", "<h2>open heading", `<a href="never closed>text`, "<", "</", "<![CDATA[raw <b>]]>"} {
		if _, err := Split("x.htm", []byte(doc)); err != nil {
			t.Errorf("%q: %v", doc, err)
		}
	}
	ps := mustSplit(t, "x.htm", "a < b and c > d")
	if len(ps) != 1 || ps[0].Text != "a < b and c > d" {
		t.Errorf("a lone < : %+v", ps)
	}
}

func TestSplitErrors(t *testing.T) {
	cases := []struct {
		source string
		data   []byte
		want   string
	}{
		{"notes.pdf", []byte("x"), `notes.pdf: cannot read .pdf files; the documents read are .md, .markdown, .txt, .html, .htm`},
		{"README", []byte("x"), "README: no file name extension"},
		{"bad.md", []byte("ok\xffno"), "bad.md: not UTF-8 text (an invalid byte at offset 2)"},
		{"big.txt", make([]byte, MaxDocumentBytes+1), "big.txt: 8388609 bytes, more than the 8388608 a document may have"},
	}
	for _, c := range cases {
		_, err := Split(c.source, c.data)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.source, err, c.want)
		}
	}
}

func TestTooManyPassages(t *testing.T) {
	// Headings with a word under each: one passage per section.
	one := strings.Repeat("# h\nx\n", MaxPassages/2+1)
	if _, err := Split("half.md", []byte(one)); err != nil {
		t.Fatal(err)
	}
	_, err := SplitAll([]Document{{"a.md", []byte(one)}, {"b.md", []byte(one)}})
	if !errors.Is(err, ErrTooManyPassages) || !strings.Contains(err.Error(), "b.md") {
		t.Errorf("two halves: %v, want ErrTooManyPassages naming b.md", err)
	}
	_, err = Split("all.md", []byte(strings.Repeat("# h\nx\n", MaxPassages+1)))
	if !errors.Is(err, ErrTooManyPassages) {
		t.Errorf("one document: %v, want ErrTooManyPassages", err)
	}
}
