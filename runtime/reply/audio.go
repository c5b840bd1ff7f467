package reply

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// AudioData is an audio reply. bbf has no audio reply, so it gets File, the
// sound file as written, as a bot_reply_file; baf gets Samples as an
// agent_reply_audio when there are any (a WAV file), else the file too.
type AudioData struct {
	File    FileData
	Samples *AudioSamples `json:",omitempty"`
}

// AudioSamples is the message of baf's agent_reply_audio: raw samples in
// base64 and what a client needs to rebuild them as numpy does
// (np.frombuffer(raw, dtype).reshape(shape)) and play them at sample_rate.
type AudioSamples struct {
	Base64   string        `json:"audio_data_base64"`
	Metadata AudioMetadata `json:"metadata"`
}

// AudioMetadata describes the samples of an AudioSamples.
type AudioMetadata struct {
	SampleRate int    `json:"sample_rate"`
	DType      string `json:"dtype"` // numpy's name: int16, int32, float32 or float64 (little-endian)
	Shape      []int  `json:"shape"` // [frames]: one channel
}

// NewAudio returns an audio reply of the file name (of MIME type mime)
// holding data. The samples baf sends are decoded from data when it is a
// WAV file that DecodeWAV reads.
func NewAudio(name, mime string, data []byte) Reply {
	a := &AudioData{File: FileData{Name: name, Type: mime, Base64: base64.StdEncoding.EncodeToString(data)}}
	if w, err := DecodeWAV(data); err == nil {
		a.Samples = &AudioSamples{
			Base64:   base64.StdEncoding.EncodeToString(w.Samples),
			Metadata: AudioMetadata{SampleRate: w.SampleRate, DType: w.DType, Shape: []int{w.Frames}},
		}
	}
	return Reply{Kind: Audio, Audio: a}
}

// WAV is a decoded WAV file: its format, and its sound as the samples of one
// channel.
type WAV struct {
	SampleRate int
	Channels   int    // in the file; Samples has one
	Bits       int    // per sample, in the file
	Float      bool   // IEEE float samples (else integer PCM)
	Frames     int    // samples per channel
	DType      string // numpy dtype of Samples
	Samples    []byte // little-endian
}

// WAV format codes (the fmt chunk's wFormatTag).
const (
	wavPCM        = 1
	wavFloat      = 3
	wavExtensible = 0xfffe
)

var wavFormats = map[uint16]string{2: "Microsoft ADPCM", 6: "A-law", 7: "µ-law", 0x11: "IMA ADPCM", 0x31: "GSM 6.10", 0x50: "MPEG", 0x55: "MP3"}

// DecodeWAV reads a WAV file of integer PCM (8, 16, 24 or 32 bits) or IEEE
// float samples (32 or 64 bits), with any number of channels. The sound is
// returned as one channel, as the clients of baf play it (its Streamlit
// page flattens whatever it gets into one channel): several channels are
// mixed down by averaging them. Samples keep their type where numpy has one
// (int16, int32, float32, float64); 8-bit samples, which WAV stores
// unsigned, become int16, and 24-bit ones int32, both scaled to full range.
func DecodeWAV(data []byte) (*WAV, error) {
	if len(data) < 12 || string(data[8:12]) != "WAVE" {
		return nil, errors.New("not a WAV file (no RIFF WAVE header)")
	}
	switch string(data[0:4]) {
	case "RIFF":
	case "RIFX":
		return nil, errors.New("big-endian WAV (RIFX) is not supported")
	case "RF64":
		return nil, errors.New("RF64 WAV is not supported")
	default:
		return nil, errors.New("not a WAV file (no RIFF WAVE header)")
	}
	var fmtChunk, dataChunk []byte
	for off := 12; off+8 <= len(data); {
		id, size := string(data[off:off+4]), int64(binary.LittleEndian.Uint32(data[off+4:]))
		body := data[off+8:]
		if size < int64(len(body)) {
			body = body[:size]
		}
		switch id {
		case "fmt ":
			if fmtChunk == nil {
				fmtChunk = body
			}
		case "data":
			// A size beyond the file (a streaming writer's 0xffffffff, a
			// file cut short) reads to its end.
			if dataChunk == nil {
				dataChunk = body
			}
		}
		off += 8 + int(size) + int(size&1)
	}
	if len(fmtChunk) < 16 {
		return nil, errors.New("no fmt chunk")
	}
	if dataChunk == nil {
		return nil, errors.New("no data chunk")
	}
	format := binary.LittleEndian.Uint16(fmtChunk[0:])
	w := &WAV{
		Channels:   int(binary.LittleEndian.Uint16(fmtChunk[2:])),
		SampleRate: int(binary.LittleEndian.Uint32(fmtChunk[4:])),
		Bits:       int(binary.LittleEndian.Uint16(fmtChunk[14:])),
	}
	blockAlign := int(binary.LittleEndian.Uint16(fmtChunk[12:]))
	if format == wavExtensible && len(fmtChunk) >= 26 {
		format = binary.LittleEndian.Uint16(fmtChunk[24:]) // the sub-format GUID starts with the code
	}
	switch format {
	case wavPCM:
		if w.Bits != 8 && w.Bits != 16 && w.Bits != 24 && w.Bits != 32 {
			return nil, fmt.Errorf("%d-bit PCM is not supported (want 8, 16, 24 or 32 bits)", w.Bits)
		}
	case wavFloat:
		if w.Bits != 32 && w.Bits != 64 {
			return nil, fmt.Errorf("%d-bit float samples are not supported (want 32 or 64 bits)", w.Bits)
		}
		w.Float = true
	default:
		name := wavFormats[format]
		if name == "" {
			name = fmt.Sprintf("format 0x%04x", format)
		}
		return nil, fmt.Errorf("%s samples are not supported (want PCM or IEEE float)", name)
	}
	if w.Channels == 0 {
		return nil, errors.New("no channels")
	}
	if w.SampleRate == 0 {
		return nil, errors.New("a sample rate of 0")
	}
	size := w.Bits / 8
	if blockAlign != w.Channels*size {
		return nil, fmt.Errorf("frames of %d bytes, but %d channels of %d bits take %d", blockAlign, w.Channels, w.Bits, w.Channels*size)
	}
	w.Frames = len(dataChunk) / blockAlign
	if w.Frames == 0 {
		return nil, errors.New("no samples")
	}
	mono(w, dataChunk, size)
	return w, nil
}

// mono sets w.Samples and w.DType from the interleaved frames of data.
func mono(w *WAV, data []byte, size int) {
	ch := w.Channels
	le := binary.LittleEndian
	if w.Float {
		out := make([]byte, w.Frames*size)
		for f := range w.Frames {
			sum := 0.0
			for c := range ch {
				p := data[(f*ch+c)*size:]
				if size == 4 {
					sum += float64(math.Float32frombits(le.Uint32(p)))
				} else {
					sum += math.Float64frombits(le.Uint64(p))
				}
			}
			if size == 4 {
				le.PutUint32(out[f*4:], math.Float32bits(float32(sum/float64(ch))))
			} else {
				le.PutUint64(out[f*8:], math.Float64bits(sum/float64(ch)))
			}
		}
		w.DType, w.Samples = fmt.Sprintf("float%d", w.Bits), out
		return
	}
	// Integers are read scaled to the width they are sent at.
	read := func(p []byte) int64 {
		switch size {
		case 1:
			return (int64(p[0]) - 128) << 8
		case 2:
			return int64(int16(le.Uint16(p)))
		case 3:
			return int64(int32(uint32(p[0])<<8 | uint32(p[1])<<16 | uint32(p[2])<<24)) // sign in the top byte
		}
		return int64(int32(le.Uint32(p)))
	}
	outSize := 2
	w.DType = "int16"
	if size > 2 {
		outSize, w.DType = 4, "int32"
	}
	out := make([]byte, w.Frames*outSize)
	for f := range w.Frames {
		var sum int64
		for c := range ch {
			sum += read(data[(f*ch+c)*size:])
		}
		v := sum / int64(ch)
		if outSize == 2 {
			le.PutUint16(out[f*2:], uint16(int16(v)))
		} else {
			le.PutUint32(out[f*4:], uint32(int32(v)))
		}
	}
	w.Samples = out
}
