package generator_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/botgen-dev/botgen/dsl"
	"github.com/botgen-dev/botgen/generator"
)

// The ui.avatar image is embedded like a reply image and handed to the
// runtime as Program.Avatar; a bot without one hands nothing.
func TestAvatarEmbedded(t *testing.T) {
	logo, err := os.ReadFile("../testdata/examples/assets/logo.png")
	if err != nil {
		t.Fatal(err)
	}
	src := []byte("bot b\nconfig {\n    ui.avatar = \"logo.png\"\n}\nintent a { \"a\" }\ninitial state s0 {\n    reply image \"logo.png\"\n    on a -> s0\n}\n")
	f, diags := dsl.Parse("b.bot", src)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	bot, diags := dsl.Check(f, src, dsl.CheckOptions{Dir: ".", ReadFile: func(string) ([]byte, error) { return logo, nil }})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if bot.Avatar == nil {
		t.Fatal("no avatar in the model")
	}
	out, err := generator.Generate(bot)
	if err != nil {
		t.Fatal(err)
	}
	// The avatar and the reply image are one embedded JPEG.
	jpegs := 0
	for _, f := range out.Files {
		if bytes.HasPrefix(f.Data, []byte("\xff\xd8")) {
			jpegs++
		}
	}
	if jpegs != 1 {
		t.Fatalf("%d JPEG files embedded, want 1", jpegs)
	}
	if !strings.Contains(string(out.Source), "Avatar: fileLogoJpg,") {
		t.Errorf("the program does not get the avatar:\n%s", out.Source)
	}

	plain := bytes.Replace(src, []byte("    ui.avatar = \"logo.png\"\n"), nil, 1)
	f, _ = dsl.Parse("b.bot", plain)
	bot, diags = dsl.Check(f, plain, dsl.CheckOptions{Dir: ".", ReadFile: func(string) ([]byte, error) { return logo, nil }})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if out, err = generator.Generate(bot); err != nil || strings.Contains(string(out.Source), "Avatar") {
		t.Errorf("a bot without an avatar: %v\n%s", err, out.Source)
	}
}
