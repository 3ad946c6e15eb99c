package rates

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRefStoreIndex puts records under ids that land in each of the
// store's three indexes (the slice of small integers, the map of other
// integers, the map of text), replaces some, and reads every one back,
// from memory and from the store's file.
func TestRefStoreIndex(t *testing.T) {
	for _, budget := range []int{memBudget, 64} {
		t.Run(fmt.Sprintf("budget %d", budget), func(t *testing.T) {
			defer func(b int) { storeBudget = b }(storeBudget)
			storeBudget = budget
			s := newRefStore(t.TempDir())
			defer s.close()
			want := map[string]string{}
			put := func(id, rec string) {
				t.Helper()
				if err := s.put(id, []byte(rec)); err != nil {
					t.Fatal(err)
				}
				want[id] = rec
			}
			// A large id first goes to the map; once the slice has grown
			// past it, its replacement goes to the slice and must win.
			put("90000", "far, first")
			for i := range 3000 {
				put(fmt.Sprint(i), fmt.Sprintf("group %d", i))
			}
			put("123456789012345", "sparse")        // too far for the slice
			put("007", "text: leading zero")        // not the integer 7
			put("1234567890123456789", "19 digits") // past intID's range
			put("abc", "text")
			put("5", "group 5, replaced")
			for i := 3000; i < 100000; i += 7 {
				put(fmt.Sprint(i), fmt.Sprintf("group %d", i))
			}
			put("90000", "far, replaced")
			for id, rec := range want {
				got, ok, err := s.get(id)
				if err != nil || !ok {
					t.Fatalf("get(%s) = %v, %v", id, ok, err)
				}
				if diff := cmp.Diff(rec, string(got)); diff != "" {
					t.Errorf("get(%s) (-want +got):\n%s", id, diff)
				}
			}
			for _, id := range []string{"3001", "100001", "08", "", "xyz", "123456789012346"} {
				if _, ok, err := s.get(id); ok || err != nil {
					t.Errorf("get(%q) = %v, %v; want absent", id, ok, err)
				}
			}
			if len(s.dense) == 0 || len(s.ints) == 0 || len(s.strs) == 0 {
				t.Errorf("indexes used: %d in the slice, %d in the int map, %d in the text map; want all three", len(s.dense), len(s.ints), len(s.strs))
			}
		})
	}
}

// TestNPIEncoding checks that every NPI text comes back from the store's
// encoding as written, whether stored as a value or as text.
func TestNPIEncoding(t *testing.T) {
	tests := []struct {
		npi     string
		asValue bool
	}{
		{"1093817465", true},
		{"0", true},
		{"7", true},
		{"123456789012345678", true}, // 18 digits, the longest value
		{"1234567890123456789", false},
		{"99999999999999999999", false},
		{"007", false},
		{"00", false},
		{"", false},
		{"12a", false},
		{`1"2\u00e9`, false},
		{"1.5", false},
		{"-1", false},
	}
	var e []byte
	for _, tt := range tests {
		t.Run(tt.npi, func(t *testing.T) {
			one := appendNPI(nil, []byte(tt.npi))
			if asValue := one[0]&1 == 0; asValue != tt.asValue {
				t.Errorf("stored as value: %v, want %v", asValue, tt.asValue)
			}
			d := dec{b: one}
			if got := d.npi(); got != tt.npi || d.err != nil || d.more() {
				t.Errorf("decoded %q (err %v, %d bytes left), want %q", got, d.err, len(d.b)-d.i, tt.npi)
			}
		})
		e = appendNPI(e, []byte(tt.npi))
	}
	// The same, back to back, as a group holds them.
	d := dec{b: e}
	for _, tt := range tests {
		if got := d.npi(); got != tt.npi {
			t.Errorf("in sequence: %q, want %q", got, tt.npi)
		}
	}
	// A cut record is an error, not a panic.
	d = dec{b: appendNPI(nil, []byte("007"))[:2]}
	if d.npi(); d.err == nil {
		t.Error("cut record: no error")
	}
}
