package trials

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/ketacover/ketacover/zips"
)

// synthetic builds n study records in the v2 layout: random conditions,
// interventions and statuses, 1–10 sites at random ZCTA centroids (a
// quarter of them without geoPoint, placed by ZIP). Fixed seed.
func synthetic(b *testing.B, n int) []byte {
	zt, err := zips.Default()
	if err != nil {
		b.Fatal(err)
	}
	var all []string
	var pts []zips.Point
	zt.Each(func(z string, p zips.Point) bool { all = append(all, z); pts = append(pts, p); return true })
	r := rand.New(rand.NewPCG(1, 2))
	conds := []string{"Major Depressive Disorder", "Treatment Resistant Depression", "Bipolar Depression", "PTSD", "Chronic Pain", "Alcohol Use Disorder", "Anxiety", "Suicidal Ideation"}
	drugs := []string{"Ketamine", "Esketamine", "Arketamine", "Midazolam", "Placebo", "Psilocybin", "Sertraline"}
	statuses := []Status{Recruiting, NotYetRecruiting, ActiveNotRecruiting, Completed, EnrollingByInvitation, Terminated}
	ages := []string{"", "12 Years", "18 Years", "21 Years", "65 Years"}
	type m = map[string]any
	var studies []m
	for i := 0; i < n; i++ {
		var locs []m
		for k := r.IntN(10) + 1; k > 0; k-- {
			j := r.IntN(len(all))
			l := m{"facility": fmt.Sprintf("Site %d", k), "city": "City", "zip": all[j], "country": "United States", "status": string(statuses[r.IntN(2)])}
			if r.IntN(4) != 0 {
				l["geoPoint"] = m{"lat": pts[j].Lat, "lon": pts[j].Lon}
			}
			locs = append(locs, l)
		}
		studies = append(studies, m{"protocolSection": m{
			"identificationModule":    m{"nctId": fmt.Sprintf("NCT%08d", 90000000+i), "briefTitle": fmt.Sprintf("Study %d", i)},
			"statusModule":            m{"overallStatus": string(statuses[r.IntN(len(statuses))])},
			"conditionsModule":        m{"conditions": []string{conds[r.IntN(len(conds))], conds[r.IntN(len(conds))]}},
			"armsInterventionsModule": m{"interventions": []m{{"type": "DRUG", "name": drugs[r.IntN(len(drugs))]}, {"type": "DRUG", "name": drugs[r.IntN(len(drugs))]}}},
			"eligibilityModule":       m{"minimumAge": ages[r.IntN(3)], "maximumAge": ages[r.IntN(2)*4]},
			"contactsLocationsModule": m{"locations": locs},
		}})
	}
	data, err := json.Marshal(m{"studies": studies})
	if err != nil {
		b.Fatal(err)
	}
	return data
}

func benchIndex(b *testing.B) *Index {
	path := filepath.Join(b.TempDir(), "studies.json")
	if err := os.WriteFile(path, synthetic(b, 10000), 0o644); err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	studies, err := Import(path, data)
	if err != nil {
		b.Fatal(err)
	}
	zt, _ := zips.Default()
	return NewIndex(studies, zt)
}

// BenchmarkSearch10000 searches 10,000 studies the way `trials near` does:
// depression, ketamine or esketamine, open statuses, age 35, within 100
// miles of ZIP 10001, sorted by distance.
func BenchmarkSearch10000(b *testing.B) {
	ix := benchIndex(b)
	zt, _ := zips.Default()
	p, _ := zt.Lookup("10001")
	age := 35
	f := Filter{Condition: "depress", Interventions: []string{"ketamine", "esketamine"}, Statuses: Open, AgeYears: &age, Near: &p, WithinMiles: 100}
	b.ReportMetric(float64(len(ix.Search(f))), "matches")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		ix.Search(f)
	}
}

// BenchmarkSearch10000AnyDistance sorts every study by distance: the
// worst case, every site's distance computed.
func BenchmarkSearch10000AnyDistance(b *testing.B) {
	ix := benchIndex(b)
	zt, _ := zips.Default()
	p, _ := zt.Lookup("10001")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		ix.Search(Filter{Near: &p})
	}
}

func BenchmarkImportAndIndex10000(b *testing.B) {
	data := synthetic(b, 10000)
	zt, _ := zips.Default()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		studies, err := Import("studies.json", data)
		if err != nil {
			b.Fatal(err)
		}
		NewIndex(studies, zt)
	}
}
