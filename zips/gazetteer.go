package zips

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/ketacover/ketacover"
)

// ParseGazetteer reads a Census Bureau ZCTA Gazetteer file
// (https://www.census.gov/geographies/reference-files/time-series/geo/gazetteer-files.html):
// tab-separated text with a header line naming GEOID, ALAND, AWATER,
// ALAND_SQMI, AWATER_SQMI, INTPTLAT and INTPTLONG. Columns are found by their
// header name, so only GEOID, INTPTLAT and INTPTLONG are required; the
// published files pad the last column with spaces, which are trimmed. name is
// used in error messages, which give the line and column of the fault.
func ParseGazetteer(name string, r io.Reader) (*Table, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	bad := func(line int, format string, args ...any) error {
		return ketacover.Errorf(ketacover.EINVALID, "%s:%d: %s", name, line, fmt.Sprintf(format, args...))
	}
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		return nil, bad(1, "empty file; want a header line with GEOID, INTPTLAT and INTPTLONG")
	}
	header := strings.Split(strings.TrimPrefix(sc.Text(), "\ufeff"), "\t")
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToUpper(strings.TrimSpace(h))] = i
	}
	var idx [3]int
	for k, want := range []string{"GEOID", "INTPTLAT", "INTPTLONG"} {
		i, ok := col[want]
		if !ok {
			return nil, bad(1, "header has no %s column; want a tab-separated ZCTA Gazetteer header (GEOID, ALAND, AWATER, ALAND_SQMI, AWATER_SQMI, INTPTLAT, INTPTLONG)", want)
		}
		idx[k] = i
	}
	type row struct {
		code, lat, lon int32
		line           int
	}
	var rows []row
	for line := 2; sc.Scan(); line++ {
		text := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" {
			continue
		}
		f := strings.Split(text, "\t")
		field := func(k int) string {
			if idx[k] >= len(f) {
				return ""
			}
			return strings.TrimSpace(f[idx[k]])
		}
		geo := field(0)
		code, err := parseZIP(geo)
		if err != nil {
			return nil, bad(line, "column GEOID: want a five-digit ZCTA code, got %q", geo)
		}
		lat, err := degrees(field(1), 90)
		if err != nil {
			return nil, bad(line, "column INTPTLAT: want a latitude in decimal degrees (-90 to 90), got %q", field(1))
		}
		lon, err := degrees(field(2), 180)
		if err != nil {
			return nil, bad(line, "column INTPTLONG: want a longitude in decimal degrees (-180 to 180), got %q", field(2))
		}
		rows = append(rows, row{code, lat, lon, line})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(rows) == 0 {
		return nil, bad(2, "no ZCTA rows after the header")
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].code < rows[j].code })
	t := &Table{}
	for i, r := range rows {
		if i > 0 && rows[i-1].code == r.code {
			return nil, bad(r.line, "column GEOID: ZCTA %05d appears twice (first on line %d)", r.code, rows[i-1].line)
		}
		t.add(r.code, r.lat, r.lon)
	}
	return t, nil
}

// degrees parses decimal degrees into microdegrees, rounding to the nearest.
func degrees(s string, limit float64) (int32, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || v < -limit || v > limit {
		return 0, fmt.Errorf("bad degrees %q", s)
	}
	return int32(math.Round(v * 1e6)), nil
}
