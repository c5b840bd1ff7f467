// Package assets loads the files a .bot file references: tables (CSV read
// as pandas reads it), Plotly figures, images (re-encoded as JPEG), files
// sent as they are, and sounds. It applies the rules on which files a bot
// may embed, and its errors are the messages a diagnostic shows; the
// checker gives them their positions.
//
// A build loads every file in full. An editor, which checks on every
// change, sets ValidateOnly and a Cache: the same errors, without the work
// whose only product is the bytes a bot embeds, and without reading again
// a file that has not changed.
package assets

import (
	"errors"
	"fmt"
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
	AsTable    Kind = iota // reply table "x.csv"
	AsPlotly               // reply plotly "x.json"
	AsImage                // reply image, ui.avatar
	AsRaw                  // reply file, user file in a test
	AsAudio                // reply audio
	AsDocument             // knowledge: read in full, even to validate
)

// Asset is a referenced file, loaded.
type Asset struct {
	Table  *ir.Table // AsTable
	Notes  []string  // AsTable: what pandas changes silently, for warnings
	Figure string    // AsPlotly: the figure's JSON, compacted
	File   ir.File   // AsImage, AsRaw, AsAudio: the file the bot embeds
}

// Loader loads the files a bot references. A Loader serves one check: it
// resolves the links of the bot's folder once.
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
	// ValidateOnly checks each file as a build does, with the same errors,
	// but skips the work whose only product is the bytes the bot embeds:
	// an image is decoded but not re-encoded as JPEG, and the embedded
	// files (Asset.File) have no Data.
	ValidateOnly bool
	// Cache, when not nil, keeps what is loaded from disk (not through
	// ReadFile) for the next loads, by this Loader or another.
	Cache *Cache

	roots    []string // see realRoots
	rootsErr error
}

// Load reads the file a bot names p and converts it as kind says. The
// error, if any, is the whole message to show the user.
func (l *Loader) Load(p string, kind Kind) (*Asset, error) {
	if strings.TrimSpace(p) == "" {
		return nil, errors.New("empty file path")
	}
	full, err := l.fullPath(p)
	if err != nil {
		return nil, err
	}
	if l.ReadFile != nil {
		data, err := l.ReadFile(full)
		if err != nil {
			return nil, readError(p, err)
		}
		return l.convert(p, data, kind)
	}
	root, rel, err := l.onDisk(p, full)
	if err != nil {
		return nil, readError(p, err)
	}
	return l.loadUnder(p, root, rel, kind)
}

// loadUnder loads the file a bot names p, rel inside the folder root, from
// the cache when it has not changed since it was cached.
func (l *Loader) loadUnder(p, root, rel string, kind Kind) (*Asset, error) {
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, readError(p, err)
	}
	defer r.Close()
	key := cacheKey{path: filepath.Join(root, rel), kind: kind, validateOnly: l.ValidateOnly}
	if l.Cache != nil {
		st, err := statUnder(r, rel)
		if err != nil {
			return nil, readError(p, err)
		}
		if e, ok := l.Cache.get(key, st); ok {
			return e.asset, e.err
		}
	}
	data, st, err := readUnder(r, rel)
	if err != nil {
		return nil, readError(p, err)
	}
	a, err := l.convert(p, data, kind)
	l.Cache.put(key, st, a, err)
	return a, err
}

// readError is the message for a file that cannot be read.
func readError(p string, err error) error {
	var out *outsideError
	switch {
	case errors.As(err, &out):
		return out
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("file %q not found", p)
	}
	return fmt.Errorf("cannot read file %q: %v", p, unwrapPathErr(err))
}

func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// convert turns the bytes of the file named p into an asset of kind.
func (l *Loader) convert(p string, data []byte, kind Kind) (*Asset, error) {
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
		img, err := decodeImage(data)
		if err != nil {
			return nil, fmt.Errorf("cannot use %q as an image: %v", p, err)
		}
		name := strings.TrimSuffix(base, path.Ext(base)) + ".jpg"
		a.File = ir.File{Name: name, Path: p, MIME: "image/jpeg"}
		if !l.ValidateOnly {
			if a.File.Data, err = toJPEG(img); err != nil {
				return nil, fmt.Errorf("cannot use %q as an image: %v", p, err)
			}
		}
	case AsRaw:
		a.File = ir.File{Name: base, Path: p, MIME: reply.MIMEType(base, data), Data: data}
	case AsAudio:
		mime, err := audioType(base, data)
		if err != nil {
			return nil, fmt.Errorf("cannot use %q as audio: %v", p, err)
		}
		a.File = ir.File{Name: base, Path: p, MIME: mime, Data: data}
	case AsDocument:
		// Documents are split into passages even to validate them.
		return &Asset{File: ir.File{Name: base, Path: p, Data: data}}, nil
	}
	if l.ValidateOnly {
		a.File.Data = nil
	}
	return a, nil
}
