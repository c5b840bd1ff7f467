// Package knowledge retrieves passages of a bot's documents for a user's
// message: the knowledge behind `reply answer`.
//
// At build time the compiler reads each document the bot names, cuts it into
// passages with Split (Markdown at its headings, plain text and HTML at their
// paragraphs) and builds a lexical index of them with Build: BM25 over the
// words of each passage's heading path and text, normalised as the
// classifier normalises them (nlu.Normalize). The index is carried into the
// binary by Encode and read back by Load, which trusts nothing it reads. At
// run time Search returns the passages that best match a message, best
// first.
package knowledge

import (
	"errors"
	"fmt"
	"path"
	"strings"
	"unicode/utf8"
)

// Passage is a piece of a document small enough to quote in a reply or to
// give a language model as evidence.
type Passage struct {
	// Source is the document's path as the bot names it, e.g. "docs/llm.md".
	Source string
	// Title is the path of headings the passage is under, outermost first,
	// joined by TitleSeparator, e.g. "Deploy › TLS"; empty before a
	// document's first heading and in plain text.
	Title string
	// Text is the passage's text, without the markup that carries no words
	// (HTML tags, the fences around Markdown code).
	Text string
}

// TitleSeparator joins the headings of a Passage's Title.
const TitleSeparator = " › "

// Limits on what Split and SplitAll read: a bot's knowledge is a handful of
// documents, and a stranger's file must not make the compiler or the binary
// it writes grow without bound.
const (
	// MaxDocumentBytes is the largest document Split reads.
	MaxDocumentBytes = 8 << 20
	// MaxPassages is the most passages one document, or all the documents
	// SplitAll reads, may give.
	MaxPassages = 20000
	// MaxPassageChars is the length, in bytes, a passage is cut to: a long
	// section becomes several passages, each at most this long, cut at
	// paragraph boundaries when it can be.
	MaxPassageChars = 1200
)

// Extensions returns the file name extensions Split reads, lower case.
func Extensions() []string { return []string{".md", ".markdown", ".txt", ".html", ".htm"} }

// Split cuts the document data, read from source, into passages, in
// document order. The format comes from source's extension (see
// Extensions): Markdown passages are the sections under its headings, plain
// text's and HTML's are paragraphs (HTML's headings, h1 to h6, start
// sections as Markdown's do). Adjacent short paragraphs share a passage and
// a long section is cut at paragraph boundaries into passages of at most
// MaxPassageChars bytes. A section with no text gives no passage.
//
// It returns an error for an extension it does not read, for a document
// over MaxDocumentBytes or that is not UTF-8, and for one that gives more
// than MaxPassages passages.
func Split(source string, data []byte) ([]Passage, error) {
	return split(source, data, MaxPassageChars)
}

// split is Split with the passage length as a parameter, which the
// retrieval measurements vary.
func split(source string, data []byte, maxChars int) ([]Passage, error) {
	ext := strings.ToLower(path.Ext(strings.ReplaceAll(source, `\`, "/")))
	var format func(*outline, string)
	switch ext {
	case ".md", ".markdown":
		format = splitMarkdown
	case ".txt":
		format = splitText
	case ".html", ".htm":
		format = splitHTML
	default:
		if ext == "" {
			return nil, docError(source, "no file name extension; the documents read are %s", strings.Join(Extensions(), ", "))
		}
		return nil, docError(source, "cannot read %s files; the documents read are %s", ext, strings.Join(Extensions(), ", "))
	}
	if len(data) > MaxDocumentBytes {
		return nil, docError(source, "%d bytes, more than the %d a document may have", len(data), MaxDocumentBytes)
	}
	if !utf8.Valid(data) {
		return nil, docError(source, "not UTF-8 text (an invalid byte at offset %d)", invalidAt(data))
	}
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	text = strings.TrimPrefix(text, "\uFEFF") // a byte order mark is not text
	o := &outline{source: source, maxChars: maxChars}
	format(o, text)
	o.flush()
	if o.err != nil {
		return nil, o.err
	}
	return o.out, nil
}

// DocumentError is why Split cannot read a document: its kind, its size
// or its encoding.
type DocumentError struct {
	Source string // the document, as the bot names it
	Reason string // what is wrong with it, such as "not UTF-8 text (...)"
}

func (e *DocumentError) Error() string { return "knowledge: " + e.Source + ": " + e.Reason }

func docError(source, format string, args ...any) error {
	return &DocumentError{Source: source, Reason: fmt.Sprintf(format, args...)}
}

// invalidAt returns the offset of the first byte of data that does not
// start a valid UTF-8 sequence.
func invalidAt(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(data)
}

// Document is a file of a bot's knowledge: its path as the bot names it and
// its contents.
type Document struct {
	Source string
	Data   []byte
}

// ErrTooManyPassages is wrapped by the error SplitAll returns when the
// documents give more than MaxPassages passages in all.
var ErrTooManyPassages = errors.New("knowledge: too many passages")

// SplitAll splits every document with Split and returns all their
// passages, in the order of docs. Beyond Split's errors, it fails when the
// documents give more than MaxPassages passages in all.
func SplitAll(docs []Document) ([]Passage, error) {
	var all []Passage
	for _, d := range docs {
		ps, err := Split(d.Source, d.Data)
		if err != nil {
			return nil, err
		}
		if len(all)+len(ps) > MaxPassages {
			return nil, fmt.Errorf("%w: %s brings the documents to %d passages, more than the %d allowed", ErrTooManyPassages, d.Source, len(all)+len(ps), MaxPassages)
		}
		all = append(all, ps...)
	}
	return all, nil
}
