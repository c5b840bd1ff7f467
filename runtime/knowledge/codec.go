package knowledge

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"unicode/utf8"
)

// The encoded index starts with magic and a format version; Load refuses a
// version it does not know rather than misread it.
//
// After them: the language; a byte of flags (1: stemmed, 2: stop words
// dropped); the title weight; k1 and b (float64, little endian); the
// sources and the titles, each a count and strings; the passages, a count
// and for each its source and title numbers and its text; the vocabulary, a
// count of terms and of postings in all, then for each term, in strictly
// increasing order, its text, its count of postings and each posting: the
// passage (the first as a number, the next as the difference from the one
// before) and the word's count there. Counts and numbers are uvarints; a
// string is its length and its bytes.
const (
	magic         = "BGKNOW\x00"
	formatVersion = 1
)

// Flags of the encoded index.
const (
	flagStemming  = 1 << iota // words are stemmed
	flagStopWords             // stop words are not indexed
)

// Bounds Load checks the settings of an index against; Build never writes
// anything outside them.
const (
	maxLanguageBytes = 255
	maxTitleWeight   = 100
	maxK1            = 100
)

// Encode returns the index in its versioned binary form, which Load reads.
// The same index always gives the same bytes.
func (x *Index) Encode() []byte {
	b := []byte(magic)
	put := func(v uint64) { b = binary.AppendUvarint(b, v) }
	putS := func(s string) { put(uint64(len(s))); b = append(b, s...) }
	put(formatVersion)
	putS(x.language)
	var flags byte
	if x.params.stemming {
		flags |= flagStemming
	}
	if x.params.stopWords {
		flags |= flagStopWords
	}
	b = append(b, flags)
	put(uint64(x.params.titleWeight))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x.params.k1))
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x.params.b))
	for _, list := range [][]string{x.sources, x.titles} {
		put(uint64(len(list)))
		for _, s := range list {
			putS(s)
		}
	}
	put(uint64(len(x.passages)))
	for _, r := range x.passages {
		put(uint64(r.source))
		put(uint64(r.title))
		putS(x.text[r.textAt:r.textTo])
	}
	put(uint64(len(x.terms)))
	put(uint64(len(x.docs)))
	for t, term := range x.terms {
		putS(term)
		from, to := x.starts[t], x.starts[t+1]
		put(uint64(to - from))
		prev := uint32(0)
		for i := from; i < to; i++ {
			put(uint64(x.docs[i] - prev))
			put(uint64(x.tfs[i]))
			prev = x.docs[i]
		}
	}
	return b
}

// ErrCorrupt is wrapped by the error Load returns for data Encode cannot
// have written: cut short, with trailing bytes, or with a length, a number
// or an order out of range.
var ErrCorrupt = errors.New("knowledge: index: truncated or corrupt")

// ErrNotIndex is returned by Load for data that does not start as an
// encoded index does.
var ErrNotIndex = errors.New("knowledge: not a botgen knowledge index")

// ErrVersion is wrapped by the error Load returns for an index of a format
// version this runtime does not read.
var ErrVersion = errors.New("knowledge: index of another format version")

// Load reads an index written by Encode. It trusts nothing it reads: every
// count, length, number and order is checked, and the error for data Encode
// cannot have written wraps ErrCorrupt. It copies data once and allocates
// in proportion to len(data); an index it returns searches without fault.
func Load(data []byte) (*Index, error) {
	if !bytes.HasPrefix(data, []byte(magic)) {
		return nil, ErrNotIndex
	}
	if uint64(len(data)) > math.MaxUint32 {
		return nil, fmt.Errorf("%w: %d bytes, more than an index can have", ErrCorrupt, len(data))
	}
	// One copy, which every string of the index is a slice of.
	all := string(data)
	r := &reader{data: all, at: len(magic)}
	if v := r.uvarint("format version"); r.err == nil && v != formatVersion {
		return nil, fmt.Errorf("%w: format version %d, this runtime reads version %d (rebuild the bot)", ErrVersion, v, formatVersion)
	}
	x := &Index{text: all}
	x.language = r.str("language")
	r.check(len(x.language) <= maxLanguageBytes, "language: %d bytes", len(x.language))
	flags := r.byte("flags")
	r.check(flags&^(flagStemming|flagStopWords) == 0, "flags: unknown %#x", flags)
	x.params.stemming = flags&flagStemming != 0
	x.params.stopWords = flags&flagStopWords != 0
	tw := r.uvarint("title weight")
	r.check(tw <= maxTitleWeight, "title weight %d", tw)
	x.params.titleWeight = int(tw)
	x.params.k1 = r.f64("k1")
	x.params.b = r.f64("b")
	r.check(x.params.k1 >= 0 && x.params.k1 <= maxK1, "k1 %v", x.params.k1)
	r.check(x.params.b >= 0 && x.params.b <= 1, "b %v", x.params.b)
	x.sources = r.strs("sources")
	x.titles = r.strs("titles")

	np := r.count("passages", 3) // a source, a title and a text length at least
	x.passages = make([]passageRef, 0, np)
	for range np {
		ref := passageRef{source: r.number("passage source", len(x.sources)), title: r.number("passage title", len(x.titles))}
		text := r.strAt("passage text")
		ref.textAt, ref.textTo = uint32(text), uint32(r.at)
		if r.err != nil {
			break
		}
		x.passages = append(x.passages, ref)
	}

	nt := r.count("terms", 5) // a length, a byte, a count and a posting at least
	npost := r.count("postings", 2)
	x.terms = make([]string, 0, nt)
	x.starts = make([]uint32, 0, nt+1)
	x.docs = make([]uint32, 0, npost)
	x.tfs = make([]uint16, 0, npost)
	for range nt {
		term := r.str("term")
		if n := len(x.terms); term == "" || n > 0 && x.terms[n-1] >= term {
			r.fail("terms empty or out of order at %q", term)
		}
		count := r.uvarint("postings of a term")
		if count < 1 || count > uint64(npost-len(x.docs)) {
			r.fail("%d postings for %q", count, term)
		}
		if r.err != nil {
			break
		}
		x.terms = append(x.terms, term)
		x.starts = append(x.starts, uint32(len(x.docs)))
		doc := uint64(0)
		for i := range count {
			// Checks in this loop are ifs: check's arguments would cost
			// an allocation for every posting.
			delta := r.uvarint("posting passage")
			if i > 0 && delta == 0 {
				r.fail("postings of %q out of order", term)
			}
			doc += delta
			if doc >= uint64(len(x.passages)) {
				r.fail("posting of %q in passage %d of %d", term, doc, len(x.passages))
			}
			tf := r.uvarint("posting count")
			if tf < 1 || tf > maxTF {
				r.fail("count %d of %q", tf, term)
			}
			if r.err != nil {
				break
			}
			x.docs = append(x.docs, uint32(doc))
			x.tfs = append(x.tfs, uint16(tf))
		}
	}
	x.starts = append(x.starts, uint32(len(x.docs)))
	r.check(len(x.docs) == npost, "%d postings counted, %d claimed", len(x.docs), npost)
	r.check(r.at == len(all), "%d trailing bytes", len(all)-r.at)
	if r.err != nil {
		return nil, r.err
	}
	x.score()
	return x, nil
}

// reader reads the encoded form, remembering the first error; once it has
// one, every read returns zero values.
type reader struct {
	data string
	at   int
	err  error
}

func (r *reader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: %s at byte %d", ErrCorrupt, fmt.Sprintf(format, args...), r.at)
	}
}

// check fails with the formatted message when ok is false.
func (r *reader) check(ok bool, format string, args ...any) {
	if !ok {
		r.fail(format, args...)
	}
}

func (r *reader) left() int { return len(r.data) - r.at }

func (r *reader) uvarint(what string) uint64 {
	if r.err != nil {
		return 0
	}
	var buf [binary.MaxVarintLen64]byte
	n := copy(buf[:], r.data[r.at:])
	v, size := binary.Uvarint(buf[:n])
	if size <= 0 {
		r.fail("%s: not a number", what)
		return 0
	}
	r.at += size
	return v
}

func (r *reader) byte(what string) byte {
	if r.err == nil && r.left() < 1 {
		r.fail("%s: cut short", what)
	}
	if r.err != nil {
		return 0
	}
	r.at++
	return r.data[r.at-1]
}

func (r *reader) f64(what string) float64 {
	if r.err == nil && r.left() < 8 {
		r.fail("%s: cut short", what)
	}
	if r.err != nil {
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64([]byte(r.data[r.at : r.at+8])))
	r.at += 8
	return v
}

// strAt reads a string and returns where it starts; it ends at r.at. A
// length is checked against the bytes left, and the text must be UTF-8.
func (r *reader) strAt(what string) int {
	n := r.uvarint(what)
	if r.err == nil && n > uint64(r.left()) {
		r.fail("%s: %d bytes claimed, %d left", what, n, r.left())
	}
	if r.err != nil {
		return r.at
	}
	start := r.at
	r.at += int(n)
	if !utf8.ValidString(r.data[start:r.at]) {
		r.fail("%s: not UTF-8", what)
	}
	return start
}

// str reads a string, a slice of the data.
func (r *reader) str(what string) string {
	start := r.strAt(what)
	if r.err != nil {
		return ""
	}
	return r.data[start:r.at]
}

// count reads the count of a list whose items take at least size bytes
// each: a count the bytes left cannot hold is refused before anything is
// allocated for it.
func (r *reader) count(what string, size int) int {
	n := r.uvarint(what)
	if r.err == nil && n > uint64(r.left()/size) {
		r.fail("%s: %d claimed, %d bytes left", what, n, r.left())
	}
	if r.err != nil {
		return 0
	}
	return int(n)
}

// strs reads a count and that many strings.
func (r *reader) strs(what string) []string {
	n := r.count(what, 1)
	out := make([]string, 0, n)
	for range n {
		s := r.str(what)
		if r.err != nil {
			return nil
		}
		out = append(out, s)
	}
	return out
}

// number reads a number below n, the length of the list it refers to.
func (r *reader) number(what string, n int) uint32 {
	v := r.uvarint(what)
	if r.err == nil && v >= uint64(n) {
		r.fail("%s: %d of %d", what, v, n)
	}
	if r.err != nil {
		return 0
	}
	return uint32(v)
}
