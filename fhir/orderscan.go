package fhir

import (
	"encoding/json"
	"strconv"

	"github.com/ketacover/ketacover/internal/jsonscan"
)

// The draft orders of a hook call are read on every call (the prefetch
// resources are read once per distinct resource: see filed), and reading
// them with encoding/json, which checks each value's grammar and then
// decodes it by reflection, was a sixth of a call. The decoders here read
// them in one pass of package jsonscan, with the same result as
// json.Unmarshal into the same types, for orders that are plain: keys
// ASCII and unescaped, no key that matches a field only ignoring case, no
// field given twice, values of the field's JSON type. Anything else is
// decoded by encoding/json, which also words the errors. TestFastOrderView,
// FuzzOrderView and FuzzDecodeBundle hold them to encoding/json.

// DecodeBundle decodes a Bundle as json.Unmarshal would, its entries'
// resources left raw.
func DecodeBundle(raw []byte) (*Bundle, error) {
	var b Bundle
	if fastBundle(raw, &b) {
		return &b, nil
	}
	b = Bundle{}
	if err := json.Unmarshal(raw, &b); err != nil {
		return nil, err
	}
	return &b, nil
}

// decodeOrderView decodes an order as json.Unmarshal would.
func decodeOrderView(raw []byte, v *orderView) error {
	if fastOrderView(raw, v) {
		return nil
	}
	*v = orderView{}
	return json.Unmarshal(raw, v)
}

// whole runs decode on the one JSON value raw holds (whitespace around it
// allowed, as json.Unmarshal allows).
func whole(raw []byte, decode func(b []byte, i int) (int, bool)) bool {
	i := jsonscan.SkipWS(raw, 0)
	end, ok := decode(raw, i)
	return ok && jsonscan.SkipWS(raw, end) == len(raw)
}

func fastBundle(raw []byte, bd *Bundle) bool {
	return whole(raw, func(b []byte, i int) (int, bool) {
		return object(b, i, []string{"resourceType", "type", "entry"}, func(k, vs int) (int, bool) {
			switch k {
			case 0:
				return str(b, vs, &bd.ResourceType)
			case 1:
				return str(b, vs, &bd.Type)
			}
			return array(b, vs, func(vs int) (int, bool) {
				bd.Entry = append(bd.Entry, struct {
					FullURL  string          `json:"fullUrl,omitempty"`
					Resource json.RawMessage `json:"resource,omitempty"`
				}{})
				e := &bd.Entry[len(bd.Entry)-1]
				return objectNulls(b, vs, []string{"fullUrl", "resource"}, 1<<1, func(k, vs int) (int, bool) {
					if k == 0 {
						return str(b, vs, &e.FullURL)
					}
					end, ok := jsonscan.SkipValue(b, vs)
					if !ok {
						return 0, false
					}
					e.Resource = b[vs:end:end]
					return end, true
				})
			}, func() {
				bd.Entry = make([]struct {
					FullURL  string          `json:"fullUrl,omitempty"`
					Resource json.RawMessage `json:"resource,omitempty"`
				}, 0)
			})
		})
	})
}

var orderViewFields = []string{"resourceType", "id", "code", "medicationCodeableConcept", "serviceType", "appointmentType", "reasonCode", "basedOn", "dosageInstruction", "occurrenceDateTime", "occurrencePeriod", "start"}

func fastOrderView(raw []byte, v *orderView) bool {
	return whole(raw, func(b []byte, i int) (int, bool) {
		return object(b, i, orderViewFields, func(k, vs int) (int, bool) {
			switch k {
			case 0:
				return str(b, vs, &v.ResourceType)
			case 1:
				return str(b, vs, &v.ID)
			case 2:
				v.Code = new(CodeableConcept)
				return concept(b, vs, v.Code)
			case 3:
				v.MedicationCodeableConcept = new(CodeableConcept)
				return concept(b, vs, v.MedicationCodeableConcept)
			case 4:
				return concepts(b, vs, &v.ServiceType)
			case 5:
				v.AppointmentType = new(CodeableConcept)
				return concept(b, vs, v.AppointmentType)
			case 6:
				return concepts(b, vs, &v.ReasonCode)
			case 7:
				return array(b, vs, func(vs int) (int, bool) {
					v.BasedOn = append(v.BasedOn, Reference{})
					return reference(b, vs, &v.BasedOn[len(v.BasedOn)-1])
				}, func() { v.BasedOn = []Reference{} })
			case 8:
				return array(b, vs, func(vs int) (int, bool) {
					v.DosageInstruction = append(v.DosageInstruction, Dosage{})
					return dosage(b, vs, &v.DosageInstruction[len(v.DosageInstruction)-1])
				}, func() { v.DosageInstruction = []Dosage{} })
			case 9:
				return str(b, vs, &v.OccurrenceDateTime)
			case 10:
				v.OccurrencePeriod = new(Period)
				return period(b, vs, v.OccurrencePeriod)
			}
			return str(b, vs, &v.Start)
		})
	})
}

func concept(b []byte, i int, cc *CodeableConcept) (int, bool) {
	return object(b, i, []string{"coding", "text"}, func(k, vs int) (int, bool) {
		if k == 1 {
			return str(b, vs, &cc.Text)
		}
		return array(b, vs, func(vs int) (int, bool) {
			cc.Coding = append(cc.Coding, Coding{})
			c := &cc.Coding[len(cc.Coding)-1]
			return object(b, vs, []string{"system", "code", "display"}, func(k, vs int) (int, bool) {
				return str(b, vs, [...]*string{&c.System, &c.Code, &c.Display}[k])
			})
		}, func() { cc.Coding = []Coding{} })
	})
}

func concepts(b []byte, i int, ccs *[]CodeableConcept) (int, bool) {
	return array(b, i, func(vs int) (int, bool) {
		*ccs = append(*ccs, CodeableConcept{})
		return concept(b, vs, &(*ccs)[len(*ccs)-1])
	}, func() { *ccs = []CodeableConcept{} })
}

func reference(b []byte, i int, r *Reference) (int, bool) {
	return object(b, i, []string{"reference", "display"}, func(k, vs int) (int, bool) {
		return str(b, vs, [...]*string{&r.Reference, &r.Display}[k])
	})
}

func period(b []byte, i int, p *Period) (int, bool) {
	return object(b, i, []string{"start", "end"}, func(k, vs int) (int, bool) {
		return str(b, vs, [...]*string{&p.Start, &p.End}[k])
	})
}

func dosage(b []byte, i int, d *Dosage) (int, bool) {
	return object(b, i, []string{"text", "timing", "doseAndRate"}, func(k, vs int) (int, bool) {
		switch k {
		case 0:
			return str(b, vs, &d.Text)
		case 1:
			return object(b, vs, []string{"repeat"}, func(_, vs int) (int, bool) {
				d.Timing.Repeat = &struct {
					Frequency  *float64 `json:"frequency,omitempty"`
					Period     *float64 `json:"period,omitempty"`
					PeriodUnit string   `json:"periodUnit,omitempty"`
				}{}
				rp := d.Timing.Repeat
				return object(b, vs, []string{"frequency", "period", "periodUnit"}, func(k, vs int) (int, bool) {
					switch k {
					case 0:
						return number(b, vs, &rp.Frequency)
					case 1:
						return number(b, vs, &rp.Period)
					}
					return str(b, vs, &rp.PeriodUnit)
				})
			})
		}
		return array(b, vs, func(vs int) (int, bool) {
			d.DoseAndRate = append(d.DoseAndRate, struct {
				DoseQuantity *Quantity `json:"doseQuantity,omitempty"`
			}{})
			dr := &d.DoseAndRate[len(d.DoseAndRate)-1]
			return object(b, vs, []string{"doseQuantity"}, func(_, vs int) (int, bool) {
				dr.DoseQuantity = new(Quantity)
				return quantity(b, vs, dr.DoseQuantity)
			})
		}, func() {
			d.DoseAndRate = make([]struct {
				DoseQuantity *Quantity `json:"doseQuantity,omitempty"`
			}, 0)
		})
	})
}

func quantity(b []byte, i int, q *Quantity) (int, bool) {
	return object(b, i, []string{"value", "unit", "system", "code"}, func(k, vs int) (int, bool) {
		if k == 0 {
			return number(b, vs, &q.Value)
		}
		return str(b, vs, [...]*string{&q.Unit, &q.System, &q.Code}[k-1])
	})
}

// object decodes the object at b[i] (or null, which leaves everything as
// it is) as encoding/json decodes it into a struct whose JSON field names
// are names: set decodes the value at vs of field k. A key that is not a
// field is skipped; one given twice, or that matches a field only ignoring
// case, stops the fast path.
func object(b []byte, i int, names []string, set func(k, vs int) (int, bool)) (int, bool) {
	return objectNulls(b, i, names, 0, set)
}

// objectNulls is object where the fields whose bits are set in nulls
// decode null themselves (a json.RawMessage keeps it as "null").
func objectNulls(b []byte, i int, names []string, nulls uint32, set func(k, vs int) (int, bool)) (int, bool) {
	if end, ok := jsonscan.NullAt(b, i); ok {
		return end, true
	}
	var seen uint32
	return jsonscan.ObjectAt(b, i, func(key []byte, _, vs int) (int, bool) {
		for k, n := range names {
			if string(key) != n {
				continue
			}
			if seen&(1<<k) != 0 {
				return 0, false
			}
			seen |= 1 << k
			if end, ok := jsonscan.NullAt(b, vs); ok && nulls&(1<<k) == 0 {
				return end, true // null leaves the field as it is: unset
			}
			return set(k, vs)
		}
		if jsonscan.FoldsTo(key, names...) {
			return 0, false
		}
		return jsonscan.SkipValue(b, vs)
	})
}

// array decodes the array at b[i], calling elem for each element's start;
// empty is called for [] (encoding/json makes an empty, non-nil slice).
func array(b []byte, i int, elem func(vs int) (int, bool), empty func()) (int, bool) {
	if i >= len(b) || b[i] != '[' {
		return 0, false
	}
	i = jsonscan.SkipWS(b, i+1)
	if i < len(b) && b[i] == ']' {
		empty()
		return i + 1, true
	}
	for {
		end, ok := elem(i)
		if !ok {
			return 0, false
		}
		i = jsonscan.SkipWS(b, end)
		if i >= len(b) {
			return 0, false
		}
		if b[i] == ']' {
			return i + 1, true
		}
		if b[i] != ',' {
			return 0, false
		}
		i = jsonscan.SkipWS(b, i+1)
	}
}

// str decodes the string at b[i] into s.
func str(b []byte, i int, s *string) (int, bool) {
	if i >= len(b) || b[i] != '"' {
		return 0, false
	}
	end, ok := jsonscan.SkipString(b, i)
	if !ok {
		return 0, false
	}
	if v, ok := jsonscan.PlainString(b[i:end]); ok {
		*s = v
		return end, true
	}
	return end, json.Unmarshal(b[i:end], s) == nil // escapes, or bytes that are not UTF-8
}

// number decodes the number at b[i] into a new float64.
func number(b []byte, i int, f **float64) (int, bool) {
	if i >= len(b) || (b[i] != '-' && (b[i] < '0' || b[i] > '9')) {
		return 0, false
	}
	end, ok := jsonscan.SkipValue(b, i)
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseFloat(string(b[i:end]), 64)
	if err != nil {
		return 0, false // out of range: encoding/json words the error
	}
	*f = &v
	return end, true
}
