package nlu

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strings"
)

// The serialised model starts with magic and a format version; a runtime
// refuses versions it does not know rather than misread them.
const (
	magic         = "BGNLU\x00"
	formatVersion = 3
)

// ErrModelMismatch is returned by LoadModel when the model was trained on
// other intents, entities or normalisation settings than the ones given.
var ErrModelMismatch = errors.New("nlu: model trained on other intents or settings")

// quantize rounds the weights to 8 bits per column (an intent's, or a class
// of the multinomial part): each column's weights are multiples of its
// largest absolute weight / 127. The model keeps the rounded
// values, so that a trained model and the same model loaded from its bytes
// predict exactly alike.
func (m *Model) quantize() (scales []float32, q []int8) {
	nc := m.cols
	scales = make([]float32, nc)
	for f := 0; f < len(m.hashes); f++ {
		for c := range nc {
			scales[c] = max(scales[c], float32(math.Abs(float64(m.weights[f*nc+c]))))
		}
	}
	for c := range scales {
		scales[c] /= 127
	}
	q = make([]int8, len(m.weights))
	for k, w := range m.weights {
		s := scales[k%nc]
		if s == 0 {
			continue
		}
		q[k] = int8(max(-127, min(127, math.Round(float64(w/s)))))
	}
	return scales, q
}

// dequantize sets the weights from their 8-bit form.
func (m *Model) dequantize(scales []float32, q []int8) {
	nc := m.cols
	m.weights = make([]float32, len(q))
	for k, v := range q {
		m.weights[k] = float32(v) * scales[k%nc]
	}
}

// MarshalBinary returns the model in its versioned binary form.
func (m *Model) MarshalBinary() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(magic)
	put := func(v uint64) { b.Write(binary.AppendUvarint(nil, v)) }
	putF := func(f float32) { b.Write(binary.LittleEndian.AppendUint32(nil, math.Float32bits(f))) }
	putS := func(s string) { put(uint64(len(s))); b.WriteString(s) }
	put(formatVersion)
	b.Write(m.print[:])
	putS(m.lang)
	var flags byte
	if m.stemming {
		flags |= 1
	}
	b.WriteByte(flags)
	for _, g := range m.groupW {
		b.Write(binary.LittleEndian.AppendUint64(nil, math.Float64bits(g)))
	}
	put(uint64(len(m.names)))
	for _, n := range m.names {
		putS(n)
	}
	// The columns of weights per feature: the intents', then, when the
	// model has a multinomial part, its intents' and out-of-scope's.
	put(uint64(m.cols))
	b.Write(binary.LittleEndian.AppendUint64(nil, math.Float64bits(m.mix)))
	put(uint64(len(m.hashes)))
	var prev uint64
	for _, h := range m.hashes {
		put(h - prev) // sorted: small deltas
		prev = h
	}
	for _, x := range m.idf {
		putF(x)
	}
	b.Write(m.groups)
	for _, x := range m.bias {
		putF(x)
	}
	scales, q := m.quantize()
	for _, s := range scales {
		putF(s)
	}
	for _, v := range q {
		b.WriteByte(byte(v))
	}
	return b.Bytes(), nil
}

// ErrCorruptModel is wrapped by the error LoadModel returns for data that
// MarshalBinary cannot have written: cut short, or with a length or a value
// out of range.
var ErrCorruptModel = errors.New("nlu: model: truncated or corrupt")

// reader reads the binary form, remembering the first error; once it has
// one, every read returns zero values.
type reader struct {
	data []byte
	err  error
}

func (r *reader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%w %s", ErrCorruptModel, fmt.Sprintf(format, args...))
	}
}

func (r *reader) uvarint(what string) uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.data)
	if n <= 0 {
		r.fail("%s", what)
		return 0
	}
	r.data = r.data[n:]
	return v
}

// bytes returns the next n bytes, a view of the input: a length is checked
// against the bytes left before anything is allocated for it.
func (r *reader) bytes(n uint64, what string) []byte {
	if r.err != nil {
		return nil
	}
	if uint64(len(r.data)) < n {
		r.fail("%s: %d bytes claimed, %d left", what, n, len(r.data))
		return nil
	}
	out := r.data[:n]
	r.data = r.data[n:]
	return out
}

func (r *reader) f32(what string) float32 {
	b := r.bytes(4, what)
	if b == nil {
		return 0
	}
	return math.Float32frombits(binary.LittleEndian.Uint32(b))
}

func (r *reader) f64(what string) float64 {
	b := r.bytes(8, what)
	if b == nil {
		return 0
	}
	return math.Float64frombits(binary.LittleEndian.Uint64(b))
}

func (r *reader) str(what string) string { return string(r.bytes(r.uvarint(what), what)) }

// check fails with the formatted message when ok is false.
func (r *reader) check(ok bool, format string, args ...any) {
	if !ok {
		r.fail(format, args...)
	}
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// maxScale bounds a column's weight scale: a weight is at most 127 times it,
// and must stay a finite float32 (so that a score is a number).
const maxScale = math.MaxFloat32 / 128

// LoadModel reads a model written by MarshalBinary and prepares it for the
// intents and entities it was trained on, under opts (which gives the time
// zone of dates; language and stemming come from the model and must match
// opts). It returns an error wrapping ErrModelMismatch when the model was
// trained on other input, and one wrapping ErrCorruptModel when the data is
// cut short or holds a length or a value no training writes. It reads
// untrusted data safely: it allocates in proportion to len(data) and the
// intents, and a model it accepts classifies without fault, every score a
// number in [0, 1].
func LoadModel(data []byte, intents []Intent, entities []Entity, opts Options) (*Model, error) {
	matcher, err := NewScorer(intents, entities, opts)
	if err != nil {
		return nil, err
	}
	m, err := decodeModel(data, fingerprint(intents, entities, opts), intents, opts)
	if err != nil {
		return nil, err
	}
	m.prepare(matcher)
	return m, nil
}

// decodeModel reads the binary form of a model trained with fingerprint
// print on intents under opts, part after part; the first part that is
// wrong stops it.
func decodeModel(data []byte, print [16]byte, intents []Intent, opts Options) (*Model, error) {
	if !bytes.HasPrefix(data, []byte(magic)) {
		return nil, errors.New("nlu: model: not a botgen model")
	}
	d := &decoder{r: reader{data: data[len(magic):]}, m: &Model{}, print: print, intents: intents, opts: opts}
	for _, part := range [...]func(*decoder) error{
		(*decoder).header,
		(*decoder).settings,
		(*decoder).names,
		(*decoder).hashes,
		(*decoder).tables,
	} {
		if err := part(d); err != nil {
			return nil, err
		}
	}
	return d.m, nil
}

// decoder is the state of decodeModel: what it reads, what it expects, the
// model read so far.
type decoder struct {
	r       reader
	m       *Model
	print   [16]byte
	intents []Intent
	opts    Options
	cols    uint64
	nf      uint64 // features
}

// header reads the format version and the fingerprint of the training
// input, which must be the bot's.
func (d *decoder) header() error {
	r, m := &d.r, d.m
	if v := r.uvarint("version"); r.err == nil && v != formatVersion {
		return fmt.Errorf("nlu: model: format version %d, this runtime reads %d", v, formatVersion)
	}
	copy(m.print[:], r.bytes(16, "fingerprint"))
	if r.err != nil {
		return r.err
	}
	if m.print != d.print {
		return ErrModelMismatch
	}
	return nil
}

// settings reads the language, the stemming and the feature group weights.
// The fingerprint covers the language and the stemming: the model's copies
// of them must agree with it.
func (d *decoder) settings() error {
	r, m := &d.r, d.m
	m.lang = r.str("language")
	flags := r.bytes(1, "flags")
	if r.err == nil {
		m.stemming = flags[0]&1 != 0
		r.check(flags[0]&^1 == 0 && m.lang == strings.ToLower(d.opts.Language) && m.stemming == d.opts.Stemming,
			"settings: language %q, flags %#x", m.lang, flags[0])
	}
	var sq float64 // vectorize divides by the root of the squares' sum
	for g := range m.groupW {
		w := r.f64("feature group weights")
		r.check(finite(w) && w >= 0, "feature group weight %g", w)
		m.groupW[g] = w
		sq += w * w
	}
	r.check(finite(sq), "feature group weights")
	n := r.uvarint("intents")
	r.check(n == uint64(len(d.intents)), "intents: %d, the bot has %d", n, len(d.intents))
	return r.err
}

// names reads the intents' names, which must be the bot's, the columns of
// weights per feature and the weight of the multinomial part.
func (d *decoder) names() error {
	r, m := &d.r, d.m
	m.names = make([]string, len(d.intents))
	for i, in := range d.intents {
		m.names[i] = r.str("intent name")
		r.check(m.names[i] == in.Name, "intent name %q, the bot's is %q", m.names[i], in.Name)
	}
	n := uint64(len(d.intents))
	d.cols = r.uvarint("columns")
	r.check(d.cols == n || d.cols == 2*n+1, "columns: %d for %d intents", d.cols, n)
	if r.err != nil {
		return r.err
	}
	m.cols = int(d.cols)
	m.mix = r.f64("mix")
	r.check(m.mix >= 0 && m.mix <= 1, "mix %g", m.mix)
	return nil
}

// hashes reads the features' hashes, sorted and distinct.
func (d *decoder) hashes() error {
	r, m := &d.r, d.m
	// A feature takes at least a byte of hash, 4 of idf, 1 of group and one
	// a column of weights, after which come 8 bytes a column of biases and
	// scales: the count is checked against the bytes left before the
	// feature tables are allocated.
	nf := r.uvarint("features")
	if r.err != nil {
		return r.err
	}
	left, fixed := uint64(len(r.data)), 8*d.cols
	if fixed > left || nf > (left-fixed)/(6+d.cols) {
		r.fail("features: %d claimed, %d bytes left", nf, left)
		return r.err
	}
	d.nf = nf
	m.hashes = make([]uint64, nf)
	m.vocab = make(map[uint64]int32, nf)
	var prev uint64
	for i := range m.hashes {
		delta := r.uvarint("feature hashes")
		// Every delta after the first is positive.
		if r.err == nil && i > 0 && (delta == 0 || prev+delta < prev) {
			r.fail("feature hashes: not increasing at %d", i)
		}
		if r.err != nil {
			return r.err
		}
		prev += delta
		m.hashes[i] = prev
		m.vocab[prev] = int32(i)
	}
	return nil
}

// tables reads the features' idf and groups, the biases, and the weights
// with their scales; nothing may follow them.
func (d *decoder) tables() error {
	r, m, nf := &d.r, d.m, d.nf
	m.idf = make([]float32, nf)
	for i := range m.idf {
		m.idf[i] = r.f32("idf")
		r.check(finite(float64(m.idf[i])), "idf %g", m.idf[i])
	}
	m.groups = bytes.Clone(r.bytes(nf, "groups"))
	for _, g := range m.groups {
		r.check(int(g) < len(m.groupW), "feature group %d", g)
	}
	m.bias = make([]float32, m.cols)
	for i := range m.bias {
		m.bias[i] = r.f32("bias")
		r.check(finite(float64(m.bias[i])), "bias %g", m.bias[i])
	}
	scales := make([]float32, m.cols)
	for i := range scales {
		scales[i] = r.f32("scales")
		r.check(scales[i] >= 0 && scales[i] <= maxScale, "weight scale %g", scales[i])
	}
	raw := r.bytes(nf*d.cols, "weights")
	if r.err != nil {
		return r.err
	}
	if len(r.data) != 0 {
		return fmt.Errorf("%w: %d trailing bytes", ErrCorruptModel, len(r.data))
	}
	q := make([]int8, len(raw))
	for i, v := range raw {
		q[i] = int8(v)
	}
	m.dequantize(scales, q)
	return nil
}
