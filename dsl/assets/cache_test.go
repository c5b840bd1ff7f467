package assets

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func testPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 64, 48))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	img.Set(1, 1, color.Transparent)
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// An editor validates files as a build does: the same errors (an image that
// does not decode included), the same names and types, only without the
// bytes a build embeds.
func TestValidateOnlySameErrors(t *testing.T) {
	logo := testPNG(t)
	files := map[string][]byte{
		"logo.png":      logo,
		"truncated.png": logo[:len(logo)/2], // the header decodes, the pixels do not
		"text.png":      []byte("not an image"),
		"terms.txt":     []byte("Be nice.\n"),
		"song.wav":      []byte("RIFF...."),
		"song.ogg":      []byte("OggS\x00"),
		"t.csv":         []byte("a,a\n1,2\n"),
		"ragged.csv":    []byte("a\n1,2\n"),
		"fig.json":      []byte(`{"data": []}`),
	}
	read := func(p string) ([]byte, error) {
		if data, ok := files[filepath.Base(p)]; ok {
			return data, nil
		}
		return nil, os.ErrNotExist
	}
	cases := []struct {
		path string
		kind Kind
	}{
		{"logo.png", AsImage}, {"truncated.png", AsImage}, {"text.png", AsImage}, {"missing.png", AsImage},
		{"terms.txt", AsRaw}, {"song.wav", AsAudio}, {"song.ogg", AsAudio}, {"terms.txt", AsAudio},
		{"t.csv", AsTable}, {"ragged.csv", AsTable}, {"fig.json", AsPlotly}, {"t.csv", AsPlotly},
	}
	for _, c := range cases {
		build, berr := (&Loader{ReadFile: read}).Load(c.path, c.kind)
		edit, eerr := (&Loader{ReadFile: read, ValidateOnly: true}).Load(c.path, c.kind)
		if (berr == nil) != (eerr == nil) || berr != nil && berr.Error() != eerr.Error() {
			t.Errorf("%s: a build says %v, an editor %v", c.path, berr, eerr)
			continue
		}
		if berr != nil {
			continue
		}
		if edit.File.Data != nil || edit.File.Name != build.File.Name || edit.File.MIME != build.File.MIME ||
			len(edit.Notes) != len(build.Notes) || edit.Figure != build.Figure {
			t.Errorf("%s: a build loads %+v, an editor %+v", c.path, build, edit)
		}
	}
	if _, err := (&Loader{ReadFile: read, ValidateOnly: true}).Load("truncated.png", AsImage); err == nil || !strings.Contains(err.Error(), "cannot decode") {
		t.Errorf("truncated image: %v", err)
	}
}

// The cache serves a file again only while it is the same file, unchanged:
// a rewrite, a replacement (as editors save, by renaming a new file over
// the old one, here with the same size and time) or a removal is seen.
func TestCacheOnDisk(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "logo.png")
	logo := testPNG(t)
	write := func(data []byte) {
		t.Helper()
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var cache Cache
	load := func(validateOnly bool) (*Asset, error) {
		return (&Loader{Dir: dir, ValidateOnly: validateOnly, Cache: &cache}).Load("logo.png", AsImage)
	}
	write(logo)
	first, err := load(true)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := load(true); again != first {
		t.Error("an unchanged file is loaded again")
	}
	if built, err := load(false); err != nil || len(built.File.Data) == 0 {
		t.Errorf("a build's load from the same cache: %v", err)
	}

	write(logo[:len(logo)/2])
	if _, err := load(true); err == nil || !strings.Contains(err.Error(), "cannot decode") {
		t.Errorf("a rewritten file: %v", err)
	}

	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	bad := bytes.Repeat([]byte("x"), int(st.Size()))
	tmp := filepath.Join(dir, "new.png")
	if err := os.WriteFile(tmp, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(tmp, time.Time{}, st.ModTime()); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	if _, err := load(true); err == nil || !strings.Contains(err.Error(), "not a PNG, JPEG or GIF image") {
		t.Errorf("a replaced file of the same size and time: %v", err)
	}

	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if _, err := load(true); err == nil || err.Error() != `file "logo.png" not found` {
		t.Errorf("a removed file: %v", err)
	}
}
