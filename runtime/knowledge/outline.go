package knowledge

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// outline collects a document's sections as a format's reader finds them
// (headings and the blocks of text under them) and cuts each section into
// passages.
type outline struct {
	source   string
	maxChars int
	headings []heading // the path to the current section, outermost first
	blocks   []string  // the current section's paragraphs, code blocks, lists
	out      []Passage
	err      error // the first limit exceeded; later input is ignored
}

// heading is a heading of the current path: its level (1 for a Markdown #
// or an h1) and its text.
type heading struct {
	level int
	text  string
}

// heading ends the current section and starts one under a heading of
// level: it replaces the headings of the path at that level or deeper.
func (o *outline) heading(level int, text string) {
	o.flush()
	for len(o.headings) > 0 && o.headings[len(o.headings)-1].level >= level {
		o.headings = o.headings[:len(o.headings)-1]
	}
	o.headings = append(o.headings, heading{level, strings.Join(strings.Fields(text), " ")})
}

// block adds a block of text to the current section; a blank one is
// dropped.
func (o *outline) block(text string) {
	text = strings.TrimRightFunc(text, unicode.IsSpace)
	text = strings.TrimLeft(text, "\n")
	if strings.TrimSpace(text) != "" {
		o.blocks = append(o.blocks, text)
	}
}

// title is the current section's heading path.
func (o *outline) title() string {
	var parts []string
	for _, h := range o.headings {
		if h.text != "" {
			parts = append(parts, h.text)
		}
	}
	return strings.Join(parts, TitleSeparator)
}

// flush turns the current section's blocks into passages.
func (o *outline) flush() {
	blocks := o.blocks
	o.blocks = o.blocks[:0]
	if o.err != nil || len(blocks) == 0 {
		return
	}
	title := o.title()
	for _, text := range pack(blocks, o.maxChars) {
		if len(o.out) == MaxPassages {
			o.err = fmt.Errorf("%w: %s gives more than %d passages", ErrTooManyPassages, o.source, MaxPassages)
			return
		}
		o.out = append(o.out, Passage{Source: o.source, Title: title, Text: text})
	}
}

// pack joins a section's blocks into passages of at most maxChars bytes,
// blocks separated by a blank line. Adjacent blocks share a passage while
// they fit; a block too long for one is cut at its lines, a line too long at
// its spaces. The size aimed at is the section's length shared evenly among
// the passages it needs, so that a section a little over the limit is cut
// into two halves rather than a full passage and a scrap.
func pack(blocks []string, maxChars int) []string {
	var pieces []string // no longer than maxChars each
	total := 0
	for _, b := range blocks {
		if len(b) <= maxChars {
			pieces = append(pieces, b)
		} else {
			pieces = append(pieces, cut(b, maxChars)...)
		}
		total += len(b) + 2
	}
	n := (total + maxChars - 1) / maxChars
	aim := min(maxChars, total/n+maxChars/10)
	var out []string
	var cur strings.Builder
	for _, p := range pieces {
		if cur.Len() > 0 && cur.Len()+2+len(p) > aim {
			out = append(out, cur.String())
			cur.Reset()
		}
		if cur.Len() > 0 {
			cur.WriteString("\n\n")
		}
		cur.WriteString(p)
	}
	if cur.Len() > 0 {
		// A scrap at the end joins the passage before it when they fit.
		if n := len(out); n > 0 && cur.Len() < maxChars/4 && len(out[n-1])+2+cur.Len() <= maxChars {
			out[n-1] += "\n\n" + cur.String()
		} else {
			out = append(out, cur.String())
		}
	}
	return out
}

// cut cuts a block longer than maxChars into pieces of at most maxChars
// bytes: at line ends when it can, else at spaces, else between characters.
func cut(block string, maxChars int) []string {
	var out []string
	var cur strings.Builder
	emit := func() {
		if strings.TrimSpace(cur.String()) != "" {
			out = append(out, strings.Trim(cur.String(), "\n"))
		}
		cur.Reset()
	}
	add := func(s, sep string) {
		if cur.Len() > 0 && cur.Len()+len(sep)+len(s) > maxChars {
			emit()
		}
		if cur.Len() > 0 {
			cur.WriteString(sep)
		}
		cur.WriteString(s)
	}
	for line := range strings.SplitSeq(block, "\n") {
		if len(line) <= maxChars {
			add(line, "\n")
			continue
		}
		for _, word := range strings.Fields(line) {
			for len(word) > maxChars {
				i := maxChars
				for i > 0 && !utf8.RuneStart(word[i]) {
					i--
				}
				add(word[:i], " ")
				word = word[i:]
			}
			add(word, " ")
		}
	}
	emit()
	return out
}
