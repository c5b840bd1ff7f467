package build

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// userGo is what a bot's folder adds to its module: its Go files (those of
// package main, tests left out), the files they embed, and its go.mod's
// requirements and replacements with their checksums.
type userGo struct {
	files map[string][]byte // by slash path relative to the folder
	mod   *modfile.File     // nil: the folder has no go.mod
	sum   []byte
}

// readUserGo reads the Go side of the bot in dir. A file of the folder
// cannot take the generated program's name (main.go), and what a Go file
// embeds must lie inside the folder, as the go command requires.
func readUserGo(dir string) (*userGo, error) {
	u := &userGo{files: map[string][]byte{}}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	entries, err := fs.ReadDir(root.FS(), ".")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		data, err := fs.ReadFile(root.FS(), name)
		if err != nil {
			return nil, err
		}
		if name == "main.go" {
			return nil, fmt.Errorf("%s: the generated program is main.go; rename this file", filepath.Join(dir, name))
		}
		u.files[name] = data
		patterns, err := embedPatterns(name, data)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", filepath.Join(dir, name), err)
		}
		for _, p := range patterns {
			if err := u.addEmbedded(root, p); err != nil {
				return nil, fmt.Errorf("%s: //go:embed %s: %v", filepath.Join(dir, name), p, err)
			}
		}
	}
	if data, err := fs.ReadFile(root.FS(), "go.mod"); err == nil {
		if u.mod, err = modfile.Parse(filepath.Join(dir, "go.mod"), data, nil); err != nil {
			return nil, err
		}
		u.sum, _ = fs.ReadFile(root.FS(), "go.sum")
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if len(u.files) == 0 && u.mod == nil {
		return nil, nil
	}
	return u, nil
}

// embedPatterns returns the patterns of the //go:embed lines of a Go file.
func embedPatterns(name string, src []byte) ([]string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			rest, ok := strings.CutPrefix(c.Text, "//go:embed")
			if !ok || rest != "" && rest[0] != ' ' && rest[0] != '\t' {
				continue
			}
			ps, err := splitPatterns(rest)
			if err != nil {
				return nil, err
			}
			out = append(out, ps...)
		}
	}
	return out, nil
}

// splitPatterns splits the patterns of a //go:embed line: words, or Go
// strings for names with spaces.
func splitPatterns(s string) ([]string, error) {
	var out []string
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		if s[0] == '"' || s[0] == '`' {
			q, err := strconv.QuotedPrefix(s)
			if err != nil {
				return nil, fmt.Errorf("bad quoted pattern %s", s)
			}
			p, _ := strconv.Unquote(q)
			out = append(out, p)
			s = s[len(q):]
			continue
		}
		i := strings.IndexAny(s, " \t")
		if i < 0 {
			i = len(s)
		}
		out = append(out, s[:i])
		s = s[i:]
	}
	return out, nil
}

// addEmbedded adds the files a pattern names, as the go command reads it: a
// folder brings its files, less those whose names start with . or _ unless
// the pattern starts with all:. The root keeps every path inside the folder.
func (u *userGo) addEmbedded(root *os.Root, pattern string) error {
	all := false
	if p, ok := strings.CutPrefix(pattern, "all:"); ok {
		pattern, all = p, true
	}
	if !fs.ValidPath(pattern) || strings.Contains(pattern, "\\") {
		return errors.New("not a pattern of a file in the bot's folder")
	}
	matches, err := fs.Glob(root.FS(), pattern)
	if err != nil || len(matches) == 0 {
		return errors.New("no matching files in the bot's folder")
	}
	for _, m := range matches {
		err := fs.WalkDir(root.FS(), m, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			base := path.Base(p)
			if p != m && !all && (strings.HasPrefix(base, ".") || strings.HasPrefix(base, "_")) {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if !d.Type().IsRegular() {
				return nil
			}
			data, err := fs.ReadFile(root.FS(), p)
			if err != nil {
				return err
			}
			u.files[p] = data
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// mergeRequires adds the user's requirements to the runtime's, as `require`
// directives: a module both need at the higher of the two versions (as the
// go command's minimal version selection would choose), the user's own
// modules after the runtime's.
func (u *userGo) mergeRequires(runtime string) (string, error) {
	if u == nil || u.mod == nil {
		return runtime, nil
	}
	rt, err := modfile.Parse("runtime", []byte(runtime), nil)
	if err != nil {
		return "", err
	}
	version := map[string]string{}
	var order []string
	for _, r := range rt.Require {
		version[r.Mod.Path] = r.Mod.Version
		order = append(order, r.Mod.Path)
	}
	for _, r := range u.mod.Require {
		if r.Mod.Path == "github.com/botgen-dev/botgen" {
			continue // the runtime is the one botgen carries
		}
		old, ok := version[r.Mod.Path]
		if !ok {
			order = append(order, r.Mod.Path)
		}
		if !ok || semver.Compare(r.Mod.Version, old) > 0 {
			version[r.Mod.Path] = r.Mod.Version
		}
	}
	var b strings.Builder
	b.WriteString("require (\n")
	for _, p := range order {
		fmt.Fprintf(&b, "\t%s %s\n", modfile.AutoQuote(p), modfile.AutoQuote(version[p]))
	}
	b.WriteString(")\n\n")
	return b.String(), nil
}

// replaces returns the user's replace directives, a folder of theirs made
// absolute (it is relative to the bot's folder, not to the module's).
func (u *userGo) replaces(dir string) (string, error) {
	if u == nil || u.mod == nil || len(u.mod.Replace) == 0 {
		return "", nil
	}
	var b strings.Builder
	for _, r := range u.mod.Replace {
		if r.Old.Path == "github.com/botgen-dev/botgen" {
			return "", fmt.Errorf("%s: the bot's go.mod replaces botgen's runtime, which is the one botgen carries", filepath.Join(dir, "go.mod"))
		}
		newPath, newVersion := r.New.Path, r.New.Version
		if newVersion == "" && !filepath.IsAbs(newPath) {
			abs, err := filepath.Abs(filepath.Join(dir, filepath.FromSlash(newPath)))
			if err != nil {
				return "", err
			}
			newPath = filepath.ToSlash(abs)
		} else if err := module.CheckPath(newPath); err != nil && newVersion != "" {
			return "", err
		}
		old := modfile.AutoQuote(r.Old.Path)
		if r.Old.Version != "" {
			old += " " + modfile.AutoQuote(r.Old.Version)
		}
		target := modfile.AutoQuote(newPath)
		if newVersion != "" {
			target += " " + modfile.AutoQuote(newVersion)
		}
		fmt.Fprintf(&b, "replace %s => %s\n", old, target)
	}
	return b.String(), nil
}

// mergeSums returns the runtime's checksums and the user's, each line once.
func (u *userGo) mergeSums(runtime []byte) []byte {
	if u == nil || len(u.sum) == 0 {
		return runtime
	}
	var lines []string
	for _, data := range [][]byte{runtime, u.sum} {
		sc := bufio.NewScanner(bytes.NewReader(data))
		for sc.Scan() {
			if l := strings.TrimSpace(sc.Text()); l != "" {
				lines = append(lines, l)
			}
		}
	}
	slices.Sort(lines)
	return []byte(strings.Join(slices.Compact(lines), "\n") + "\n")
}

// goVersion returns the higher of the runtime's Go version and the user's.
func (u *userGo) goVersion(runtime string) string {
	if u == nil || u.mod == nil || u.mod.Go == nil {
		return runtime
	}
	if semver.Compare("v"+u.mod.Go.Version, "v"+runtime) > 0 {
		return u.mod.Go.Version
	}
	return runtime
}
