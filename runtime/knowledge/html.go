package knowledge

import (
	"html"
	"strings"
)

// splitHTML reads an HTML document into o. It is a tag stripper, not a
// parser: it keeps the text of the body, drops the head and the elements
// whose content is not text (script, style, template, svg), ends a block at
// the tags that start or end one (p, div, li, br...) and starts a section at
// each heading, h1 to h6. It never fails: whatever it cannot read as a tag
// is text. It reads the document once, front to back.
func splitHTML(o *outline, doc string) {
	lower := asciiLower(doc) // to find tag names whatever their case
	h := htmlText{o: o}
	for i := 0; i < len(doc); {
		lt := strings.IndexByte(doc[i:], '<')
		if lt < 0 {
			h.text(doc[i:])
			break
		}
		h.text(doc[i : i+lt])
		i += lt
		rest := lower[i:]
		switch {
		case strings.HasPrefix(rest, "<!--"):
			i = after(lower, i+4, "-->")
		case strings.HasPrefix(rest, "<![cdata["):
			end := strings.Index(lower[i+9:], "]]>")
			if end < 0 {
				end = len(doc) - i - 9
			}
			h.raw(doc[i+9 : i+9+end])
			i = min(len(doc), i+9+end+3)
		case strings.HasPrefix(rest, "<!") || strings.HasPrefix(rest, "<?"):
			i = after(lower, i+2, ">")
		case len(rest) > 1 && (isASCIILetter(rest[1]) || rest[1] == '/' && len(rest) > 2 && isASCIILetter(rest[2])):
			closing := rest[1] == '/'
			start := i + 1
			if closing {
				start++
			}
			end := start
			for end < len(lower) && isTagNameByte(lower[end]) {
				end++
			}
			name := lower[start:end]
			i = tagEnd(doc, end)
			if closing {
				h.end(name)
				continue
			}
			switch name {
			case "script", "style", "template", "svg", "title", "textarea":
				// Content that is not the page's text: skip to the end tag.
				i = after(lower, i, "</"+name)
				i = tagEnd(doc, i)
			case "head":
				i = skipHead(lower, i)
			default:
				h.start(name)
			}
		default:
			h.text("<") // a lone < is text
			i++
		}
	}
	h.endBlock()
	h.endHeading()
}

// htmlText is the state of splitHTML between tags.
type htmlText struct {
	o       *outline
	buf     strings.Builder // the text of the current block, or heading
	pre     int             // depth of <pre> elements: their spaces count
	inPre   bool            // the current block holds preformatted text
	heading int             // the level of the heading being read, or 0
}

// text adds text as it appears in the document, entities not yet decoded.
func (h *htmlText) text(s string) {
	if s == "" {
		return
	}
	h.raw(html.UnescapeString(s))
}

// raw adds text as it is meant to read.
func (h *htmlText) raw(s string) {
	if h.pre > 0 && h.heading == 0 {
		h.inPre = true
	}
	h.buf.WriteString(s)
}

// start handles a start tag.
func (h *htmlText) start(name string) {
	if level := headingLevel(name); level > 0 {
		h.endBlock()
		h.endHeading()
		h.heading = level
		return
	}
	switch {
	case name == "pre":
		h.endBlock()
		h.pre++
	case name == "td" || name == "th":
		h.buf.WriteByte(' ')
	case isBlock(name):
		if h.heading == 0 {
			h.endBlock()
		} else {
			h.buf.WriteByte(' ')
		}
	}
}

// end handles an end tag.
func (h *htmlText) end(name string) {
	switch {
	case headingLevel(name) > 0:
		h.endHeading()
	case name == "pre":
		h.endBlock()
		h.pre = max(0, h.pre-1)
	case name == "td" || name == "th":
		h.buf.WriteByte(' ')
	case isBlock(name) && h.heading == 0:
		h.endBlock()
	}
}

// endBlock gives the text read since the last block to the outline.
func (h *htmlText) endBlock() {
	if h.heading > 0 {
		return
	}
	s := h.buf.String()
	h.buf.Reset()
	if h.inPre {
		h.o.block(s)
	} else {
		h.o.block(strings.Join(strings.Fields(s), " "))
	}
	h.inPre = false
}

// endHeading ends the heading being read, which starts a section.
func (h *htmlText) endHeading() {
	if h.heading == 0 {
		return
	}
	level := h.heading
	h.heading = 0
	h.o.heading(level, h.buf.String())
	h.buf.Reset()
}

// isBlock reports whether the start and end tags of the element name end a
// block of text.
func isBlock(name string) bool {
	switch name {
	case "address", "article", "aside", "blockquote", "body", "br", "caption", "dd",
		"details", "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure",
		"footer", "form", "header", "hr", "html", "li", "main", "nav", "ol", "p",
		"section", "summary", "table", "tbody", "tfoot", "thead", "tr", "ul":
		return true
	}
	return false
}

// headingLevel returns n for the tag name hn (1 to 6), else 0.
func headingLevel(name string) int {
	if len(name) == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '6' {
		return int(name[1] - '0')
	}
	return 0
}

// skipHead returns where the body starts after a <head> tag that ends at i:
// after </head>, or at <body> when the head is left open.
func skipHead(lower string, i int) int {
	end := strings.Index(lower[i:], "</head")
	body := strings.Index(lower[i:], "<body")
	switch {
	case end >= 0 && (body < 0 || end < body):
		return tagEnd(lower, i+end+2)
	case body >= 0:
		return i + body
	}
	return len(lower)
}

// after returns the offset just past the first marker in s at or after i,
// or len(s) when there is none.
func after(s string, i int, marker string) int {
	if i >= len(s) {
		return len(s)
	}
	j := strings.Index(s[i:], marker)
	if j < 0 {
		return len(s)
	}
	return i + j + len(marker)
}

// tagEnd returns the offset just past the > that ends the tag whose
// attributes start at i; a > inside a quoted attribute value does not.
func tagEnd(s string, i int) int {
	for i < len(s) {
		switch s[i] {
		case '>':
			return i + 1
		case '"', '\'':
			q := strings.IndexByte(s[i+1:], s[i])
			if q < 0 {
				return len(s)
			}
			i += q + 2
		default:
			i++
		}
	}
	return len(s)
}

// asciiLower lower-cases the ASCII letters of s and leaves every other byte
// alone, so that offsets into it are offsets into s.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func isASCIILetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func isTagNameByte(c byte) bool {
	return isASCIILetter(c) || '0' <= c && c <= '9' || c == '-' || c == ':'
}
