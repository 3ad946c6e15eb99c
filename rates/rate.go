// Package rates reads Transparency in Coverage machine-readable files
// (in-network rates and their tables of contents) at the speed of the disk
// and keeps only the negotiated rates asked for.
//
// The files are defined by CMS in https://github.com/CMSgov/price-transparency-guide
// (schemas in-network-rates, provider-reference, table-of-contents; v1.x
// and v2.0), under the Transparency in Coverage final rule, 45 CFR 147.212
// and 29 CFR 2590.715-2715A.
package rates

import (
	"fmt"
	"strings"

	"github.com/ketacover/ketacover"
)

// Rate is one negotiated rate for one provider: one row per plan, billing
// code, provider (NPI and TIN), negotiated type, rate, billing class,
// setting, service codes, modifiers and expiration date. Field names
// follow the CMS in-network-rates schema.
type Rate struct {
	Source              string `parquet:"source,dict"`                // the in-network file, path or URL
	ReportingEntityName string `parquet:"reporting_entity_name,dict"` // the payer or TPA that published the file
	ReportingEntityType string `parquet:"reporting_entity_type,dict"`
	PlanName            string `parquet:"plan_name,dict"`
	PlanIDType          string `parquet:"plan_id_type,dict"` // "ein" or "hios"
	PlanID              string `parquet:"plan_id,dict"`
	PlanMarketType      string `parquet:"plan_market_type,dict"` // "group" or "individual"
	IssuerName          string `parquet:"issuer_name,dict"`
	PlanSponsorName     string `parquet:"plan_sponsor_name,dict"`
	LastUpdatedOn       string `parquet:"last_updated_on,dict"` // YYYY-MM-DD

	NegotiationArrangement string `parquet:"negotiation_arrangement,dict"` // ffs, bundle, capitation
	Name                   string `parquet:"name,dict"`
	BillingCodeType        string `parquet:"billing_code_type,dict"` // CPT, HCPCS, RC, ...
	BillingCodeTypeVersion string `parquet:"billing_code_type_version,dict"`
	// BillingCode is the code; "CSTM-00" means every code of BillingCodeType.
	BillingCode string `parquet:"billing_code,dict"`

	// ProviderGroupID is the provider_references id the provider came from
	// ("" for providers listed inline in a v1 file).
	ProviderGroupID string `parquet:"provider_group_id,dict"`
	// NetworkName is the v2 network names of the provider group, joined by ";".
	NetworkName string `parquet:"network_name,dict"`
	// NPI is the provider's NPI as written in the file; "0" marks a
	// contract with the TIN only.
	NPI          string `parquet:"npi,dict"`
	TINType      string `parquet:"tin_type,dict"` // "ein" or "npi"
	TIN          string `parquet:"tin,dict"`
	BusinessName string `parquet:"business_name,dict"`

	// NegotiatedType is negotiated, derived, fee schedule, percentage or per diem.
	NegotiatedType string `parquet:"negotiated_type,dict"`
	// NegotiatedRate is the decimal text from the file, never rounded:
	// dollars, or a percent of billed charges when NegotiatedType is
	// "percentage".
	NegotiatedRate string `parquet:"negotiated_rate,dict"`
	ExpirationDate string `parquet:"expiration_date,dict"` // 9999-12-31 when none
	BillingClass   string `parquet:"billing_class,dict"`   // professional, institutional, both
	Setting        string `parquet:"setting,dict"`         // inpatient, outpatient, both (v2)
	// ServiceCodes are place-of-service codes; "CSTM-00" means all.
	ServiceCodes          []string `parquet:"service_code,list"`
	Modifiers             []string `parquet:"billing_code_modifier,list"`
	AdditionalInformation string   `parquet:"additional_information,dict"`
}

// Cents returns the rate in integer cents, rounded half away from zero.
// It fails for a percentage rate, which is not an amount, and for text
// that is not a plain decimal.
func (r Rate) Cents() (int64, error) {
	if r.NegotiatedType == "percentage" {
		return 0, ketacover.Errorf(ketacover.EINVALID, "rate %s for %s is a percentage of billed charges, not an amount", r.NegotiatedRate, r.BillingCode)
	}
	return Cents(r.NegotiatedRate)
}

// Cents converts decimal dollar text ("123.45", "20000.0", "1.005",
// "1.2e2") to integer cents, rounding half away from zero.
func Cents(s string) (int64, error) {
	bad := func() (int64, error) {
		return 0, ketacover.Errorf(ketacover.EINVALID, "negotiated rate %q is not a decimal amount", s)
	}
	if !validNumber([]byte(s)) {
		return bad()
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	exp := 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		if _, err := fmt.Sscan(s[i+1:], &exp); err != nil || exp > 30 || exp < -30 {
			return bad()
		}
		s = s[:i]
	}
	intPart, frac, _ := strings.Cut(s, ".")
	digits := intPart + frac
	point := len(intPart) + exp + 2 // digits before the cents point
	var cents int64
	for i := 0; i < point && i < len(digits); i++ {
		cents = cents*10 + int64(digits[i]-'0')
		if cents > 1e17 {
			return bad()
		}
	}
	for i := len(digits); i < point; i++ {
		cents *= 10
		if cents > 1e17 {
			return bad()
		}
	}
	if point >= 0 && point < len(digits) && digits[point] >= '5' {
		cents++
	}
	if neg {
		cents = -cents
	}
	return cents, nil
}

// Query says which rates to keep.
type Query struct {
	// Codes are billing codes (CPT, HCPCS, ...). Empty keeps every code.
	// Items whose billing code is the wildcard "CSTM-00" are always kept.
	Codes []string
	// NPIs and TINs keep the providers with one of these NPIs, or any NPI
	// under one of these TINs. Both empty keeps every provider.
	NPIs []string
	TINs []string
}

// Validate checks that the query's codes and identifiers are well formed.
func (q Query) Validate() error {
	for _, c := range q.Codes {
		if c == "" || strings.ContainsAny(c, " \t,;\"") {
			return ketacover.Errorf(ketacover.EINVALID, "billing code %q: want a code like 96365 or J3490", c)
		}
	}
	for _, n := range q.NPIs {
		if len(n) != 10 || strings.Trim(n, "0123456789") != "" {
			return ketacover.Errorf(ketacover.EINVALID, "NPI %q: want 10 digits", n)
		}
	}
	for _, t := range q.TINs {
		if t == "" || strings.ContainsAny(t, " \t,;\"") {
			return ketacover.Errorf(ketacover.EINVALID, "TIN %q: want an EIN like 12-3456789 or 123456789", t)
		}
	}
	return nil
}

// normTIN drops the dash of an EIN, so that 12-3456789 and 123456789 match.
func normTIN(t string) string {
	if len(t) == 10 && t[2] == '-' {
		return t[:2] + t[3:]
	}
	return t
}
