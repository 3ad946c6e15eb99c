package policy

import (
	"sync"
	"sync/atomic"
)

// memo remembers a value for each key, up to max keys, for values that
// cost more to make than to look up and are only read once made (so that
// one serves every evaluation at once). Past max keys, values are made
// each time: the keys of a case's lists grow with its longest list.
type memo[K comparable, V any] struct {
	m   sync.Map // K -> V
	n   atomic.Int32
	max int32
}

// get returns the value for k, made by mk the first time.
func (c *memo[K, V]) get(k K, mk func(K) V) V {
	if v, ok := c.m.Load(k); ok {
		return v.(V)
	}
	v := mk(k)
	if c.n.Load() < c.max {
		got, loaded := c.m.LoadOrStore(k, v)
		if loaded {
			return got.(V)
		}
		c.n.Add(1)
	}
	return v
}
