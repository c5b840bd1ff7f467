package assets

import (
	"io/fs"
	"os"
	"sync"
)

// Cache keeps loaded files between loads, for an editor that checks the same
// bot on every change: a file whose identity, size and modification time
// are those it was loaded with is not read again, and its asset (or the
// error it gave) is reused. Its zero value is empty and ready; it is safe
// for concurrent use.
type Cache struct {
	mu      sync.Mutex
	entries map[cacheKey]cacheEntry
}

// maxCacheEntries bounds a cache that a long editing session fills with
// files no longer referenced: past it, the cache starts again empty.
const maxCacheEntries = 256

type cacheKey struct {
	path         string // the file's real path
	kind         Kind
	validateOnly bool
}

type cacheEntry struct {
	info  fs.FileInfo // of the file when it was read
	asset *Asset
	err   error // of the conversion; a file that cannot be read is not kept
}

// get returns the entry for key when st, the file as it is now, is the file
// it was made from.
func (c *Cache) get(key cacheKey, st fs.FileInfo) (cacheEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || !os.SameFile(e.info, st) || e.info.Size() != st.Size() || !e.info.ModTime().Equal(st.ModTime()) {
		return cacheEntry{}, false
	}
	return e, true
}

// put keeps what loading the file st described gave; a nil c keeps nothing.
func (c *Cache) put(key cacheKey, st fs.FileInfo, a *Asset, err error) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= maxCacheEntries {
		c.entries = map[cacheKey]cacheEntry{}
	}
	c.entries[key] = cacheEntry{info: st, asset: a, err: err}
}
