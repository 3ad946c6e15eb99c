package web

import (
	"bytes"
	"net/http"
	"sync"
)

// pageCache keeps rendered GET pages. A page depends only on its URL and
// the date (the policy version in force today), because the library and
// the hooks are fixed for the server's life, so a rendered page can be
// served again until the date changes. The cache is bounded: when full it
// starts over, which keeps arbitrary search strings from growing it.
type pageCache struct {
	mu      sync.RWMutex
	entries map[string]*cachedPage
	max     int
}

type cachedPage struct {
	header http.Header
	status int
	body   []byte
}

func newPageCache(max int) *pageCache {
	return &pageCache{entries: map[string]*cachedPage{}, max: max}
}

func (c *pageCache) get(key string) (*cachedPage, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	p, ok := c.entries[key]
	return p, ok
}

func (c *pageCache) put(key string, p *cachedPage) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		c.entries = map[string]*cachedPage{}
	}
	c.entries[key] = p
}

// capture is a ResponseWriter that keeps the response for the cache.
type capture struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (c *capture) Header() http.Header { return c.header }
func (c *capture) WriteHeader(code int) {
	if c.status == 0 {
		c.status = code
	}
}
func (c *capture) Write(p []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return c.body.Write(p)
}

// cached serves a GET page from the cache, rendering it on a miss. Errors
// and pages other than 200 are never cached. Dev mode, which re-reads the
// templates, caches nothing.
func (s *Server) cached(fn handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if s.pages.dev != "" {
			return fn(w, r)
		}
		key := s.today().String() + " " + r.URL.RequestURI()
		p, ok := s.cache.get(key)
		if !ok {
			c := &capture{header: http.Header{}}
			if err := fn(c, r); err != nil {
				return err
			}
			p = &cachedPage{header: c.header, status: c.status, body: c.body.Bytes()}
			if p.status == http.StatusOK {
				s.cache.put(key, p)
			}
		}
		h := w.Header()
		for k, v := range p.header {
			h[k] = v
		}
		w.WriteHeader(p.status)
		_, err := w.Write(p.body)
		return err
	}
}
