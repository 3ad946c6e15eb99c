package timeline

import (
	"testing"

	"github.com/ketacover/ketacover"
)

// TestOpenerRanks checks when Agenda may sort cases by the order it met
// them: only while their IDs rise, also when the store reuses one
// StoredCase for every case (as SQLite's ScanTimelines does).
func TestOpenerRanks(t *testing.T) {
	for _, tc := range []struct {
		name string
		ids  []string
		want bool
	}{
		{"rising", []string{"a", "b", "kc-1", "kc-2"}, true},
		{"one case", []string{"kc-1"}, true},
		{"repeated", []string{"a", "b", "b"}, false},
		{"falling", []string{"b", "a"}, false},
		{"falling later", []string{"a", "c", "d", "b"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := opener{book: bookClocks{}}
			c := &ketacover.StoredCase{} // reused, as ScanTimelines does
			for _, id := range tc.ids {
				c.ID = id
				o.open(c, State{Phase: PhaseNew})
			}
			if o.ranked != tc.want {
				t.Errorf("ranked = %v after %q, want %v", o.ranked, tc.ids, tc.want)
			}
		})
	}
}
