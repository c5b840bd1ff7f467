// Package build turns generated Go source into a binary: it lays out a Go
// module (the generated main package, the files it embeds, and botgen's own
// runtime source) and runs the Go toolchain on it.
package build

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/template"
	"unicode"

	"golang.org/x/mod/modfile"

	"github.com/botgen-dev/botgen"
	"github.com/botgen-dev/botgen/generator"
	"github.com/botgen-dev/botgen/runtime/version"
)

// ModuleOptions say where the runtime source lives for a generated module.
type ModuleOptions struct {
	// RuntimeDir is the folder holding botgen's source (its go.mod at the
	// top). A relative path is taken relative to the module folder.
	RuntimeDir string
	// Name is the bot's name, used for the module path.
	Name string
	// Source is the .bot file name, for the header comment.
	Source string
	// GoDir is the bot's folder: its Go files (package main), the files
	// they embed and its go.mod join the module. Empty: none.
	GoDir string
}

// WriteModule writes the generated program into dir as a Go module: main.go,
// the embedded files, go.mod and go.sum.
func WriteModule(dir string, out *generator.Output, opts ModuleOptions) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, generator.MainFile), out.Source, 0o644); err != nil {
		return err
	}
	for _, f := range out.Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return err
		}
	}
	var user *userGo
	if opts.GoDir != "" {
		var err error
		if user, err = readUserGo(opts.GoDir); err != nil {
			return err
		}
	}
	if err := writeUserFiles(dir, out, user); err != nil {
		return err
	}
	mod, err := goMod(opts, user, out.UsesLLM)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), mod, 0o644); err != nil {
		return err
	}
	sum, err := fs.ReadFile(botgen.Source, "go.sum")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "go.sum"), user.mergeSums(runtimeSums(sum, sums(out.UsesLLM))), 0o644)
}

// writeUserFiles writes the bot's own Go files and what they embed beside
// the generated program, none of them in a place the program's files take.
func writeUserFiles(dir string, out *generator.Output, user *userGo) error {
	if user == nil {
		return nil
	}
	taken := map[string]bool{"main.go": true, "go.mod": true, "go.sum": true}
	for _, f := range out.Files {
		taken[f.Path] = true
	}
	for _, p := range slices.Sorted(maps.Keys(user.files)) {
		if taken[p] || strings.HasPrefix(p, "files/") {
			return fmt.Errorf("%s: the generated program has a file of that name; rename it", filepath.Join(dir, filepath.FromSlash(p)))
		}
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(full, user.files[p], 0o644); err != nil {
			return err
		}
	}
	return nil
}

var goRE = regexp.MustCompile(`(?m)^go ([0-9.]+)`)

// goMod fills the go.mod template with the runtime's requirements, and
// with the user's when the bot's folder has a go.mod.
func goMod(opts ModuleOptions, user *userGo, withLLM bool) ([]byte, error) {
	own, err := fs.ReadFile(botgen.Source, "go.mod")
	if err != nil {
		return nil, err
	}
	tmplText, err := fs.ReadFile(botgen.Source, "templates/go.mod.tmpl")
	if err != nil {
		return nil, err
	}
	tmpl, err := template.New("go.mod").Parse(string(tmplText))
	if err != nil {
		return nil, err
	}
	goVersion := "1.26"
	if m := goRE.FindSubmatch(own); m != nil {
		goVersion = string(m[1])
	}
	goVersion = user.goVersion(goVersion)
	requires, err := user.mergeRequires(runtimeRequires(own, true, modules(withLLM)))
	if err != nil {
		return nil, err
	}
	replaces, err := user.replaces(opts.GoDir)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	// The .bot file's name and the runtime's folder are not ours: quoted
	// where need be, neither can end its line and add a directive.
	err = tmpl.Execute(&buf, map[string]string{
		"Version":    version.Version,
		"Source":     generator.CommentText(opts.Source),
		"Module":     "botgen.local/" + modulePathElem(opts.Name),
		"GoVersion":  goVersion,
		"Requires":   requires,
		"Replaces":   replaces,
		"RuntimeDir": modQuote(filepath.ToSlash(opts.RuntimeDir)),
	})
	return buf.Bytes(), err
}

// modQuote returns s as one go.mod token: s itself when go.mod reads it so,
// else quoted (the rule of golang.org/x/mod/modfile's AutoQuote).
func modQuote(s string) string {
	if s == "" || strings.Contains(s, "//") || strings.Contains(s, "/*") {
		return strconv.Quote(s)
	}
	for _, r := range s {
		switch {
		case r == ' ' || r == '"' || r == '\'' || r == '`':
			return strconv.Quote(s)
		case strings.ContainsRune("()[]{},", r) && len(s) > 1:
			return strconv.Quote(s)
		case !unicode.IsPrint(r):
			return strconv.Quote(s)
		}
	}
	return s
}

// modulePathElem turns a bot's name into a module path element: lower-case
// letters, digits, '-' and '_' only.
func modulePathElem(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "bot"
	}
	return b.String()
}

// WriteRuntime writes botgen's embedded source (go.mod, go.sum, runtime/,
// templates/) into dir, leaving out tests and test data.
func WriteRuntime(dir string) error {
	return fs.WalkDir(botgen.Source, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "testdata" {
				return fs.SkipDir
			}
			return os.MkdirAll(filepath.Join(dir, filepath.FromSlash(p)), 0o755)
		}
		if strings.HasSuffix(p, "_test.go") {
			return nil
		}
		data, err := fs.ReadFile(botgen.Source, p)
		if err != nil {
			return err
		}
		switch p {
		case "go.mod":
			data = runtimeGoMod(data)
		case "go.sum":
			data = runtimeSums(data, sums(true))
		}
		return os.WriteFile(filepath.Join(dir, filepath.FromSlash(p)), data, 0o644)
	})
}

// sourceHash identifies the embedded source, so one copy per botgen build is
// kept in the cache.
func sourceHash() (string, error) {
	h := sha256.New()
	// The layout of the copy: its go.mod and go.sum hold the runtime's
	// modules only.
	h.Write([]byte("runtime modules only\x00"))
	err := fs.WalkDir(botgen.Source, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(botgen.Source, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", p, len(data))
		h.Write(data)
		return nil
	})
	return hex.EncodeToString(h.Sum(nil))[:16], err
}

// CacheDir is botgen's folder in the user's cache.
func CacheDir() (string, error) {
	if d := os.Getenv("BOTGEN_CACHE"); d != "" {
		return d, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache folder: %v (set BOTGEN_CACHE)", err)
	}
	return filepath.Join(d, "botgen"), nil
}

// RuntimeDir returns a cached copy of the embedded runtime source, writing it
// on first use. The path is stable for one botgen build, which keeps the Go
// build cache warm across bots.
func RuntimeDir() (string, error) {
	cache, err := CacheDir()
	if err != nil {
		return "", err
	}
	h, err := sourceHash()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(cache, "src", version.Version+"-"+h)
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
		return dir, nil
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "tmp-")
	if err != nil {
		return "", err
	}
	if err := WriteRuntime(tmp); err != nil {
		os.RemoveAll(tmp)
		return "", err
	}
	// Another botgen may have won the race; its copy is identical.
	if err := os.Rename(tmp, dir); err != nil {
		os.RemoveAll(tmp)
		if _, statErr := os.Stat(filepath.Join(dir, "go.mod")); statErr != nil {
			return "", err
		}
	}
	return dir, nil
}

// Options control Binary.
type Options struct {
	Output  string // the binary to write
	WorkDir string // keep the build module here; empty: a temporary folder, removed afterwards
	Name    string // the bot's name
	Source  string // the .bot file name
	GoDir   string // the bot's folder, for its Go files and go.mod (see ModuleOptions.GoDir); empty: none
	// Local says that the binary only runs on this machine (botgen run and
	// test): it is built with the settings botgen itself was built with
	// (no -trimpath, unless botgen had it), so that it reuses the standard
	// library Go compiled for botgen instead of compiling it a second
	// time. It is still static; only its file paths are this machine's.
	// Otherwise the binary is reproducible: the same bytes for the same
	// .bot file, botgen and Go, wherever and by whomever it is built.
	Local bool
	// Progress, when not nil, is told how far the build has come: once
	// with nothing compiled when it starts, then as each package starts
	// compiling. It is called from one goroutine at a time.
	Progress func(Progress)
}

// Progress is how far a build has come.
type Progress struct {
	Compiled int // packages that have started compiling
	Total    int // packages the build compiles; 0 until known, and when it compiles one only
	Std      int // how many of Total belong to the Go standard library
}

// Binary builds the generated program into opts.Output: a static binary
// (CGO_ENABLED=0), reproducible unless opts.Local.
func Binary(ctx context.Context, out *generator.Output, opts Options) error {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return errors.New("botgen build needs the Go toolchain (go 1.26 or later) on PATH: https://go.dev/dl")
	}
	rt, err := RuntimeDir()
	if err != nil {
		return fmt.Errorf("preparing the runtime source: %w", err)
	}
	work := opts.WorkDir
	if work == "" {
		work, err = os.MkdirTemp("", "botgen-build-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(work)
	}
	if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	rtRef := rt
	if !opts.Local {
		rtRef = linkRuntime(work, rt)
	}
	if err := WriteModule(work, out, ModuleOptions{RuntimeDir: rtRef, Name: opts.Name, Source: opts.Source, GoDir: opts.GoDir}); err != nil {
		return fmt.Errorf("writing the build module: %w", err)
	}
	output, err := filepath.Abs(opts.Output)
	if err != nil {
		return err
	}
	flags := buildFlags(opts.Local)
	// -s -w drops the symbol table and DWARF: a third smaller, and panics
	// still print their stacks.
	args := append([]string{"build"}, flags...)
	args = append(args, "-ldflags=-s -w", "-o", output)
	if opts.Progress != nil {
		args = append(args, "-v")
	}
	cmd := exec.CommandContext(ctx, goBin, append(args, ".")...)
	cmd.Dir = work
	cmd.Env = append(os.Environ(), goEnv...)
	var stderr bytes.Buffer
	cmd.Stdout = &stderr
	if opts.Progress == nil {
		cmd.Stderr = &stderr
		err = cmd.Run()
	} else {
		err = runWithProgress(ctx, cmd, goBin, flags, &stderr, opts.Progress)
	}
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if opts.GoDir != "" {
			// The Go files beside the bot are compiled as they are: those
			// of a bot that calls none of them were never checked.
			return fmt.Errorf("go build failed (%v); the Go files of %s are part of the bot: if the errors are not in them, this is a botgen bug, please report it with the .bot file:\n%s", err, opts.GoDir, stderr.String())
		}
		return fmt.Errorf("go build failed (%v); this is a botgen bug, please report it with the .bot file:\n%s", err, stderr.String())
	}
	return nil
}

// goEnv is the environment of the Go commands botgen runs: a static binary,
// the generated module alone, its requirements read as they are.
var goEnv = []string{"CGO_ENABLED=0", "GOWORK=off", "GOFLAGS=-mod=mod"}

// buildFlags are the go build flags of a local or a reproducible binary.
// -trimpath makes a binary reproducible: without it, the binary holds the
// paths of GOROOT, of the module cache and of the build folder. It is also
// part of every package's key in Go's build cache, so a build with it
// compiles the whole standard library once more unless botgen was built
// with it too.
func buildFlags(local bool) []string {
	if local && !builtWithTrimpath() {
		return nil
	}
	return []string{"-trimpath"}
}

// builtWithTrimpath reports whether botgen itself was built with -trimpath.
func builtWithTrimpath() bool {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "-trimpath" {
				return s.Value == "true"
			}
		}
	}
	return false
}

// linkRuntime makes work/botgen a link to the runtime's source and returns
// the path go.mod names it by: "./botgen", so that the binary, which
// records it, does not depend on where botgen's cache is. Where a link
// cannot be made (Windows without the privilege, a folder of that name in
// --work), it is the runtime's own path.
func linkRuntime(work, rt string) string {
	link := filepath.Join(work, "botgen")
	if st, err := os.Lstat(link); err == nil {
		if st.Mode()&os.ModeSymlink == 0 {
			return rt
		}
		if err := os.Remove(link); err != nil {
			return rt
		}
	}
	if err := os.Symlink(rt, link); err != nil {
		return rt
	}
	return "./botgen"
}

// runWithProgress runs go build -v, cmd, telling progress about each package
// it compiles, while go list counts the packages it has to: those its build
// cache does not hold. What else go build prints goes to errOut.
func runWithProgress(ctx context.Context, cmd *exec.Cmd, goBin string, flags []string, errOut *bytes.Buffer, progress func(Progress)) error {
	var (
		mu sync.Mutex
		p  Progress
	)
	report := func(f func(*Progress)) {
		mu.Lock()
		defer mu.Unlock()
		f(&p)
		if p.Total > 0 {
			// go list may have looked after a package was compiled.
			p.Total = max(p.Total, p.Compiled)
		}
		progress(p)
	}
	report(func(*Progress) {})
	pipe, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	// The packages are counted once a second one compiles: most builds
	// compile the bot's package alone, and counting would only slow them.
	var listed chan struct{}
	list := func() {
		listed = make(chan struct{})
		go func() {
			defer close(listed)
			total, std, err := stalePackages(ctx, goBin, cmd.Dir, flags)
			if err == nil {
				report(func(p *Progress) { p.Total, p.Std = total, std })
			}
		}()
	}
	lines := bufio.NewScanner(pipe)
	compiled := 0
	for lines.Scan() {
		if line := lines.Text(); importPathRE.MatchString(line) {
			if compiled++; compiled == 2 {
				list()
			}
			report(func(p *Progress) { p.Compiled++ })
		} else {
			errOut.WriteString(line + "\n")
		}
	}
	err = cmd.Wait()
	if listed != nil {
		<-listed
	}
	return err
}

// importPathRE matches the lines of go build -v: a package's import path.
var importPathRE = regexp.MustCompile(`^[A-Za-z0-9_.~+-]+(/[A-Za-z0-9_.~+-]+)*$`)

// stalePackages counts the packages of the module in dir that go build, with
// flags, has to compile, and how many of them are the standard library's.
func stalePackages(ctx context.Context, goBin, dir string, flags []string) (total, std int, err error) {
	args := append([]string{"list"}, flags...)
	args = append(args, "-deps", "-f", "{{if .Stale}}{{.Standard}}{{end}}", ".")
	cmd := exec.CommandContext(ctx, goBin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), goEnv...)
	out, err := cmd.Output()
	if err != nil {
		return 0, 0, err
	}
	for _, line := range strings.Fields(string(out)) {
		total++
		if line == "true" {
			std++
		}
	}
	return total, std, nil
}

// CachedBinary builds the program into botgen's cache, once per distinct
// program (and opts.Local), and returns the binary's path.
func CachedBinary(ctx context.Context, out *generator.Output, opts Options) (string, error) {
	cache, err := CacheDir()
	if err != nil {
		return "", err
	}
	h := sha256.New()
	h.Write(out.Source)
	for _, f := range out.Files {
		fmt.Fprintf(h, "\x00%s\x00%d\x00", f.Path, len(f.Data))
		h.Write(f.Data)
	}
	if opts.GoDir != "" {
		// The bot's own Go files, what they embed and its go.mod are part
		// of the binary.
		user, err := readUserGo(opts.GoDir)
		if err != nil {
			return "", err
		}
		if user != nil {
			for _, p := range slices.Sorted(maps.Keys(user.files)) {
				fmt.Fprintf(h, "\x00user %s\x00%d\x00", p, len(user.files[p]))
				h.Write(user.files[p])
			}
			if user.mod != nil {
				fmt.Fprintf(h, "\x00go.mod\x00")
				h.Write(modfile.Format(user.mod.Syntax))
				fmt.Fprintf(h, "\x00go.sum\x00%d\x00", len(user.sum))
				h.Write(user.sum)
			}
		}
	}
	rtHash, err := sourceHash()
	if err != nil {
		return "", err
	}
	h.Write([]byte(rtHash))
	fmt.Fprintf(h, "\x00local=%v", opts.Local)
	key := hex.EncodeToString(h.Sum(nil))[:24]
	bin := filepath.Join(cache, "bin", key, path.Base(modulePathElem(opts.Name)))
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	if err := os.MkdirAll(filepath.Dir(bin), 0o755); err != nil {
		return "", err
	}
	// A unique name per build: two botgens building the same bot at once
	// each rename a complete binary into place.
	tmpFile, err := os.CreateTemp(filepath.Dir(bin), "build-*")
	if err != nil {
		return "", err
	}
	tmp := tmpFile.Name()
	tmpFile.Close()
	opts.Output = tmp
	if err := Binary(ctx, out, opts); err != nil {
		os.Remove(tmp)
		return "", err
	}
	return bin, os.Rename(tmp, bin)
}
