package rates

import (
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ketacover/ketacover/rates/ratesgen"
)

// tinyIndex lowers the provider store's budgets so that its index goes to
// disk after a few ids (and a file with provider_references last keeps
// every group), until the test ends. collide makes every id hash
// to one of 512 values, so that lookups must tell ids apart by the id
// stored with their record.
func tinyIndex(t *testing.T, collide bool) {
	t.Helper()
	pages, hmax, budget, hash, nmax := denseMaxPages, hashMemMax, storeBudget, hashID, needMax
	t.Cleanup(func() { denseMaxPages, hashMemMax, storeBudget, hashID, needMax = pages, hmax, budget, hash, nmax })
	denseMaxPages, hashMemMax, storeBudget, needMax = 1, 8, 256, 8
	if collide {
		hashID = func(id string) uint64 { return hash(id) % 512 }
	}
}

// storeOps is a sequence of puts: dense integers in a shuffled order
// (over several pages of the dense index), sparse integers, text ids and
// integers with leading zeros interleaved, then replacements of a random
// tenth of them, so that an id's records land in different pages, maps and
// runs.
func storeOps() (ids []string, recs []string) {
	r := rand.New(rand.NewPCG(10, 1))
	for _, i := range r.Perm(20000) {
		ids = append(ids, strconv.Itoa(i))
		switch i % 10 {
		case 1:
			ids = append(ids, fmt.Sprintf("g-%d", i))
		case 2:
			ids = append(ids, strconv.Itoa(i*1000003+5))
		case 3:
			ids = append(ids, fmt.Sprintf("0%d", i))
		}
	}
	n := len(ids)
	for range n / 10 {
		ids = append(ids, ids[r.IntN(n)])
	}
	for i, id := range ids {
		recs = append(recs, fmt.Sprintf("record %d of %s", i, id))
	}
	return ids, recs
}

// lookups puts ops into a new store in dir, then reads back every id and a
// few absent ones; it returns what each lookup found ("" for absent).
func lookups(t *testing.T, dir string, check func(*refStore)) map[string]string {
	t.Helper()
	ids, recs := storeOps()
	s := newRefStore(dir)
	defer s.close()
	for i, id := range ids {
		if err := s.put(id, []byte(recs[i])); err != nil {
			t.Fatalf("put(%s): %v", id, err)
		}
	}
	got := map[string]string{}
	for _, id := range append(ids, "20000", "99999", "1000003", "g-2", "00", "", "h", "123456789012345678") {
		rec, ok, err := s.get(id)
		if err != nil {
			t.Fatalf("get(%s): %v", id, err)
		}
		if ok {
			got[id] = string(rec)
		} else {
			got[id] = ""
		}
	}
	check(s)
	return got
}

// TestIndexBounded checks that a store whose index went to disk (pages of
// the dense index and runs of hashed ids) finds exactly what the
// in-memory index finds, and removes its files when closed.
func TestIndexBounded(t *testing.T) {
	ids, recs := storeOps()
	want := map[string]string{}
	for i, id := range ids {
		want[id] = recs[i] // the last record of an id wins
	}
	for _, id := range []string{"20000", "99999", "1000003", "g-2", "00", "", "h", "123456789012345678"} {
		want[id] = ""
	}
	inMem := lookups(t, t.TempDir(), func(s *refStore) {
		if s.idx != nil || len(s.runs) != 0 || s.f != nil {
			t.Errorf("default budgets: index file %v, %d runs, store file %v; want all in memory", s.idx != nil, len(s.runs), s.f != nil)
		}
	})
	if diff := cmp.Diff(want, inMem); diff != "" {
		t.Fatalf("in memory (-want +got):\n%s", diff)
	}
	for _, collide := range []bool{false, true} {
		t.Run(fmt.Sprintf("collide=%v", collide), func(t *testing.T) {
			tinyIndex(t, collide)
			dir := t.TempDir()
			got := lookups(t, dir, func(s *refStore) {
				if s.idx == nil || len(s.runs) < 2 || len(s.resident) > 1 {
					t.Errorf("index file %v, %d runs, %d pages in memory; want a file, runs, at most 1 page", s.idx != nil, len(s.runs), len(s.resident))
				}
				var names []string
				for _, e := range mustReadDir(t, dir) {
					names = append(names, e.Name()[strings.LastIndexByte(e.Name(), '.'):])
				}
				for _, ext := range []string{".idx", ".run", ".refs"} {
					if !strings.Contains(strings.Join(names, " "), ext) {
						t.Errorf("files %v: no %s file", names, ext)
					}
				}
			})
			if diff := cmp.Diff(inMem, got); diff != "" {
				t.Errorf("bounded index against in-memory (-want +got):\n%s", diff)
			}
			if left := mustReadDir(t, dir); len(left) != 0 {
				t.Errorf("files left after close: %v", left)
			}
		})
	}
}

func mustReadDir(t *testing.T, dir string) []os.DirEntry {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

var (
	groupIDRe = regexp.MustCompile(`"provider_group_id":(\d+)`)
	refsRe    = regexp.MustCompile(`"provider_references":\[([0-9,]+)\]`)
)

// mixIDs rewrites a generated file's provider_group_ids (1, 2, 3, ...):
// a third become text, a third sparse integers, a third stay as they are.
func mixIDs(data []byte) []byte {
	id := func(n string) string {
		v, _ := strconv.Atoi(n)
		switch v % 3 {
		case 0:
			return `"grp` + n + `"`
		case 1:
			return strconv.Itoa(v*1000003 + 11)
		}
		return n
	}
	data = groupIDRe.ReplaceAllFunc(data, func(m []byte) []byte {
		return []byte(`"provider_group_id":` + id(string(groupIDRe.FindSubmatch(m)[1])))
	})
	return refsRe.ReplaceAllFunc(data, func(m []byte) []byte {
		ns := strings.Split(string(refsRe.FindSubmatch(m)[1]), ",")
		for i, n := range ns {
			ns[i] = id(n)
		}
		return []byte(`"provider_references":[` + strings.Join(ns, ",") + `]`)
	})
}

// TestIndexBoundedScan scans files of 17,000 provider groups with the
// index's budgets lowered, so that it goes to disk (17,000 integer ids
// are three pages of the dense index; mixed, a third of them are text
// and a third sparse integers, thousands of hashed ids), and compares the
// rows with the oracle's, which holds every group in a map.
func TestIndexBoundedScan(t *testing.T) {
	cfg := ratesgen.Config{Seed: 12, Size: 8 << 20, CodeEvery: 3, Groups: 17000, NPIsPerGroup: 1, EntriesPerItem: 40}
	for _, tt := range []struct {
		name     string
		refsLast bool
		mix      bool
	}{
		{"ints", false, false},
		{"mixed", false, true},
		{"mixed/refs-last", true, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := cfg
			c.RefsLast = tt.refsLast
			data := gen(t, c)
			if tt.mix {
				data = mixIDs(data)
				if !strings.Contains(string(data), `"provider_group_id":"grp3"`) {
					t.Fatal("ids not rewritten")
				}
			}
			tinyIndex(t, tt.mix)
			if rows := checkOracle(t, data, ketamine); len(rows) == 0 {
				t.Fatal("no rows")
			}
		})
	}
}
