package assets

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// maxFileSize bounds what a bot may embed, so that a path such as a device
// or a huge file cannot stall or exhaust the build.
const maxFileSize = 256 << 20

// outsideError is a referenced file that the file rules keep a bot from
// embedding; msg says which rule.
type outsideError struct{ msg string }

func (e *outsideError) Error() string { return e.msg }

// The files a bot embeds are sent to anyone who chats with it, so a .bot
// file may only name files inside its own folder (or inside one of
// AllowOutside): no absolute path, no ".." out of the folder, and, on disk,
// no symbolic link that resolves outside of it.

// fullPath returns the path of the file a bot names p, once the rules on
// absolute and ".." paths allow it.
func (l *Loader) fullPath(p string) (string, error) {
	dir := l.dir()
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
				return "", &outsideError{fmt.Sprintf("file %q: absolute paths are not allowed (files a bot embeds must be inside its folder, named relative to it)", p)}
			}
			return "", &outsideError{fmt.Sprintf("file %q is outside the bot's folder %s (files a bot embeds must be inside its folder)", p, absPath(dir))}
		}
	}
	return full, nil
}

func (l *Loader) dir() string {
	if l.Dir == "" {
		return "."
	}
	return l.Dir
}

// onDisk returns the folder, among the bot's and AllowOutside, that the
// file at full really is in once symbolic links are followed, and its path
// inside that folder.
func (l *Loader) onDisk(p, full string) (root, rel string, err error) {
	roots, err := l.realRoots()
	if err != nil {
		return "", "", err
	}
	real, err := realPath(full)
	if err != nil {
		return "", "", err
	}
	for _, root := range roots {
		if rel, ok := within(root, real); ok {
			return root, rel, nil
		}
	}
	dirReal := roots[0]
	if st, err := os.Lstat(full); err == nil && st.Mode()&fs.ModeSymlink != 0 {
		return "", "", &outsideError{fmt.Sprintf("file %q is a symbolic link to %s, outside the bot's folder %s (files a bot embeds must be inside its folder)", p, real, dirReal)}
	}
	return "", "", &outsideError{fmt.Sprintf("file %q leads through a symbolic link to %s, outside the bot's folder %s (files a bot embeds must be inside its folder)", p, real, dirReal)}
}

// realRoots returns where the bot's folder, then each folder of
// AllowOutside that exists, really are. They are resolved at the first
// load only: a Loader serves one check.
func (l *Loader) realRoots() ([]string, error) {
	if l.roots == nil && l.rootsErr == nil {
		dirReal, err := realPath(l.dir())
		if err != nil {
			l.rootsErr = fmt.Errorf("the bot's folder: %w", unwrapPathErr(err))
			return nil, l.rootsErr
		}
		l.roots = []string{dirReal}
		for _, a := range l.AllowOutside {
			if r, err := realPath(a); err == nil {
				l.roots = append(l.roots, r)
			}
		}
	}
	return l.roots, l.rootsErr
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

var errNotRegular = errors.New("not a regular file")

// statUnder returns the file information of rel inside r, which must be a
// regular file: opening a named pipe would wait for a writer, so only a
// regular file is opened.
func statUnder(r *os.Root, rel string) (fs.FileInfo, error) {
	st, err := r.Stat(rel)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, errNotRegular
	}
	return st, nil
}

// readUnder reads the regular file rel inside r, through an os.Root so that
// a link changed since it was resolved cannot lead out of the folder. It
// returns the file information of what it read.
func readUnder(r *os.Root, rel string) ([]byte, fs.FileInfo, error) {
	if _, err := statUnder(r, rel); err != nil {
		return nil, nil, err
	}
	f, err := r.Open(rel)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	// Checked again once open: the file may have changed in between.
	st, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, nil, errNotRegular
	}
	if st.Size() > maxFileSize {
		return nil, nil, fmt.Errorf("larger than %d MiB", maxFileSize>>20)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err == nil && len(data) > maxFileSize {
		return nil, nil, fmt.Errorf("larger than %d MiB", maxFileSize>>20)
	}
	return data, st, err
}
