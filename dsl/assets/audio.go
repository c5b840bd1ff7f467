package assets

import (
	"bytes"
	"errors"
	"path"
	"strings"

	"github.com/botgen-dev/botgen/runtime/reply"
)

// audioType checks that data, named name, is a sound the clients can play
// and returns its MIME type: a WAV file whose samples DecodeWAV reads (baf
// gets them), or an MP3 or Ogg file (sent as a file in both dialects,
// since nothing here decodes them).
func audioType(name string, data []byte) (string, error) {
	switch strings.ToLower(path.Ext(name)) {
	case ".wav":
		if _, err := reply.DecodeWAV(data); err != nil {
			return "", err
		}
		return "audio/wav", nil
	case ".mp3":
		// An ID3 tag, or the sync bits of an MPEG audio frame.
		if !bytes.HasPrefix(data, []byte("ID3")) && (len(data) < 2 || data[0] != 0xff || data[1]&0xe0 != 0xe0) {
			return "", errors.New("not an MP3 file (no ID3 tag or MPEG frame at the start)")
		}
		return "audio/mpeg", nil
	case ".ogg":
		if !bytes.HasPrefix(data, []byte("OggS")) {
			return "", errors.New("not an Ogg file (no OggS page at the start)")
		}
		return "audio/ogg", nil
	}
	return "", errors.New("want a .wav, .mp3 or .ogg file")
}
