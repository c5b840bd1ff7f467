package gofuncs

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// copyFolder copies the files of the folder src into a new folder.
func copyFolder(t testing.TB, src string) string {
	t.Helper()
	dir := t.TempDir()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, e.Name()), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// withoutGo makes running the go command fail until the test ends: a load
// that succeeds then did not run it.
func withoutGo(t *testing.T) {
	t.Setenv("PATH", "")
}

func TestCache(t *testing.T) {
	needGo(t)
	dir := copyFolder(t, forecastDir)
	path := os.Getenv("PATH")
	opts := Options{Env: offline.Env, Cache: &Cache{}}
	first, diags := Load(dir, opts)
	if len(diags) > 0 || first == nil {
		t.Fatalf("diagnostics:\n%v", diags)
	}
	withoutGo(t)
	if again, diags := Load(dir, opts); again != first || len(diags) > 0 {
		t.Fatalf("unchanged folder: %p, %v; want the first load, %p", again, diags, first)
	}
	// Another environment is another load.
	if _, diags := Load(dir, Options{Env: []string{"GOPROXY=off", "X=1"}, Cache: opts.Cache}); len(diags) == 0 {
		t.Error("a load with another Env came from the cache")
	}
	t.Setenv("PATH", path)

	geo := filepath.Join(dir, "geo.go")
	src, _ := os.ReadFile(geo)
	changes := []struct {
		what   string
		change func() error
		funcs  int
	}{
		{"a file rewritten, same size", func() error {
			next := strings.Replace(string(src), "returns the", "gives us the", 1)
			if err := os.WriteFile(geo, []byte(next), 0o644); err != nil {
				return err
			}
			later := time.Now().Add(time.Minute)
			return os.Chtimes(geo, later, later)
		}, 1},
		{"a file added", func() error {
			return os.WriteFile(filepath.Join(dir, "more.go"), []byte("package main\n\nfunc more() int { return 1 }\n"), 0o644)
		}, 2},
		{"a go.sum added", func() error { return os.WriteFile(filepath.Join(dir, "go.sum"), nil, 0o644) }, 2},
		{"a file removed", func() error { return os.Remove(filepath.Join(dir, "more.go")) }, 1},
	}
	prev := first
	for _, c := range changes {
		if err := c.change(); err != nil {
			t.Fatal(err)
		}
		p, diags := Load(dir, opts)
		if len(diags) > 0 || p == nil {
			t.Fatalf("%s: diagnostics:\n%v", c.what, diags)
		}
		if p == prev || len(p.Funcs) != c.funcs {
			t.Errorf("%s: reloaded %v, %d functions; want a new load, %d", c.what, p != prev, len(p.Funcs), c.funcs)
		}
		prev = p
	}
	if f, _ := prev.Func("locate"); !strings.HasPrefix(f.Doc, "locate gives us the") {
		t.Errorf("doc %q after the change", f.Doc)
	}
}

// Errors in the Go files are kept with the load; a failure of go list is
// not, for it may not last.
func TestCacheErrors(t *testing.T) {
	needGo(t)
	opts := Options{Env: offline.Env, Cache: &Cache{}}
	typeErr := copyFolder(t, "testdata/typeerror")
	p, diags := Load(typeErr, opts)
	if len(diags) != 4 {
		t.Fatalf("diagnostics:\n%v", diags)
	}
	listErr := copyFolder(t, "testdata/notstd")
	_, listDiags := Load(listErr, opts)
	withoutGo(t)
	if again, againDiags := Load(typeErr, opts); again != p || !reflect.DeepEqual(againDiags, diags) {
		t.Errorf("type errors: %p\n%v\nwant %p\n%v", again, againDiags, p, diags)
	}
	if _, again := Load(listErr, opts); reflect.DeepEqual(again, listDiags) {
		t.Errorf("go list's error came from the cache: %v", again)
	}
}

// Loads of several folders share a cache safely.
func TestCacheConcurrent(t *testing.T) {
	needGo(t)
	opts := Options{Env: offline.Env, Cache: &Cache{}}
	dirs := []string{forecastDir, ordersDir}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			if p, diags := Load(dirs[i%2], opts); len(diags) > 0 || p == nil {
				t.Errorf("%s: %v", dirs[i%2], diags)
			}
		})
	}
	wg.Wait()
}

// A cancelled load reports it and is not kept.
func TestCancelled(t *testing.T) {
	needGo(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c := &Cache{}
	_, diags := Load(forecastDir, Options{Context: ctx, Env: offline.Env, Cache: c})
	if got := diagStrings(diags); len(got) != 1 || !strings.Contains(got[0], "context canceled") {
		t.Errorf("diagnostics %q", got)
	}
	if p, diags := Load(forecastDir, Options{Env: offline.Env, Cache: c}); p == nil || len(diags) > 0 {
		t.Errorf("after a cancelled load: %v", diags)
	}
}

// BenchmarkLoad is one load of the forecast example: a go list of its
// imports (their export data from Go's build cache) and a type-check.
func BenchmarkLoad(b *testing.B) {
	needGo(b)
	for b.Loop() {
		if _, diags := Load(forecastDir, offline); len(diags) > 0 {
			b.Fatal(diags)
		}
	}
}

// BenchmarkLoadCached is a load of the forecast example that the cache
// answers.
func BenchmarkLoadCached(b *testing.B) {
	needGo(b)
	opts := Options{Env: offline.Env, Cache: &Cache{}}
	Load(forecastDir, opts)
	for b.Loop() {
		if _, diags := Load(forecastDir, opts); len(diags) > 0 {
			b.Fatal(diags)
		}
	}
}
