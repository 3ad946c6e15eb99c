package denial

import (
	"reflect"
	"testing"
)

// TestMemo: the memo answers as Classify does, the first time and from
// memory, for every CARC in the table with and without a RARC.
func TestMemo(t *testing.T) {
	var m Memo
	for round := range 2 {
		for _, code := range sortedKeys(carcs) {
			for _, group := range []string{"CO", "PR", "OA"} {
				for _, rs := range [][]string{nil, {"N115"}, {"M127", "N115"}} {
					want := Classify(group, code, rs)
					if got := m.Classify(group, code, rs); !reflect.DeepEqual(got, want) {
						t.Fatalf("round %d: Memo.Classify(%s, %s, %v) = %+v, want %+v", round, group, code, rs, got, want)
					}
				}
			}
		}
	}
	if len(m.m) == 0 {
		t.Error("the memo kept nothing")
	}
}
