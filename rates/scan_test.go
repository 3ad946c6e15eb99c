package rates

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/klauspost/compress/gzip"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/rates/ratesgen"
)

// samplesDir is the shared CMS examples, read in place.
const samplesDir = "../../shared/samples/tic"

func samples(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(samplesDir); err != nil {
		t.Skipf("CMS sample files not found at %s (../shared is absent): %v", samplesDir, err)
	}
	return samplesDir
}

// scanBytes scans data served in chunks of the given size.
func scanBytes(t testing.TB, data []byte, q Query, chunk int) ([]Rate, Result, error) {
	t.Helper()
	var rows []Rate
	opt := Options{Query: q} // spill files go to the system temp dir and are removed by close
	s := newScanner(context.Background(), "test.json", &memSource{b: data, n: chunk}, nil, opt, func(b []Rate) error {
		rows = append(rows, b...)
		return nil
	})
	defer s.close()
	err := s.run()
	return rows, s.res, err
}

// checkOracle scans data (whole and in small chunks) and compares the rows
// with the encoding/json oracle.
func checkOracle(t *testing.T, data []byte, q Query) []Rate {
	t.Helper()
	want, err := oracle(data, q)
	if err != nil {
		t.Fatalf("oracle: %v", err)
	}
	var first []Rate
	for _, chunk := range []int{1 << 20, 7, 1} {
		if chunk < 1000 && len(data) > 64<<10*chunk {
			continue // tiny chunks for small files only: tests stay fast
		}
		rows, _, err := scanBytes(t, data, q, chunk)
		if err != nil {
			t.Fatalf("chunk %d: %v", chunk, err)
		}
		if diff := cmp.Diff(want, identities(rows)); diff != "" {
			t.Fatalf("chunk %d: rows differ from the oracle (-want +got):\n%s", chunk, diff)
		}
		if first == nil {
			first = rows
		}
	}
	return first
}

var ketamine = Query{Codes: ratesgen.KetamineCodes}

func TestSamples(t *testing.T) {
	dir := samples(t)
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	v1, _ := filepath.Glob(filepath.Join(dir, "v1", "*.json"))
	files = append(files, v1...)
	if len(files) < 15 {
		t.Fatalf("found %d sample files in %s, want the 21 CMS examples", len(files), dir)
	}
	for _, path := range files {
		name, _ := filepath.Rel(dir, path)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			_, res, err := scanBytes(t, data, Query{}, 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			base := filepath.Base(path)
			var wantKind string
			switch {
			case strings.HasPrefix(base, "in-network"):
				wantKind = KindInNetwork
			case strings.HasPrefix(base, "table-of-contents"):
				wantKind = KindTableOfContents
			case strings.HasPrefix(base, "provider-reference"):
				wantKind = KindProviderReference
			default:
				wantKind = KindAllowedAmounts
			}
			if res.Kind != wantKind {
				t.Errorf("kind = %q, want %q", res.Kind, wantKind)
			}
			if res.Bytes != int64(len(data)) {
				t.Errorf("read %d bytes, want %d", res.Bytes, len(data))
			}
			if wantKind != KindInNetwork {
				return
			}
			all := checkOracle(t, data, Query{})
			if len(all) == 0 {
				t.Fatal("no rows from an in-network sample")
			}
			// Every row's code and one provider, asked for alone.
			r := all[len(all)/2]
			got := checkOracle(t, data, Query{Codes: []string{r.BillingCode}, NPIs: []string{padNPI(r.NPI)}})
			if r.NPI != "0" && len(got) == 0 {
				t.Errorf("asking for %s at NPI %s found nothing", r.BillingCode, r.NPI)
			}
			checkOracle(t, data, Query{Codes: []string{r.BillingCode}, TINs: []string{r.TIN}})
		})
	}
}

func padNPI(n string) string {
	if len(n) < 10 {
		return strings.Repeat("0", 10-len(n)) + n
	}
	return n
}

// TestSampleRows pins rows worked out by hand from the CMS examples.
func TestSampleRows(t *testing.T) {
	dir := samples(t)
	tests := []struct {
		file string
		q    Query
		want []string // identity of each row
	}{
		{
			// v1: a TIN-only contract, npi [0].
			file: "v1/in-network-rates-no-npi.json",
			want: []string{"medicaid|hios|1111111111|individual|CPT|27447|0|ein|11-1111111|negotiated|123.45|institutional||2022-01-01||"},
		},
		{
			// v2: ICU per diem under provider group 2 (two NPIs, one TIN).
			file: "in-network-rates-all-negotiated-types-sample.json",
			q:    Query{Codes: []string{"0200"}},
			want: []string{
				"Plan D PPO|ein|4444444444|group|RC|0200|5678901234|ein|34-5678901|per diem|5500.00|institutional|inpatient|2024-12-31||",
				"Plan D PPO|ein|4444444444|group|RC|0200|6789012345|ein|34-5678901|per diem|5500.00|institutional|inpatient|2024-12-31||",
			},
		},
		{
			// v2: a percentage of billed charges keeps its text; one NPI asked for.
			file: "in-network-rates-all-negotiated-types-sample.json",
			q:    Query{Codes: []string{"99285"}, NPIs: []string{"5678901234"}},
			want: []string{
				"Plan D PPO|ein|4444444444|group|CPT|99285|5678901234|ein|34-5678901|negotiated|2500.00|institutional|outpatient|2024-12-31||",
				"Plan D PPO|ein|4444444444|group|CPT|99285|5678901234|ein|34-5678901|percentage|75.5|professional|outpatient|2024-12-31|23|",
			},
		},
		{
			// v1 mixed: provider_references [1] and an inline group, by TIN with a dash.
			file: "v1/in-network-rates-fee-for-service-single-plan-sample.json",
			q:    Query{Codes: []string{"27448"}, TINs: []string{"6666666666"}},
			want: []string{"medicaid|hios|1111111111|individual|CPT|27448|6666666666|npi|6666666666|negotiated|12.45|institutional||2022-01-01|18;19;11|"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			rows, _, err := scanBytes(t, data, tt.q, 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, identities(rows)); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTableOfContentsSample(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(samples(t), "table-of-contents-sample.json"))
	if err != nil {
		t.Fatal(err)
	}
	_, res, err := scanBytes(t, data, Query{}, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	medicaid := Plan{Name: "medicaid", IDType: "hios", ID: "1111111111", MarketType: "individual", IssuerName: "CMS"}
	medicare := Plan{Name: "medicare", IDType: "hios", ID: "000000000", MarketType: "individual", IssuerName: "CMS"}
	chip := Plan{Name: "chip", IDType: "hios", ID: "3333333333", MarketType: "group", IssuerName: "CMS"}
	want := []TOCFile{
		{Location: "https://www.some_site.com/files/in-network-file-123456.json", Plans: []Plan{medicaid, medicare}},
		{Location: "https://www.some_site.com/files/behavioral-health-0000.json", Plans: []Plan{medicaid, medicare}},
		{Location: "https://www.some_site.com/files/chip-in-network-file.json", Plans: []Plan{chip}},
	}
	if diff := cmp.Diff(want, res.Files); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
}

// gen writes a generated file into memory.
func gen(t testing.TB, cfg ratesgen.Config) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := ratesgen.Write(&b, cfg); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestGenerated(t *testing.T) {
	small := ratesgen.Config{Seed: 3, Size: 400 << 10, CodeEvery: 4, EntriesPerItem: 30, Groups: 300}
	tests := []struct {
		name string
		cfg  ratesgen.Config
		q    Query
	}{
		{"refs-first", small, ketamine},
		{"refs-first/npi", small, Query{Codes: ratesgen.KetamineCodes, NPIs: []string{ratesgen.ClinicNPI}}},
		{"refs-first/tin", small, Query{Codes: ratesgen.KetamineCodes, TINs: []string{ratesgen.ClinicTIN}}},
		{"refs-last", with(small, func(c *ratesgen.Config) { c.RefsLast = true }), ketamine},
		{"refs-last/npi", with(small, func(c *ratesgen.Config) { c.RefsLast = true }), Query{Codes: ratesgen.KetamineCodes, NPIs: []string{ratesgen.ClinicNPI}}},
		{"v1-inline", with(small, func(c *ratesgen.Config) { c.Version, c.Inline = "1.0.0", true }), ketamine},
		{"v1-inline/npi", with(small, func(c *ratesgen.Config) { c.Version, c.Inline = "1.0.0", true }), Query{NPIs: []string{ratesgen.ClinicNPI}}},
		{"pretty", with(small, func(c *ratesgen.Config) { c.Pretty = true }), ketamine},
		{"all-codes", with(small, func(c *ratesgen.Config) { c.Size = 256 << 10 }), Query{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := gen(t, tt.cfg)
			rows := checkOracle(t, data, tt.q)
			if len(rows) == 0 {
				t.Fatal("no rows: the generator plants the codes and the clinic")
			}
		})
	}
	// Every item's rows made on the scanning goroutine instead of the
	// expander: the same rows.
	defer func(m int) { expandMax = m }(expandMax)
	expandMax = 0
	checkOracle(t, gen(t, small), ketamine)
}

func with(c ratesgen.Config, f func(*ratesgen.Config)) ratesgen.Config {
	f(&c)
	return c
}

// TestRefsLastSameRows: moving provider_references after in_network
// changes nothing in the rows, and spills rather than failing.
func TestRefsLastSameRows(t *testing.T) {
	first := gen(t, ratesgen.Config{Seed: 9, Size: 256 << 10, CodeEvery: 3})
	// Move the provider_references member of the same file to the end.
	i := bytes.Index(first, []byte(`"provider_references":[`))
	j := bytes.Index(first, []byte(`"in_network":[`))
	refs := bytes.TrimRight(first[i:j], ",\n ")
	rest := bytes.TrimSuffix(bytes.TrimSpace(first[j:]), []byte("}"))
	last := append(append(append(append([]byte{}, first[:i]...), rest...), ','), refs...)
	last = append(last, '}')
	a := checkOracle(t, first, ketamine)
	b := checkOracle(t, last, ketamine)
	if diff := cmp.Diff(identities(a), identities(b)); diff != "" {
		t.Errorf("rows differ when provider_references come last (-first +last):\n%s", diff)
	}
}

func TestEdgeCases(t *testing.T) {
	head := `{"reporting_entity_name":"x","plan_name":"p","version":"2.0.0",`
	ref1 := `"provider_references":[{"provider_group_id":1,"network_name":["n"],"provider_groups":[{"npi":[1111111111,2222222222],"tin":{"type":"ein","value":"11-1111111"}}]}]`
	price := `{"negotiated_type":"negotiated","negotiated_rate":100.10,"expiration_date":"9999-12-31","billing_class":"professional","setting":"outpatient","service_code":["11"]}`
	item := func(code, rates string) string {
		return `{"negotiation_arrangement":"ffs","name":"n","billing_code_type":"CPT","billing_code_type_version":"2026","billing_code":"` + code + `","negotiated_rates":` + rates + `}`
	}
	tests := []struct {
		name     string
		json     string
		q        Query
		wantRows int
		warn     string
	}{
		// (the oracle reads plan fields wherever they are; the scanner
		// warns when they come after the rows, see TestLatePlan)
		{"empty in_network", head + ref1 + `,"in_network":[]}`, ketamine, 0, ""},
		{"empty negotiated_rates", head + ref1 + `,"in_network":[` + item("96365", `[]`) + `]}`, ketamine, 0, ""},
		{"empty prices", head + ref1 + `,"in_network":[` + item("96365", `[{"provider_references":[1],"negotiated_prices":[]}]`) + `]}`, ketamine, 0, ""},
		{"empty provider_references", head + `"provider_references":[],"in_network":[` + item("96365", `[{"provider_references":[],"negotiated_prices":[`+price+`]}]`) + `]}`, ketamine, 0, ""},
		{"empty groups and npi", head + `"provider_references":[{"provider_group_id":1,"provider_groups":[]},{"provider_group_id":2,"provider_groups":[{"npi":[],"tin":{"type":"ein","value":"22-2222222"}}]}],"in_network":[` + item("96365", `[{"provider_references":[1,2],"negotiated_prices":[`+price+`]}]`) + `]}`, ketamine, 1, ""},
		{"two prices two npis", head + ref1 + `,"in_network":[` + item("96365", `[{"provider_references":[1],"negotiated_prices":[`+price+`,`+strings.Replace(price, "100.10", "90", 1)+`]}]`) + `]}`, ketamine, 4, ""},
		{"duplicate entries kept once", head + ref1 + `,"in_network":[` + item("96365", `[{"provider_references":[1,1.0],"negotiated_prices":[`+price+`]},{"provider_references":[1],"negotiated_prices":[`+price+`]}]`) + `]}`, ketamine, 2, ""},
		{"code not asked for", head + ref1 + `,"in_network":[` + item("99213", `[{"provider_references":[1],"negotiated_prices":[`+price+`]}]`) + `]}`, ketamine, 0, ""},
		{"wildcard code", head + ref1 + `,"in_network":[` + item("CSTM-00", `[{"provider_references":[1],"negotiated_prices":[`+price+`]}]`) + `]}`, ketamine, 2, ""},
		{"negotiated_rates before billing_code", head + ref1 + `,"in_network":[{"negotiated_rates":[{"provider_references":[1],"negotiated_prices":[` + price + `]}],"billing_code_type":"CPT","billing_code":"96365"}]}`, ketamine, 2, ""},
		{"unknown fields skipped", head + `"x_extra":{"a":[1,{"b":"]}"}]},` + ref1 + `,"in_network":[` + item("96365", `[{"x":[[[]]],"provider_references":[1],"negotiated_prices":[`+strings.Replace(price, "{", `{"zz":null,`, 1)+`]}]`) + `]}`, ketamine, 2, ""},
		{"string npi and float ids", head + `"provider_references":[{"provider_group_id":40.000,"provider_groups":[{"npi":["1111111111"],"tin":{"type":"ein","value":"1"}}]}],"in_network":[` + item("96365", `[{"provider_references":[40],"negotiated_prices":[`+price+`]}]`) + `]}`, ketamine, 1, ""},
		{"undefined reference", head + ref1 + `,"in_network":[` + item("96365", `[{"provider_references":[7],"negotiated_prices":[`+price+`]}]`) + `]}`, ketamine, 0, "not defined"},
		{"escapes", head + ref1 + `,"in_network":[` + item("96365", `[{"provider_references":[1],"negotiated_prices":[`+strings.Replace(price, `"9999-12-31"`, `"9999-12-31","additional_information":"a \"quoted\" \\ \u00e9\ud83d\ude00 note"`, 1)+`]}]`) + `]}`, ketamine, 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows := checkOracle(t, []byte(tt.json), tt.q)
			if len(rows) != tt.wantRows {
				t.Errorf("%d rows, want %d", len(rows), tt.wantRows)
			}
			_, res, _ := scanBytes(t, []byte(tt.json), tt.q, 1<<20)
			got := strings.Join(res.Warnings, "; ")
			if (tt.warn == "") != (got == "") || !strings.Contains(got, tt.warn) {
				t.Errorf("warnings %q, want %q", got, tt.warn)
			}
		})
	}
}

func TestLatePlan(t *testing.T) {
	in := `{"in_network":[{"billing_code":"96365","negotiated_rates":[{"provider_groups":[{"npi":[1111111111],"tin":{"type":"ein","value":"1"}}],"negotiated_prices":[{"negotiated_rate":5}]}]}],"plan_name":"late"}`
	rows, res, err := scanBytes(t, []byte(in), ketamine, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].PlanName != "" {
		t.Errorf("rows %+v, want one without a plan name", rows)
	}
	if w := strings.Join(res.Warnings, ";"); !strings.Contains(w, "plan_name came after in_network") {
		t.Errorf("warnings %q", w)
	}
}

func TestPrecision(t *testing.T) {
	in := `{"provider_references":[{"provider_group_id":1,"provider_groups":[{"npi":[1111111111],"tin":{"type":"ein","value":"1"}}]}],"in_network":[{"billing_code":"96365","negotiated_rates":[{"provider_references":[1],"negotiated_prices":[{"negotiated_type":"negotiated","negotiated_rate":123.4500000000000000001},{"negotiated_type":"derived","negotiated_rate":1e400},{"negotiated_type":"fee schedule","negotiated_rate":"77.10"}]}]}]}`
	rows, _, err := scanBytes(t, []byte(in), ketamine, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, r.NegotiatedRate)
	}
	want := []string{"123.4500000000000000001", "1e400", "77.10"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rates (-want +got):\n%s", diff)
	}
}

func TestMalformed(t *testing.T) {
	tests := []struct {
		name   string
		json   string
		offset int64
		path   string
		msg    string
	}{
		{"bad number", `{"in_network":[{"billing_code":"96365","negotiated_rates":[{"negotiated_prices":[{"negotiated_rate":12.3.4}]}]}]}`,
			100, "$.in_network[0].negotiated_rates[0].negotiated_prices[0].negotiated_rate", "invalid number"},
		{"missing comma", `{"version":"2.0.0" "in_network":[]}`, 19, "$", "expected ','"},
		{"truncated in skipped item", `{"in_network":[{"billing_code":"1","negotiated_rates":[{"x":"abc`, 64, "$.in_network[0].negotiated_rates", "unexpected end of input"},
		{"truncated in kept item", `{"in_network":[{"billing_code":"96365","negotiated_rates":[{"negotiated_prices":[{"negotiated_rate":1`, 101, "$.in_network[0].negotiated_rates[0].negotiated_prices[0]", "unexpected end of input"},
		{"mismatched brackets in skipped value", `{"x":[1,2}`, 9, "$.x", "expected ']'"},
		{"trailing data", `{"version":"1"} {}`, 16, "$", "data after the end"},
		{"not an object", `[1,2]`, 0, "$", "expected '{'"},
		{"rate is text", `{"in_network":[{"billing_code":"96365","negotiated_rates":[{"negotiated_prices":[{"negotiated_rate":"n/a"}]}]}]}`,
			100, "$.in_network[0].negotiated_rates[0].negotiated_prices[0].negotiated_rate", "not a number"},
		{"bad escape", `{"plan_name":"a\qb"}`, 15, "$.plan_name", "invalid escape"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, chunk := range []int{1 << 20, 3} {
				_, _, err := scanBytes(t, []byte(tt.json), ketamine, chunk)
				var se *SyntaxError
				if !errors.As(err, &se) {
					t.Fatalf("chunk %d: error %v, want a *SyntaxError", chunk, err)
				}
				if se.Offset != tt.offset || se.Path != tt.path || !strings.Contains(se.Msg, tt.msg) {
					t.Errorf("chunk %d: got byte %d at %s: %s; want byte %d at %s: %s...", chunk, se.Offset, se.Path, se.Msg, tt.offset, tt.path, tt.msg)
				}
				if ketacover.ErrorCode(err) != ketacover.EINVALID {
					t.Errorf("code %q, want EINVALID", ketacover.ErrorCode(err))
				}
			}
		})
	}
}

// TestTruncation cuts a generated file at many places: each cut fails
// with the offset of the end, and the rows emitted before are rows of
// the whole file.
func TestTruncation(t *testing.T) {
	data := gen(t, ratesgen.Config{Seed: 5, Size: 128 << 10, CodeEvery: 2, EntriesPerItem: 20, Groups: 100})
	full, _, err := scanBytes(t, data, ketamine, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	all := map[string]bool{}
	for _, id := range identities(full) {
		all[id] = true
	}
	for cut := 1; cut < len(data)-1; cut += len(data)/61 + 1 {
		rows, _, err := scanBytes(t, data[:cut], ketamine, 4096)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Fatalf("cut at %d: error %v, want a *SyntaxError", cut, err)
		}
		if se.Offset != int64(cut) || !strings.Contains(se.Msg, "unexpected end") {
			t.Errorf("cut at %d: got byte %d: %s", cut, se.Offset, se.Msg)
		}
		for _, id := range identities(rows) {
			if !all[id] {
				t.Fatalf("cut at %d: row %s is not a row of the whole file", cut, id)
			}
		}
	}
}

// TestHugeArrays: an item bigger than the in-memory budget spills, and a
// group of 200,000 NPIs is read whole.
func TestHugeArrays(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"provider_references":[{"provider_group_id":1,"provider_groups":[{"npi":[`)
	for i := range 200_000 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("1")
		b.WriteString(strings.Repeat("0", 9-len(itoa(i))))
		b.WriteString(itoa(i))
	}
	b.WriteString(`],"tin":{"type":"ein","value":"11-1111111"}}]}],"in_network":[{"billing_code":"96365","negotiated_rates":[`)
	for i := range 60_000 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"provider_groups":[{"npi":[1999999999],"tin":{"type":"ein","value":"22-2222222"}}],"negotiated_prices":[{"negotiated_type":"negotiated","negotiated_rate":` + itoa(i) + `.5,"additional_information":"` + strings.Repeat("x", 40) + `"}]}`)
	}
	b.WriteString(`,{"provider_references":[1],"negotiated_prices":[{"negotiated_type":"negotiated","negotiated_rate":1}]}]}]}`)
	data := []byte(b.String())
	rows, _, err := scanBytes(t, data, Query{Codes: []string{"96365"}, NPIs: []string{"1999999999", "1000123456"}}, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 60_001 {
		t.Errorf("%d rows, want 60,001", len(rows))
	}
	rows, _, err = scanBytes(t, data, Query{Codes: []string{"96365"}, TINs: []string{"11-1111111"}}, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 200_000 {
		t.Errorf("%d rows by TIN, want 200,000", len(rows))
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestGzipAndFiles(t *testing.T) {
	dir := t.TempDir()
	data := gen(t, ratesgen.Config{Seed: 2, Size: 1 << 20, CodeEvery: 3})
	plain := filepath.Join(dir, "in.json")
	gz := filepath.Join(dir, "in.json.gz")
	if err := os.WriteFile(plain, data, 0o644); err != nil {
		t.Fatal(err)
	}
	var zb bytes.Buffer
	zw := gzip.NewWriter(&zb)
	zw.Write(data)
	zw.Close()
	if err := os.WriteFile(gz, zb.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	var rowsPlain, rowsGz []Rate
	if _, err := Scan(context.Background(), plain, Options{Query: ketamine}, func(b []Rate) error { rowsPlain = append(rowsPlain, b...); return nil }); err != nil {
		t.Fatal(err)
	}
	var pr Progress
	res, err := Scan(context.Background(), gz, Options{Query: ketamine, Progress: &pr}, func(b []Rate) error { rowsGz = append(rowsGz, b...); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(rowsPlain) == 0 {
		t.Fatal("no rows")
	}
	if diff := cmp.Diff(identities(rowsPlain), identities(rowsGz)); diff != "" {
		t.Errorf("gzip rows differ (-plain +gzip):\n%s", diff)
	}
	if pr.Bytes.Load() != int64(len(data)) || pr.Compressed.Load() != int64(zb.Len()) || pr.Rows.Load() != res.Rows {
		t.Errorf("progress %d/%d bytes, %d rows; want %d/%d, %d", pr.Bytes.Load(), pr.Compressed.Load(), pr.Rows.Load(), len(data), zb.Len(), res.Rows)
	}
	// A corrupt gzip stream is a read error with an offset.
	bad := append([]byte{}, zb.Bytes()...)
	bad[len(bad)/2] ^= 0xff
	badPath := filepath.Join(dir, "bad.json.gz")
	os.WriteFile(badPath, bad, 0o644)
	_, err = Scan(context.Background(), badPath, Options{Query: ketamine}, func([]Rate) error { return nil })
	var se *SyntaxError
	if !errors.As(err, &se) || se.Err == nil {
		t.Errorf("corrupt gzip: error %v, want a *SyntaxError with the read error", err)
	}
	// A missing file is ENOTFOUND.
	_, err = Scan(context.Background(), filepath.Join(dir, "nope.json"), Options{}, func([]Rate) error { return nil })
	if ketacover.ErrorCode(err) != ketacover.ENOTFOUND {
		t.Errorf("missing file: %v, want ENOTFOUND", err)
	}
}

// TestStoreSpill runs with a tiny in-memory budget, so that provider
// groups go to the store's file and are read back from it.
func TestStoreSpill(t *testing.T) {
	defer func(b int) { storeBudget = b }(storeBudget)
	storeBudget = 4 << 10
	data := gen(t, ratesgen.Config{Seed: 8, Size: 600 << 10, CodeEvery: 3, Groups: 300, NPIsPerGroup: 10, EntriesPerItem: 30})
	if rows := checkOracle(t, data, ketamine); len(rows) == 0 {
		t.Fatal("no rows")
	}
	checkOracle(t, data, Query{Codes: ratesgen.KetamineCodes, TINs: []string{ratesgen.ClinicTIN}})
}
