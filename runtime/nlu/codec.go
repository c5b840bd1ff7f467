package nlu

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
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

// reader reads the binary form, remembering the first error.
type reader struct {
	data []byte
	err  error
}

func (r *reader) fail(what string) {
	if r.err == nil {
		r.err = fmt.Errorf("nlu: model: truncated or corrupt %s", what)
	}
}

func (r *reader) uvarint(what string) uint64 {
	v, n := binary.Uvarint(r.data)
	if n <= 0 {
		r.fail(what)
		return 0
	}
	r.data = r.data[n:]
	return v
}

func (r *reader) bytes(n uint64, what string) []byte {
	if r.err != nil || uint64(len(r.data)) < n {
		r.fail(what)
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

func (r *reader) str(what string) string { return string(r.bytes(r.uvarint(what), what)) }

// LoadModel reads a model written by MarshalBinary and prepares it for the
// intents and entities it was trained on, under opts (which gives the time
// zone of dates; language and stemming come from the model and must match
// opts). It returns an error wrapping ErrModelMismatch when the model was
// trained on other input.
func LoadModel(data []byte, intents []Intent, entities []Entity, opts Options) (*Model, error) {
	matcher, err := NewScorer(intents, entities, opts)
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(data, []byte(magic)) {
		return nil, errors.New("nlu: model: not a botgen model")
	}
	r := &reader{data: data[len(magic):]}
	if v := r.uvarint("version"); r.err == nil && v != formatVersion {
		return nil, fmt.Errorf("nlu: model: format version %d, this runtime reads %d", v, formatVersion)
	}
	m := &Model{}
	copy(m.print[:], r.bytes(16, "fingerprint"))
	if r.err == nil && m.print != fingerprint(intents, entities, opts) {
		return nil, ErrModelMismatch
	}
	m.lang = r.str("language")
	if b := r.bytes(1, "flags"); b != nil {
		m.stemming = b[0]&1 != 0
	}
	for g := range m.groupW {
		if b := r.bytes(8, "groups"); b != nil {
			m.groupW[g] = math.Float64frombits(binary.LittleEndian.Uint64(b))
		}
	}
	nc := r.uvarint("intents")
	if nc != uint64(len(intents)) {
		r.fail("intents")
	}
	for range min(nc, uint64(len(intents))) {
		m.names = append(m.names, r.str("intent name"))
	}
	m.cols = int(r.uvarint("columns"))
	if m.cols != len(m.names) && m.cols != 2*len(m.names)+1 {
		r.fail("columns")
	}
	if b := r.bytes(8, "mix"); b != nil {
		m.mix = math.Float64frombits(binary.LittleEndian.Uint64(b))
	}
	nf := r.uvarint("features")
	if r.err != nil || nf > uint64(len(r.data)) {
		r.fail("features")
		return nil, r.err
	}
	m.hashes = make([]uint64, nf)
	m.vocab = make(map[uint64]int32, nf)
	var prev uint64
	for i := range m.hashes {
		prev += r.uvarint("features")
		m.hashes[i] = prev
		m.vocab[prev] = int32(i)
	}
	m.idf = make([]float32, nf)
	for i := range m.idf {
		m.idf[i] = r.f32("idf")
	}
	m.groups = bytes.Clone(r.bytes(nf, "groups"))
	m.bias = make([]float32, m.cols)
	for i := range m.bias {
		m.bias[i] = r.f32("bias")
	}
	scales := make([]float32, m.cols)
	for i := range scales {
		scales[i] = r.f32("scales")
	}
	raw := r.bytes(nf*uint64(m.cols), "weights")
	if r.err != nil {
		return nil, r.err
	}
	if len(r.data) != 0 {
		return nil, errors.New("nlu: model: trailing bytes")
	}
	for _, g := range m.groups {
		if int(g) >= len(m.groupW) {
			return nil, errors.New("nlu: model: corrupt feature groups")
		}
	}
	q := make([]int8, len(raw))
	for i, v := range raw {
		q[i] = int8(v)
	}
	m.dequantize(scales, q)
	for i, in := range intents {
		if m.names[i] != in.Name {
			return nil, ErrModelMismatch
		}
	}
	if err := m.prepare(matcher, intents, opts); err != nil {
		return nil, err
	}
	return m, nil
}
