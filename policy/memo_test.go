package policy

import "testing"

// TestMemo: a value is made once per key and then shared, and past max
// keys values are made each time and nothing more is kept.
func TestMemo(t *testing.T) {
	c := memo[string, *int]{max: 2}
	made := 0
	mk := func(string) *int { made++; v := made; return &v }
	a := c.get("a", mk)
	if c.get("a", mk) != a || made != 1 {
		t.Errorf("a: made %d times, or not shared", made)
	}
	c.get("b", mk)
	x := c.get("c", mk)
	if y := c.get("c", mk); y == x || made != 4 {
		t.Errorf("past the bound: made %d values (want 4), shared %v", made, y == x)
	}
	if n := c.n.Load(); n != 2 {
		t.Errorf("%d keys kept, bound 2", n)
	}
}
