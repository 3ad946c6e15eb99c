// Package ratesgen writes synthetic Transparency in Coverage in-network-rates
// files of any size, shaped like real ones, for tests and benchmarks.
//
// The shape follows the CMS in-network-rates schema
// (https://github.com/CMSgov/price-transparency-guide/tree/master/schemas/in-network-rates):
// minified JSON, a provider_references section of provider groups (NPI
// arrays under a TIN), then in_network items, one per billing code, each
// with negotiated_rates entries that point at a few provider groups and
// carry one to three negotiated prices. Every value is made up.
package ratesgen

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
)

// Planted identifiers: some provider groups hold the clinic's NPI under
// its TIN, so that a scan for them finds rows.
const (
	ClinicNPI = "1093817465"
	ClinicTIN = "84-1234567"
)

// KetamineCodes are the codes a ketamine or esketamine clinic asks about;
// the generator gives each of them an item every CodeEvery items.
var KetamineCodes = []string{"96365", "96366", "G2082", "G2083", "J0013", "S0013", "J3490", "90791"}

// Config shapes a generated file. Zero fields take the defaults noted.
type Config struct {
	Seed int64
	// Size is the uncompressed size to reach, in bytes (default 64 MiB).
	// The file ends with the first item past it.
	Size int64
	// Version is "2.0.0" (default) or a 1.x version; v1 files may use
	// inline provider groups.
	Version string
	// Groups is the number of provider_references (default: about a
	// tenth of Size).
	Groups int
	// NPIsPerGroup is the largest NPI count of a group (default 40).
	NPIsPerGroup int
	// EntriesPerItem is the largest negotiated_rates count of an item
	// (default 400).
	EntriesPerItem int
	// CodeEvery puts a KetamineCodes item every this many items
	// (default 500).
	CodeEvery int
	// RefsLast writes provider_references after in_network.
	RefsLast bool
	// Inline writes v1 inline provider_groups in every entry instead of
	// provider_references.
	Inline bool
	// Pretty indents the JSON (files from some payers are indented).
	Pretty bool
}

// Stats says what was written.
type Stats struct {
	Bytes  int64
	Items  int
	Groups int
	// Planted is the number of in_network items with a KetamineCodes code.
	Planted int
}

func (c *Config) defaults() {
	if c.Size <= 0 {
		c.Size = 64 << 20
	}
	if c.Version == "" {
		c.Version = "2.0.0"
	}
	if c.NPIsPerGroup <= 0 {
		c.NPIsPerGroup = 40
	}
	if c.Groups <= 0 {
		// A group averages about 12 bytes per NPI plus 120 of TIN and
		// framing; provider references make about a tenth of the file.
		per := int64(c.NPIsPerGroup)/2*12 + 120
		c.Groups = int(max(c.Size/10/per, 10))
	}
	if c.EntriesPerItem <= 0 {
		c.EntriesPerItem = 400
	}
	if c.CodeEvery <= 0 {
		c.CodeEvery = 500
	}
}

type gen struct {
	cfg Config
	w   *bufio.Writer
	n   int64
	r   *rand.Rand
	b   []byte
	err error
}

// Write writes one in-network-rates file to w.
func Write(w io.Writer, cfg Config) (Stats, error) {
	cfg.defaults()
	g := &gen{cfg: cfg, w: bufio.NewWriterSize(w, 1<<20), r: rand.New(rand.NewPCG(uint64(cfg.Seed), 0x6b657461))}
	var st Stats
	g.raw(`{"reporting_entity_name":"Synthetic Health Insurance Co","reporting_entity_type":"health insurance issuer",`)
	g.raw(`"plan_name":"Synthetic PPO","plan_id_type":"ein","plan_id":"9912345678","plan_market_type":"group",`)
	g.raw(`"issuer_name":"Synthetic Health Issuer","plan_sponsor_name":"Synthetic Employer Group",`)
	g.raw(`"last_updated_on":"2026-11-01","version":"` + cfg.Version + `",`)
	g.nl()
	inline := cfg.Inline && cfg.Version[0] == '1'
	if !cfg.RefsLast && !inline {
		g.refs(&st)
		g.raw(",")
		g.nl()
	}
	g.raw(`"in_network":[`)
	for i := 0; g.err == nil; i++ {
		if i > 0 {
			g.raw(",")
		}
		g.nl()
		code, planted := g.code(i)
		if planted {
			st.Planted++
		}
		g.item(code, inline)
		st.Items++
		if g.n >= cfg.Size {
			break
		}
	}
	g.raw("]")
	if cfg.RefsLast && !inline {
		g.raw(",")
		g.nl()
		g.refs(&st)
	}
	g.raw("}\n")
	if g.err == nil {
		g.err = g.w.Flush()
	}
	st.Bytes = g.n
	return st, g.err
}

func (g *gen) raw(s string) {
	if g.err != nil {
		return
	}
	n, err := g.w.WriteString(s)
	g.n += int64(n)
	g.err = err
}

func (g *gen) bytes(b []byte) {
	if g.err != nil {
		return
	}
	n, err := g.w.Write(b)
	g.n += int64(n)
	g.err = err
}

func (g *gen) nl() {
	if g.cfg.Pretty {
		g.raw("\n  ")
	}
}

// npi returns a 10-digit NPI-like number starting with 1 (Type 1) or 2.
func (g *gen) npi() int64 { return 1_000_000_000 + g.r.Int64N(1_999_999_999-1_000_000_000) }

func (g *gen) tin() string {
	return fmt.Sprintf("%02d-%07d", 10+g.r.IntN(89), g.r.IntN(10_000_000))
}

// group writes one provider group; planted groups hold the clinic.
func (g *gen) group(planted bool) {
	b := g.b[:0]
	b = append(b, `{"npi":[`...)
	n := 1 + g.r.IntN(g.cfg.NPIsPerGroup)
	tin := g.tin()
	at := -1
	if planted {
		at = g.r.IntN(n)
		tin = ClinicTIN
	}
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		if i == at {
			b = append(b, ClinicNPI...)
		} else {
			b = strconv.AppendInt(b, g.npi(), 10)
		}
	}
	b = append(b, `],"tin":{"type":"ein","value":"`...)
	b = append(b, tin...)
	b = append(b, '"')
	if g.cfg.Version[0] != '1' {
		b = append(b, `,"business_name":"Synthetic Medical Group `...)
		b = strconv.AppendInt(b, int64(g.r.IntN(100000)), 10)
		b = append(b, '"')
	}
	b = append(b, "}}"...)
	g.b = b
	g.bytes(b)
}

func (g *gen) refs(st *Stats) {
	g.raw(`"provider_references":[`)
	for i := 1; i <= g.cfg.Groups; i++ {
		if i > 1 {
			g.raw(",")
		}
		g.nl()
		g.raw(`{"provider_group_id":` + strconv.Itoa(i) + `,`)
		if g.cfg.Version[0] != '1' {
			g.raw(`"network_name":["Synthetic Choice Network"],`)
		}
		g.raw(`"provider_groups":[`)
		ng := 1 + g.r.IntN(3)
		for j := range ng {
			if j > 0 {
				g.raw(",")
			}
			// Every 50th group holds the clinic.
			g.group(i%50 == 7 && j == 0)
		}
		g.raw("]}")
		st.Groups++
	}
	g.raw("]")
}

// code picks the billing code of item i.
func (g *gen) code(i int) (string, bool) {
	if i%g.cfg.CodeEvery == g.cfg.CodeEvery/2 {
		return KetamineCodes[(i/g.cfg.CodeEvery)%len(KetamineCodes)], true
	}
	for {
		c := strconv.Itoa(10000 + g.r.IntN(89999))
		if !isKetamine(c) {
			return c, false
		}
	}
}

func isKetamine(c string) bool {
	for _, k := range KetamineCodes {
		if c == k {
			return true
		}
	}
	return false
}

var (
	settings = []string{"outpatient", "inpatient", "both"}
	classes  = []string{"professional", "institutional"}
	types    = []string{"negotiated", "negotiated", "negotiated", "fee schedule", "derived", "percentage"}
	services = []string{`["11"]`, `["11","22"]`, `["02","10","11"]`, `["19","21","22","23"]`, `["CSTM-00"]`}
	mods     = []string{"", "", "", `,"billing_code_modifier":["26"]`, `,"billing_code_modifier":["TC"]`, `,"billing_code_modifier":["25","59"]`}
)

func (g *gen) item(code string, inline bool) {
	typ := "CPT"
	if code[0] >= 'A' {
		typ = "HCPCS"
	}
	g.raw(`{"negotiation_arrangement":"ffs","name":"Synthetic service ` + code + `","billing_code_type":"` + typ +
		`","billing_code_type_version":"2026","billing_code":"` + code +
		`","description":"Synthetic description of the service billed with code ` + code + `, long enough to look like a real CPT descriptor.","negotiated_rates":[`)
	n := 1 + g.r.IntN(g.cfg.EntriesPerItem)
	for i := range n {
		if i > 0 {
			g.raw(",")
		}
		b := g.b[:0]
		if inline {
			g.raw(`{"provider_groups":[`)
			g.group(i%20 == 3)
			b = g.b[:0]
			b = append(b, `],"negotiated_prices":[`...)
		} else {
			b = append(b, `{"provider_references":[`...)
			nr := 1 + g.r.IntN(4)
			for j := range nr {
				if j > 0 {
					b = append(b, ',')
				}
				b = strconv.AppendInt(b, 1+int64(g.r.IntN(g.cfg.Groups)), 10)
			}
			b = append(b, `],"negotiated_prices":[`...)
		}
		np := 1 + g.r.IntN(3)
		for j := range np {
			if j > 0 {
				b = append(b, ',')
			}
			t := types[g.r.IntN(len(types))]
			b = append(b, `{"negotiated_type":"`...)
			b = append(b, t...)
			b = append(b, `","negotiated_rate":`...)
			if t == "percentage" {
				b = strconv.AppendInt(b, int64(40+g.r.IntN(60)), 10)
				b = append(b, ".5"...)
			} else {
				b = strconv.AppendInt(b, int64(20+g.r.IntN(5000)), 10)
				b = append(b, '.')
				c := g.r.IntN(100)
				b = append(b, byte('0'+c/10), byte('0'+c%10))
			}
			b = append(b, `,"expiration_date":"9999-12-31","service_code":`...)
			b = append(b, services[g.r.IntN(len(services))]...)
			b = append(b, `,"billing_class":"`...)
			b = append(b, classes[g.r.IntN(len(classes))]...)
			b = append(b, '"')
			if g.cfg.Version[0] != '1' {
				b = append(b, `,"setting":"`...)
				b = append(b, settings[g.r.IntN(len(settings))]...)
				b = append(b, '"')
			}
			b = append(b, mods[g.r.IntN(len(mods))]...)
			b = append(b, '}')
		}
		b = append(b, "]}"...)
		g.b = b
		g.bytes(b)
	}
	g.raw("]}")
}
