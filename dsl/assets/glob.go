package assets

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
)

// maxGlobFiles bounds what one pattern may name, and maxGlobVisits what
// finding them may read of the folder, so that `knowledge "**"` in a large
// tree fails clearly instead of stalling the build.
const (
	maxGlobFiles  = 2000
	maxGlobVisits = 100_000
)

// HasMeta reports whether p is a pattern (holds *, ? or [) rather than a
// file name.
func HasMeta(p string) bool { return strings.ContainsAny(p, "*?[") }

// Glob returns the files inside the bot's folder that pattern names, in
// lexical order: path.Match's syntax in each element, and ** for any
// number of folders. A pattern must stay inside the folder (no absolute
// path, no ".."); folders and files whose names start with a dot are
// matched only by an element that starts with one. The names are relative
// to the folder, with slashes, ready for Load. A pattern that names no
// file is an error, as is one whose files cannot be listed (a Loader
// reading through ReadFile cannot list files).
func (l *Loader) Glob(pattern string) ([]string, error) {
	p := filepath.ToSlash(pattern)
	if strings.HasPrefix(p, "/") || filepath.IsAbs(pattern) || filepath.VolumeName(pattern) != "" {
		return nil, &outsideError{fmt.Sprintf("pattern %q: absolute paths are not allowed (files a bot embeds must be inside its folder, named relative to it)", pattern)}
	}
	elems := strings.Split(path.Clean(p), "/")
	for _, e := range elems {
		if e == ".." {
			return nil, &outsideError{fmt.Sprintf("pattern %q leads out of the bot's folder (a pattern names files inside it)", pattern)}
		}
		if _, err := path.Match(e, ""); err != nil {
			return nil, fmt.Errorf("pattern %q: %v", pattern, err)
		}
	}
	if l.ReadFile != nil {
		return nil, fmt.Errorf("pattern %q: the files of this folder cannot be listed here", pattern)
	}
	root, err := os.OpenRoot(l.dir())
	if err != nil {
		return nil, fmt.Errorf("pattern %q: %v", pattern, unwrapPathErr(err))
	}
	defer root.Close()
	var out []string
	visits := 0
	errTooMany := errors.New("too many")
	err = fs.WalkDir(root.FS(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			if name == "." {
				return err
			}
			return nil // an unreadable folder names no file
		}
		if visits++; visits > maxGlobVisits {
			return errTooMany
		}
		if name == "." {
			return nil
		}
		parts := strings.Split(name, "/")
		if d.IsDir() {
			if !prefixMatch(elems, parts) {
				return fs.SkipDir
			}
			return nil
		}
		if matchElems(elems, parts) {
			if len(out) == maxGlobFiles {
				return errTooMany
			}
			out = append(out, name)
		}
		return nil
	})
	switch {
	case errors.Is(err, errTooMany) && visits > maxGlobVisits:
		return nil, fmt.Errorf("pattern %q: the bot's folder holds over %d files and folders to look through; name the files or a folder closer to them", pattern, maxGlobVisits)
	case errors.Is(err, errTooMany):
		return nil, fmt.Errorf("pattern %q names over %d files", pattern, maxGlobFiles)
	case err != nil:
		return nil, fmt.Errorf("pattern %q: %v", pattern, unwrapPathErr(err))
	case len(out) == 0:
		return nil, fmt.Errorf("pattern %q names no file in the bot's folder %s", pattern, absPath(l.dir()))
	}
	slices.Sort(out)
	return out, nil
}

// matchElems reports whether the path elements name match the pattern's
// elements pat, where "**" matches any number of elements, none of them
// hidden.
func matchElems(pat, name []string) bool { return matchPath(pat, name, false) }

// prefixMatch reports whether a folder with the path elements dir may hold
// files the pattern names: whether dir matches the beginning of pat, where
// "**" matches any number of folders that are not hidden, and an element
// after it may name a hidden one (**/.drafts/*.md).
func prefixMatch(pat, dir []string) bool { return matchPath(pat, dir, true) }

// matchPath matches the elements name against the elements pat, or
// against a beginning of pat when prefix is set. It fills a table of
// which rest of pat matches which rest of name, so that a pattern of many
// "**" takes time in proportion to its length times the name's, never
// more.
func matchPath(pat, name []string, prefix bool) bool {
	P, N := len(pat), len(name)
	// ok[i*(N+1)+j]: pat[i:] matches name[j:].
	ok := make([]bool, (P+1)*(N+1))
	at := func(i, j int) *bool { return &ok[i*(N+1)+j] }
	for i := P; i >= 0; i-- {
		for j := N; j >= 0; j-- {
			switch {
			case j == N:
				// Nothing left of the name: a folder may still hold
				// what the rest names; a file matches when only ** are
				// left.
				*at(i, j) = prefix || i == P || (pat[i] == "**" && *at(i+1, j))
			case i == P:
				*at(i, j) = false
			case pat[i] == "**":
				*at(i, j) = *at(i+1, j) || (!hidden(name[j]) && *at(i, j+1))
			default:
				*at(i, j) = matchElem(pat[i], name[j]) && *at(i+1, j+1)
			}
		}
	}
	return ok[0]
}

// matchElem matches one element; a name starting with a dot only by an
// element that starts with one, as shells do.
func matchElem(pat, name string) bool {
	if hidden(name) && !strings.HasPrefix(pat, ".") {
		return false
	}
	ok, _ := path.Match(pat, name)
	return ok
}

func hidden(name string) bool { return strings.HasPrefix(name, ".") }
