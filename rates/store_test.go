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
