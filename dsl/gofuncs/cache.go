package gofuncs

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/botgen-dev/botgen/dsl/diag"
)

// Cache keeps loads between loads, for an editor that checks a bot on
// every change: a folder whose Go files, go.mod and go.sum are those it was
// loaded with (the same names, and for each the same identity, size and
// modification time) is not loaded again, and its Package and diagnostics
// are reused. A load whose result may not last (the go command failed, or
// the load was cancelled) is not kept. Changes outside the folder (a
// replace directive's folder, the environment) go unnoticed. Its zero value
// is empty and ready; it is safe for concurrent use.
type Cache struct {
	mu      sync.Mutex
	entries map[cacheKey]cacheEntry
}

// maxCacheEntries bounds a cache that a long editing session fills with
// folders no longer open: past it, the cache starts again empty.
const maxCacheEntries = 64

type cacheKey struct {
	dir string // the folder's absolute path
	env string // Options.Env, joined
}

type cacheEntry struct {
	stamp []fileStamp
	pkg   *Package
	diags diag.Diagnostics
}

// fileStamp is a file of a folder as a load read it.
type fileStamp struct {
	name string
	info fs.FileInfo
}

// stampFolder returns the cache key of a load of dir with env, and the
// files whose change invalidates it, sorted by name.
func stampFolder(dir string, env []string) (cacheKey, []fileStamp, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return cacheKey{}, nil, err
	}
	entries, err := os.ReadDir(abs)
	if err != nil {
		return cacheKey{}, nil, err
	}
	var stamp []fileStamp
	for _, e := range entries {
		name := e.Name()
		if name != "go.mod" && name != "go.sum" && !strings.HasSuffix(name, ".go") {
			continue
		}
		// Stat, not Lstat: a link's target is what a load reads.
		info, err := os.Stat(filepath.Join(abs, name))
		if err != nil {
			return cacheKey{}, nil, err
		}
		stamp = append(stamp, fileStamp{name: name, info: info})
	}
	return cacheKey{dir: abs, env: strings.Join(env, "\x00")}, stamp, nil
}

// get returns the load kept for key when stamp, the folder as it is now,
// is the folder it was made from.
func (c *Cache) get(key cacheKey, stamp []fileStamp) (*Package, diag.Diagnostics, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || !slices.EqualFunc(e.stamp, stamp, sameFile) {
		return nil, nil, false
	}
	return e.pkg, slices.Clone(e.diags), true
}

func sameFile(a, b fileStamp) bool {
	return a.name == b.name && os.SameFile(a.info, b.info) && a.info.Size() == b.info.Size() && a.info.ModTime().Equal(b.info.ModTime())
}

// put keeps what loading the folder stamp describes gave.
func (c *Cache) put(key cacheKey, stamp []fileStamp, p *Package, diags diag.Diagnostics) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= maxCacheEntries {
		c.entries = map[cacheKey]cacheEntry{}
	}
	c.entries[key] = cacheEntry{stamp: stamp, pkg: p, diags: slices.Clone(diags)}
}
