package bottest_test

import (
	"context"
	"encoding/binary"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/botgen-dev/botgen/runtime/bottest"
	"github.com/botgen-dev/botgen/runtime/config"
	"github.com/botgen-dev/botgen/runtime/engine"
	"github.com/botgen-dev/botgen/runtime/reply"
	"github.com/botgen-dev/botgen/runtime/server"
)

// monoWAV is a 16-bit mono WAV file of the given samples.
func monoWAV(samples ...int16) []byte {
	b := []byte("RIFF\x00\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x40\x1f\x00\x00\x80\x3e\x00\x00\x02\x00\x10\x00data")
	b = binary.LittleEndian.AppendUint32(b, uint32(2*len(samples)))
	for _, s := range samples {
		b = binary.LittleEndian.AppendUint16(b, uint16(s))
	}
	binary.LittleEndian.PutUint32(b[4:], uint32(len(b)-8))
	return b
}

// serve runs a bot that greets with a WAV and an MP3 reply, in dialect.
func serve(t *testing.T, dialect string) string {
	t.Helper()
	bot := &engine.Bot{
		Name: "sounds",
		States: []engine.State{{Name: "start", Body: func(t *engine.Turn) {
			t.Reply(reply.NewAudio("hi.wav", "audio/wav", monoWAV(1, 2, 3)))
			t.Reply(reply.NewAudio("hi.mp3", "audio/mpeg", []byte("ID3\x04\x00")))
		}}},
		Initial: "start",
	}
	cfg := config.Default()
	cfg.Protocol = dialect
	eng, err := engine.New(bot, cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(eng, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	})
	return "ws://" + ln.Addr().String() + "/"
}

// An audio expectation holds in both dialects: in bbf the sound is a file
// with its name, in baf (a WAV) samples compared with the named file's.
func TestAudioOverTheWire(t *testing.T) {
	expect := func(name string, audio *reply.AudioData) bottest.Step {
		return bottest.Step{Kind: bottest.Expect, Reply: "audio", FileName: name, Audio: audio}
	}
	hi := reply.NewAudio("hi.wav", "audio/wav", monoWAV(1, 2, 3)).Audio
	other := reply.NewAudio("other.wav", "audio/wav", monoWAV(1, 2, 4)).Audio
	mp3 := reply.NewAudio("hi.mp3", "audio/mpeg", []byte("ID3\x04\x00")).Audio
	cases := []bottest.Case{
		{Name: "named", Steps: []bottest.Step{expect("hi.wav", hi), expect("hi.mp3", mp3)}},
		{Name: "any sound", Steps: []bottest.Step{expect("", nil), expect("", nil)}},
		{Name: "another sound", Steps: []bottest.Step{expect("other.wav", other), expect("hi.mp3", mp3)}},
		{Name: "not a text", Steps: []bottest.Step{{Kind: bottest.Expect, Reply: "str", HasText: true, Text: "hi"}}},
	}
	for _, dialect := range []string{"bbf", "baf"} {
		t.Run(dialect, func(t *testing.T) {
			res := bottest.Run(context.Background(), serve(t, dialect), cases, bottest.Options{Dialect: dialect, Quiet: 50 * time.Millisecond})
			for i, want := range []bool{true, true, false, false} {
				if passed := res[i].Failure == ""; passed != want {
					t.Errorf("%s: passed %v, want %v: %s", res[i].Name, passed, want, res[i].Failure)
				}
			}
			t.Logf("another sound: %s", res[2].Failure)
			if dialect == "baf" && !strings.Contains(res[2].Failure, "audio with other samples than other.wav (3 int16 samples at 8000 Hz)") {
				t.Errorf("baf mismatch: %s", res[2].Failure)
			}
		})
	}
}
