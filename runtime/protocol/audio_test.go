package protocol

import (
	"encoding/json"
	"testing"

	"github.com/botgen-dev/botgen/runtime/reply"
)

// Audio is the one reply whose frame depends on the dialect.
func TestEncodeAudio(t *testing.T) {
	wav := []byte("RIFF\x28\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x40\x1f\x00\x00\x80\x3e\x00\x00\x02\x00\x10\x00data\x04\x00\x00\x00\x01\x00\xff\xff")
	r := reply.NewAudio("hi.wav", "audio/wav", wav)
	got, err := BBF.EncodeReply(r, ts)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"action":"bot_reply_file","message":{"name":"hi.wav","type":"audio/wav","base64":"` + r.Audio.File.Base64 + `"}}`
	if string(got) != want {
		t.Errorf("bbf:\n got %s\nwant %s", got, want)
	}

	got, err = BAF.EncodeReply(r, ts)
	if err != nil {
		t.Fatal(err)
	}
	want = `{"action":"agent_reply_audio","message":{"audio_data_base64":"AQD//w==","metadata":{"sample_rate":8000,"dtype":"int16","shape":[2]}},"history":false,"timestamp":"2026-11-26 23:05:09"}`
	if string(got) != want {
		t.Errorf("baf:\n got %s\nwant %s", got, want)
	}
	var f struct {
		Message struct {
			Metadata struct {
				Shape []int `json:"shape"`
			} `json:"metadata"`
		} `json:"message"`
	}
	if json.Unmarshal(got, &f) != nil || len(f.Message.Metadata.Shape) != 1 {
		t.Errorf("baf frame does not decode: %s", got)
	}

	// Without samples (an MP3), baf gets the file too.
	mp3 := reply.NewAudio("hi.mp3", "audio/mpeg", []byte("ID3"))
	got, _ = BAF.EncodeHistoryReply(mp3, ts)
	want = `{"action":"agent_reply_file","message":{"name":"hi.mp3","type":"audio/mpeg","base64":"SUQz"},"history":true,"timestamp":"2026-11-26 23:05:09"}`
	if string(got) != want {
		t.Errorf("baf mp3:\n got %s\nwant %s", got, want)
	}
}
