// Package assets loads the files a .bot file references: tables (CSV read
// as pandas reads it), Plotly figures, images (re-encoded as JPEG), files
// sent as they are, and sounds. It applies the rules on which files a bot
// may embed, and its errors are the messages a diagnostic shows; the
// checker gives them their positions.
package assets

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	_ "image/gif" // decoders for reply image
	"image/jpeg"
	_ "image/png"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/botgen-dev/botgen/dsl/ir"
	"github.com/botgen-dev/botgen/runtime/reply"
)

// Kind is what a referenced file is loaded as.
type Kind int

// The kinds of referenced files.
const (
	AsTable  Kind = iota // reply table "x.csv"
	AsPlotly             // reply plotly "x.json"
	AsImage              // reply image, ui.avatar
	AsRaw                // reply file, user file in a test
	AsAudio              // reply audio
)

// Asset is a referenced file, loaded.
type Asset struct {
	Table  *ir.Table // AsTable
	Notes  []string  // AsTable: what pandas changes silently, for warnings
	Figure string    // AsPlotly: the figure's JSON, compacted
	File   ir.File   // AsImage, AsRaw, AsAudio: the file the bot embeds
}

// Loader loads the files a bot references.
type Loader struct {
	// Dir is the bot's folder: referenced files are named relative to it,
	// and must be inside it.
	Dir string
	// ReadFile reads a referenced file, given Dir joined with its path; nil
	// reads regular files from disk, following symbolic links only while
	// they stay inside Dir. The rules on absolute paths and ".." apply to
	// any ReadFile.
	ReadFile func(path string) ([]byte, error)
	// AllowOutside names folders, besides Dir, that referenced files may be
	// in (by an absolute path or a ".." path, or through a link).
	AllowOutside []string
}

// Load reads the file a bot names p and converts it as kind says. The
// error, if any, is the whole message to show the user.
func (l *Loader) Load(p string, kind Kind) (*Asset, error) {
	if strings.TrimSpace(p) == "" {
		return nil, errors.New("empty file path")
	}
	data, err := l.read(p)
	if err != nil {
		var out *outsideError
		switch {
		case errors.As(err, &out):
			return nil, out
		case errors.Is(err, fs.ErrNotExist):
			return nil, fmt.Errorf("file %q not found", p)
		default:
			return nil, fmt.Errorf("cannot read file %q: %v", p, unwrapPathErr(err))
		}
	}
	return convert(p, data, kind)
}

// convert turns the bytes of the file named p into an asset of kind.
func convert(p string, data []byte, kind Kind) (*Asset, error) {
	base := path.Base(filepath.ToSlash(p))
	a := &Asset{}
	var err error
	switch kind {
	case AsTable:
		if a.Table, a.Notes, err = ParseCSV(data); err != nil {
			return nil, fmt.Errorf("cannot use %q as a table: %v", p, err)
		}
	case AsPlotly:
		if a.Figure, err = compactFigure(data); err != nil {
			return nil, fmt.Errorf("cannot use %q as a Plotly figure: %v", p, err)
		}
	case AsImage:
		jpg, err := toJPEG(data)
		if err != nil {
			return nil, fmt.Errorf("cannot use %q as an image: %v", p, err)
		}
		name := strings.TrimSuffix(base, path.Ext(base)) + ".jpg"
		a.File = ir.File{Name: name, Path: p, MIME: "image/jpeg", Data: jpg}
	case AsRaw:
		a.File = ir.File{Name: base, Path: p, MIME: reply.MIMEType(base, data), Data: data}
	case AsAudio:
		mime, err := audioType(base, data)
		if err != nil {
			return nil, fmt.Errorf("cannot use %q as audio: %v", p, err)
		}
		a.File = ir.File{Name: base, Path: p, MIME: mime, Data: data}
	}
	return a, nil
}

func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// compactFigure checks that data is a JSON object with a "data" array and
// returns it compacted.
func compactFigure(data []byte) (string, error) {
	var fig map[string]json.RawMessage
	if err := json.Unmarshal(data, &fig); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return "", fmt.Errorf("invalid JSON at byte %d: %v", se.Offset, err)
		}
		return "", fmt.Errorf("not a JSON object")
	}
	var traces []json.RawMessage
	raw, ok := fig["data"]
	if !ok {
		return "", fmt.Errorf(`no "data" array`)
	}
	if err := json.Unmarshal(raw, &traces); err != nil || traces == nil {
		return "", fmt.Errorf(`"data" is not an array`)
	}
	var b bytes.Buffer
	if err := json.Compact(&b, data); err != nil {
		return "", err
	}
	return b.String(), nil
}

// toJPEG decodes a PNG, JPEG or GIF image and re-encodes it as JPEG, over a
// white background since JPEG has no transparency.
func toJPEG(data []byte) ([]byte, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("not a PNG, JPEG or GIF image")
	}
	if cfg.Width*cfg.Height > 50_000_000 || cfg.Width > 20000 || cfg.Height > 20000 {
		return nil, fmt.Errorf("image too large (%dx%d)", cfg.Width, cfg.Height)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("cannot decode: %v", err)
	}
	b := img.Bounds()
	rgba := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(rgba, rgba.Bounds(), &image.Uniform{C: color.White}, image.Point{}, draw.Src)
	draw.Draw(rgba, rgba.Bounds(), img, b.Min, draw.Over)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, rgba, &jpeg.Options{Quality: 90}); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// maxFileSize bounds what a bot may embed, so that a path such as a device
// or a huge file cannot stall or exhaust the build.
const maxFileSize = 256 << 20

// outsideError is a referenced file that the file rules keep a bot from
// embedding; msg says which rule.
type outsideError struct{ msg string }

func (e *outsideError) Error() string { return e.msg }

// read reads the file a bot references as p. The files a bot
// embeds are sent to anyone who chats with it, so a .bot file may only name
// files inside its own folder (or inside one of AllowOutside): no
// absolute path, no ".." out of the folder, and, on disk, no symbolic link
// that resolves outside of it.
func (l *Loader) read(p string) ([]byte, error) {
	dir := l.Dir
	if dir == "" {
		dir = "."
	}
	native := filepath.FromSlash(p)
	// Rooted or with a volume name counts as absolute, even where the
	// system would read it relative to something.
	abs := filepath.IsAbs(native) || strings.HasPrefix(p, "/") || strings.HasPrefix(native, string(filepath.Separator)) || filepath.VolumeName(native) != ""
	full := filepath.Join(dir, native)
	if abs {
		full = filepath.Clean(native)
	}
	if rel := filepath.Clean(native); abs || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		if !l.allowedPath(full) {
			if abs {
				return nil, &outsideError{fmt.Sprintf("file %q: absolute paths are not allowed (files a bot embeds must be inside its folder, named relative to it)", p)}
			}
			return nil, &outsideError{fmt.Sprintf("file %q is outside the bot's folder %s (files a bot embeds must be inside its folder)", p, absPath(dir))}
		}
	}
	if l.ReadFile != nil {
		return l.ReadFile(full)
	}
	// On disk: where the path leads once symbolic links are followed.
	dirReal, err := realPath(dir)
	if err != nil {
		return nil, fmt.Errorf("the bot's folder: %w", unwrapPathErr(err))
	}
	real, err := realPath(full)
	if err != nil {
		return nil, err
	}
	roots := []string{dirReal}
	for _, a := range l.AllowOutside {
		if r, err := realPath(a); err == nil {
			roots = append(roots, r)
		}
	}
	for _, root := range roots {
		if rel, ok := within(root, real); ok {
			return readUnder(root, rel)
		}
	}
	if st, err := os.Lstat(full); err == nil && st.Mode()&fs.ModeSymlink != 0 {
		return nil, &outsideError{fmt.Sprintf("file %q is a symbolic link to %s, outside the bot's folder %s (files a bot embeds must be inside its folder)", p, real, dirReal)}
	}
	return nil, &outsideError{fmt.Sprintf("file %q leads through a symbolic link to %s, outside the bot's folder %s (files a bot embeds must be inside its folder)", p, real, dirReal)}
}

// allowedPath reports whether path, not followed through links, is inside
// one of the folders of AllowOutside.
func (l *Loader) allowedPath(path string) bool {
	for _, a := range l.AllowOutside {
		if _, ok := within(absPath(a), absPath(path)); ok {
			return true
		}
	}
	return false
}

// within returns path relative to root when path is root or inside it.
func within(root, path string) (string, bool) {
	rel, err := filepath.Rel(root, path)
	if err != nil || filepath.IsAbs(rel) || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return rel, true
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// realPath is the absolute path p leads to once symbolic links are followed.
func realPath(p string) (string, error) {
	r, err := filepath.EvalSymlinks(p)
	if err != nil {
		return "", err
	}
	return filepath.Abs(r)
}

// readUnder reads the regular file rel inside root, through an os.Root so
// that a link changed since it was resolved cannot lead out of root.
func readUnder(root, rel string) ([]byte, error) {
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	// Opening a named pipe would wait for a writer: only a regular file is
	// opened, and checked again once open.
	if st, err := r.Stat(rel); err != nil {
		return nil, err
	} else if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file")
	}
	f, err := r.Open(rel)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file")
	}
	if st.Size() > maxFileSize {
		return nil, fmt.Errorf("larger than %d MiB", maxFileSize>>20)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err == nil && len(data) > maxFileSize {
		return nil, fmt.Errorf("larger than %d MiB", maxFileSize>>20)
	}
	return data, err
}
