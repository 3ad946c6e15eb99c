package rates

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// oracle computes the rows a scan must find with encoding/json and plain
// maps: slow, obvious, and independent of the byte-level scanner. It
// returns each row's identity (the fields that make a row one row) sorted.
// Remote provider references (location) are not followed.
func oracle(data []byte, q Query) ([]string, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var root map[string]any
	if err := d.Decode(&root); err != nil {
		return nil, err
	}
	f := newFilter(q)
	text := func(v any) string {
		switch v := v.(type) {
		case string:
			return v
		case json.Number:
			return string(v)
		case bool:
			return fmt.Sprint(v)
		}
		return ""
	}
	texts := func(v any) []string {
		a, ok := v.([]any)
		if !ok {
			if t := text(v); t != "" {
				return []string{t}
			}
			return nil
		}
		var out []string
		for _, e := range a {
			out = append(out, text(e))
		}
		return out
	}
	type prov struct{ npi, tinType, tin string }
	groups := func(v any) []prov {
		var out []prov
		arr, _ := v.([]any)
		for _, g := range arr {
			gm, _ := g.(map[string]any)
			tin, _ := gm["tin"].(map[string]any)
			tinType, tinValue := text(tin["type"]), text(tin["value"])
			all := !f.providers() || f.tin([]byte(tinValue))
			n := 0
			for _, npi := range texts(gm["npi"]) {
				if all || f.npi([]byte(npi)) {
					out = append(out, prov{npi, tinType, tinValue})
					n++
				}
			}
			if n == 0 && all && tinValue != "" {
				out = append(out, prov{"0", tinType, tinValue})
			}
		}
		return out
	}
	refs := map[string][]prov{}
	pr, _ := root["provider_references"].([]any)
	for _, r := range pr {
		rm, _ := r.(map[string]any)
		id := normID(text(rm["provider_group_id"]))
		refs[id] = groups(rm["provider_groups"])
	}
	plan := strings.Join([]string{text(root["plan_name"]), text(root["plan_id_type"]), text(root["plan_id"]), text(root["plan_market_type"])}, "|")
	var rows []string
	items, _ := root["in_network"].([]any)
	for _, it := range items {
		im, _ := it.(map[string]any)
		code := text(im["billing_code"])
		if _, ok := im["billing_code"]; !ok || !f.code([]byte(code)) {
			continue
		}
		seen := map[string]bool{}
		nrs, _ := im["negotiated_rates"].([]any)
		for _, nr := range nrs {
			nm, _ := nr.(map[string]any)
			provs := groups(nm["provider_groups"])
			for _, id := range texts(nm["provider_references"]) {
				provs = append(provs, refs[normID(id)]...)
			}
			nps, _ := nm["negotiated_prices"].([]any)
			for _, pv := range provs {
				for _, np := range nps {
					pm, _ := np.(map[string]any)
					if _, ok := pm["negotiated_rate"]; !ok {
						continue
					}
					key := strings.Join([]string{plan, text(im["billing_code_type"]), code,
						pv.npi, pv.tinType, pv.tin,
						text(pm["negotiated_type"]), text(pm["negotiated_rate"]), text(pm["billing_class"]),
						text(pm["setting"]), text(pm["expiration_date"]),
						strings.Join(texts(pm["service_code"]), ";"), strings.Join(texts(pm["billing_code_modifier"]), ";")}, "|")
					if !seen[key] {
						seen[key] = true
						rows = append(rows, key)
					}
				}
			}
		}
	}
	slices.Sort(rows)
	return rows, nil
}

// identity renders a scanned row as oracle does.
func identity(r Rate) string {
	return strings.Join([]string{r.PlanName, r.PlanIDType, r.PlanID, r.PlanMarketType, r.BillingCodeType, r.BillingCode,
		r.NPI, r.TINType, r.TIN, r.NegotiatedType, r.NegotiatedRate, r.BillingClass, r.Setting, r.ExpirationDate,
		strings.Join(r.ServiceCodes, ";"), strings.Join(r.Modifiers, ";")}, "|")
}

func identities(rows []Rate) []string {
	if len(rows) == 0 {
		return nil
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = identity(r)
	}
	slices.Sort(out)
	return out
}
