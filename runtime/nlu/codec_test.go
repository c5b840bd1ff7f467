package nlu

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"runtime"
	"strings"
	"testing"
)

var weatherOpts = Options{Language: "en", Stemming: true}

// weatherModels returns the weather bot's model as Train writes it (85 KB),
// and two of 3 KB, with and without the multinomial part, trained on less
// generated noise and without the rarer character n-grams, which the fuzzer
// mutates and minimises faster.
func weatherModels(tb testing.TB) [][]byte {
	tb.Helper()
	m, err := Train(weatherIntents, cityEntity, weatherOpts)
	if err != nil {
		tb.Fatal(err)
	}
	full, _ := m.MarshalBinary()
	out := [][]byte{full}
	for _, soft := range []int{0, 12} {
		hp := defaultHyper()
		hp.minNoise, hp.largeFrom, hp.minDF, hp.softEpochs = 20, 0, 10, soft
		m, err := train(weatherIntents, cityEntity, weatherOpts, hp)
		if err != nil {
			tb.Fatal(err)
		}
		b, _ := m.MarshalBinary()
		out = append(out, b)
	}
	return out
}

// lengthOffsets returns where each length field of a model's binary form
// starts: "language", "intents", "intent name" (the first), "columns" and
// "features".
func lengthOffsets(tb testing.TB, data []byte) map[string]int {
	tb.Helper()
	m, err := LoadModel(data, weatherIntents, cityEntity, weatherOpts)
	if err != nil {
		tb.Fatal(err)
	}
	uv := func(n int) int { return len(binary.AppendUvarint(nil, uint64(n))) }
	off := map[string]int{}
	o := len(magic) + uv(formatVersion) + len(m.print)
	off["language"] = o
	o += uv(len(m.lang)) + len(m.lang) + 1 + 8*numGroups
	off["intents"] = o
	o += uv(len(m.names))
	off["intent name"] = o
	for _, n := range m.names {
		o += uv(len(n)) + len(n)
	}
	off["columns"] = o
	o += uv(m.cols) + 8
	off["features"] = o
	if got := binary.AppendUvarint(nil, uint64(len(m.hashes))); !bytes.Equal(data[o:o+len(got)], got) {
		tb.Fatal("lengthOffsets is out of step with MarshalBinary")
	}
	return off
}

// withLength returns data with the length field at off claiming n.
func withLength(data []byte, off int, n uint64) []byte {
	_, size := binary.Uvarint(data[off:])
	out := append(bytes.Clone(data[:off]), binary.AppendUvarint(nil, n)...)
	return append(out, data[off+size:]...)
}

// allocated returns the bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// A length field claiming more than the data holds is refused before
// anything is allocated for it.
func TestLoadModelHostileLengths(t *testing.T) {
	data := weatherModels(t)[0]
	valid := allocated(func() { LoadModel(data, weatherIntents, cityEntity, weatherOpts) })
	for field, off := range lengthOffsets(t, data) {
		for _, n := range []uint64{uint64(len(data)), 1 << 40, 1 << 62, math.MaxUint64} {
			b := withLength(data, off, n)
			var err error
			got := allocated(func() { _, err = LoadModel(b, weatherIntents, cityEntity, weatherOpts) })
			if !errors.Is(err, ErrCorruptModel) {
				t.Errorf("%s claiming %d: %v, want ErrCorruptModel", field, n, err)
			}
			if got > valid {
				t.Errorf("%s claiming %d: %d bytes allocated, more than loading the model (%d)", field, n, got, valid)
			}
		}
	}
}

// Values no training writes are refused: a model LoadModel accepts scores
// every message with numbers in [0, 1].
func TestLoadModelBadValues(t *testing.T) {
	for name, spoil := range map[string]func(m *Model){
		"NaN idf":                func(m *Model) { m.idf[3] = float32(math.NaN()) },
		"infinite weight":        func(m *Model) { m.weights[5] = float32(math.Inf(-1)) },
		"NaN bias":               func(m *Model) { m.bias[0] = float32(math.NaN()) },
		"negative group weight":  func(m *Model) { m.groupW[1] = -1 },
		"huge group weights":     func(m *Model) { m.groupW[0], m.groupW[2] = 1e200, 1e200 },
		"mix above 1":            func(m *Model) { m.mix = 1.5 },
		"repeated feature":       func(m *Model) { m.hashes[2] = m.hashes[1] },
		"unsorted features":      func(m *Model) { m.hashes[1], m.hashes[2] = m.hashes[2], m.hashes[1] },
		"unknown feature group":  func(m *Model) { m.groups[0] = numGroups },
		"other language":         func(m *Model) { m.lang = "es" },
		"other stemming":         func(m *Model) { m.stemming = false },
		"other intent name":      func(m *Model) { m.names[1] = "hi" },
		"intent names reordered": func(m *Model) { m.names[0], m.names[1] = m.names[1], m.names[0] },
	} {
		m, err := Train(weatherIntents, cityEntity, weatherOpts)
		if err != nil {
			t.Fatal(err)
		}
		spoil(m)
		data, _ := m.MarshalBinary()
		if _, err := LoadModel(data, weatherIntents, cityEntity, weatherOpts); !errors.Is(err, ErrCorruptModel) {
			t.Errorf("%s: %v, want ErrCorruptModel", name, err)
		}
	}
	data := weatherModels(t)[0]
	if _, err := LoadModel(append(bytes.Clone(data), 0), weatherIntents, cityEntity, weatherOpts); !errors.Is(err, ErrCorruptModel) {
		t.Errorf("a trailing byte: %v, want ErrCorruptModel", err)
	}
}

// FuzzLoadModel feeds LoadModel mutations of real models: it must return an
// error, or a model whose tables are no larger than its input and that
// classifies, extracts, explains and marshals to data that loads. It is
// seeded with the small models only: the format is the same, and an exec or
// a minimisation step on Train's 85 KB model costs several times as much.
func FuzzLoadModel(f *testing.F) {
	for _, data := range weatherModels(f)[1:] {
		f.Add(data)
		for _, n := range []int{len(magic) + 1, 30, 70, len(data) / 3, len(data) - 1} {
			f.Add(data[:n])
		}
		for _, off := range lengthOffsets(f, data) {
			f.Add(withLength(data, off, 1<<40))
		}
		for _, i := range []int{len(magic), 24, 40, 60, 75, len(data) / 2, len(data) - 5, len(data) - 1} {
			b := bytes.Clone(data)
			b[i] ^= 0x40
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := LoadModel(b, weatherIntents, cityEntity, weatherOpts)
		if err != nil {
			if m != nil || !strings.HasPrefix(err.Error(), "nlu: model") {
				t.Fatalf("model %v, error %q", m, err)
			}
			return
		}
		// Every feature took at least 6 bytes and a byte a column.
		if len(m.hashes)*(6+m.cols) > len(b) || len(m.weights) > len(b) || len(m.names) != len(weatherIntents) {
			t.Fatalf("%d bytes decode to %d features of %d columns", len(b), len(m.hashes), m.cols)
		}
		// One Classify only: a second one may or may not find the first
		// one's scratch in the pool, after a GC, and that coverage noise
		// would make the fuzzer keep and minimise inputs for nothing.
		scores := m.Classify("what is the weather like in Madrid", m.Intents())
		if len(scores) != len(weatherIntents) {
			t.Fatalf("%d scores", len(scores))
		}
		for _, s := range scores {
			if !(s.Score >= 0 && s.Score <= 1) {
				t.Fatalf("%s scores %v", s.Intent, s.Score)
			}
		}
		m.Extract("weather", "weather in Madrid")
		m.Explain("will it rain in barcelona", "weather", 3)
		again, err := m.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := LoadModel(again, weatherIntents, cityEntity, weatherOpts); err != nil {
			t.Fatalf("a loaded model marshals to data that does not load: %v", err)
		}
	})
}
