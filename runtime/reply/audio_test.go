package reply

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"math"
	"strings"
	"testing"
)

// wavFile builds a WAV file: a RIFF header, the chunks in order, each given
// as its id and body (padded to an even size).
func wavFile(chunks ...any) []byte {
	var body bytes.Buffer
	body.WriteString("WAVE")
	for i := 0; i < len(chunks); i += 2 {
		id, data := chunks[i].(string), chunks[i+1].([]byte)
		body.WriteString(id)
		binary.Write(&body, binary.LittleEndian, uint32(len(data)))
		body.Write(data)
		if len(data)%2 == 1 {
			body.WriteByte(0)
		}
	}
	var out bytes.Buffer
	out.WriteString("RIFF")
	binary.Write(&out, binary.LittleEndian, uint32(body.Len()))
	out.Write(body.Bytes())
	return out.Bytes()
}

// fmtChunk is the body of a fmt chunk.
func fmtChunk(format, channels, rate, bits int) []byte {
	var b bytes.Buffer
	block := channels * bits / 8
	for _, v := range []any{uint16(format), uint16(channels), uint32(rate), uint32(rate * block), uint16(block), uint16(bits)} {
		binary.Write(&b, binary.LittleEndian, v)
	}
	return b.Bytes()
}

// le writes values little-endian.
func le(vs ...any) []byte {
	var b bytes.Buffer
	for _, v := range vs {
		binary.Write(&b, binary.LittleEndian, v)
	}
	return b.Bytes()
}

func TestDecodeWAV(t *testing.T) {
	extensible := append(fmtChunk(0xfffe, 1, 8000, 16), le(uint16(22), uint16(16), uint32(4), uint16(1), [14]byte{0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71})...)
	for _, tt := range []struct {
		name  string
		wav   []byte
		dtype string
		rate  int
		want  []byte // the samples sent
	}{
		{"16-bit mono", wavFile("fmt ", fmtChunk(1, 1, 16000, 16), "data", le(int16(1), int16(-2), int16(32767))),
			"int16", 16000, le(int16(1), int16(-2), int16(32767))},
		{"8-bit stereo: unsigned, mixed down, to int16", wavFile("fmt ", fmtChunk(1, 2, 8000, 8), "data", []byte{128, 128, 255, 255, 0, 128}),
			"int16", 8000, le(int16(0), int16(127<<8), int16(-64<<8))},
		{"24-bit to int32", wavFile("fmt ", fmtChunk(1, 1, 44100, 24), "data", []byte{0x01, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}),
			"int32", 44100, le(int32(1<<8), int32(-1<<8), int32(math.MaxInt32-0xff))},
		{"32-bit int stereo", wavFile("fmt ", fmtChunk(1, 2, 48000, 32), "data", le(int32(math.MaxInt32), int32(math.MaxInt32), int32(-4), int32(2))),
			"int32", 48000, le(int32(math.MaxInt32), int32(-1))},
		{"float32 stereo", wavFile("fmt ", fmtChunk(3, 2, 22050, 32), "data", le(float32(0.5), float32(-0.25), float32(1), float32(1))),
			"float32", 22050, le(float32(0.125), float32(1))},
		{"float64", wavFile("fmt ", fmtChunk(3, 1, 8000, 64), "data", le(0.75, -1.0)),
			"float64", 8000, le(0.75, -1.0)},
		{"extensible PCM", wavFile("fmt ", extensible, "data", le(int16(5))),
			"int16", 8000, le(int16(5))},
		{"odd chunk before fmt, chunk after data, half a frame dropped", wavFile("LIST", []byte("abc"), "fmt ", fmtChunk(1, 1, 8000, 16), "data", []byte{7, 0, 9}, "id3 ", []byte("x")),
			"int16", 8000, le(int16(7))},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w, err := DecodeWAV(tt.wav)
			if err != nil {
				t.Fatal(err)
			}
			if w.DType != tt.dtype || w.SampleRate != tt.rate || !bytes.Equal(w.Samples, tt.want) {
				t.Errorf("got %s at %d: % x, want %s at %d: % x", w.DType, w.SampleRate, w.Samples, tt.dtype, tt.rate, tt.want)
			}
		})
	}

	// A data chunk whose size runs past the end (a streaming writer's
	// 0xffffffff) reads to the end of the file.
	streamed := wavFile("fmt ", fmtChunk(1, 1, 8000, 16), "data", le(int16(1), int16(2)))
	binary.LittleEndian.PutUint32(streamed[len(streamed)-8:], 0xffffffff)
	if w, err := DecodeWAV(streamed); err != nil || w.Frames != 2 {
		t.Errorf("streamed: %v, %+v", err, w)
	}
}

func TestDecodeWAVErrors(t *testing.T) {
	riff := wavFile("fmt ", fmtChunk(1, 1, 8000, 16), "data", le(int16(1)))
	rifx := append([]byte("RIFX"), riff[4:]...)
	badBlock := fmtChunk(1, 2, 8000, 16)
	badBlock[12] = 3
	for _, tt := range []struct {
		name string
		wav  []byte
		want string
	}{
		{"MP3", []byte("ID3\x04\x00\x00\x00\x00\x00\x00"), "not a WAV file (no RIFF WAVE header)"},
		{"short", []byte("RIFF"), "not a WAV file (no RIFF WAVE header)"},
		{"big-endian", rifx, "big-endian WAV (RIFX) is not supported"},
		{"ADPCM", wavFile("fmt ", fmtChunk(2, 1, 8000, 4), "data", []byte{1, 2}), "Microsoft ADPCM samples are not supported (want PCM or IEEE float)"},
		{"unknown format", wavFile("fmt ", fmtChunk(0x1234, 1, 8000, 16), "data", []byte{1, 2}), "format 0x1234 samples are not supported (want PCM or IEEE float)"},
		{"12-bit", wavFile("fmt ", fmtChunk(1, 1, 8000, 12), "data", []byte{1, 2}), "12-bit PCM is not supported (want 8, 16, 24 or 32 bits)"},
		{"16-bit float", wavFile("fmt ", fmtChunk(3, 1, 8000, 16), "data", []byte{1, 2}), "16-bit float samples are not supported (want 32 or 64 bits)"},
		{"no fmt", wavFile("data", []byte{1, 2}), "no fmt chunk"},
		{"no data", wavFile("fmt ", fmtChunk(1, 1, 8000, 16)), "no data chunk"},
		{"no samples", wavFile("fmt ", fmtChunk(1, 1, 8000, 16), "data", []byte{}), "no samples"},
		{"no channels", wavFile("fmt ", fmtChunk(1, 0, 8000, 16), "data", []byte{1, 2}), "no channels"},
		{"rate 0", wavFile("fmt ", fmtChunk(1, 1, 0, 16), "data", []byte{1, 2}), "a sample rate of 0"},
		{"block align", wavFile("fmt ", badBlock, "data", []byte{1, 2, 3, 4}), "frames of 3 bytes, but 2 channels of 16 bits take 4"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := DecodeWAV(tt.wav); err == nil || err.Error() != tt.want {
				t.Errorf("got %v, want %s", err, tt.want)
			}
		})
	}
}

func TestNewAudio(t *testing.T) {
	wav := wavFile("fmt ", fmtChunk(1, 2, 16000, 16), "data", le(int16(2), int16(4), int16(-2), int16(-4)))
	r := NewAudio("hi.wav", "audio/wav", wav)
	if r.Kind != Audio || r.Empty() || r.Audio.File.Name != "hi.wav" || r.Audio.File.Type != "audio/wav" || r.Audio.File.Base64 != base64.StdEncoding.EncodeToString(wav) {
		t.Fatalf("NewAudio = %+v", r)
	}
	if r.Message() != &r.Audio.File {
		t.Errorf("Message() is not the file")
	}
	s := r.Audio.Samples
	if s == nil || s.Base64 != base64.StdEncoding.EncodeToString(le(int16(3), int16(-3))) || s.Metadata.SampleRate != 16000 || s.Metadata.DType != "int16" || len(s.Metadata.Shape) != 1 || s.Metadata.Shape[0] != 2 {
		t.Errorf("samples = %+v", s)
	}
	mp3 := NewAudio("hi.mp3", "audio/mpeg", []byte("ID3\x04"))
	if mp3.Audio.Samples != nil || mp3.Audio.File.Type != "audio/mpeg" {
		t.Errorf("mp3 = %+v", mp3.Audio)
	}
	if MIMEType("x.OGG", nil) != "audio/ogg" || !strings.HasPrefix(MIMEType("x.wav", nil), "audio/") {
		t.Error("audio MIME types")
	}
}
