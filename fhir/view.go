package fhir

import (
	"encoding/json"
	"strings"
)

// The types below are read-only views of the few elements ketacover reads.
// They are decoded from JSON that Parse has already accepted as valid R4,
// and are never written back: anything echoed to a partner goes through
// google/fhir, so no element is lost (see codec.go).

// Coding is a FHIR Coding.
type Coding struct {
	System  string `json:"system,omitempty"`
	Code    string `json:"code,omitempty"`
	Display string `json:"display,omitempty"`
}

// CodeableConcept is a FHIR CodeableConcept.
type CodeableConcept struct {
	Coding []Coding `json:"coding,omitempty"`
	Text   string   `json:"text,omitempty"`
}

// Has reports whether cc has a coding with one of the systems and the code.
func (cc CodeableConcept) Has(code string, systems ...string) bool {
	for _, c := range cc.Coding {
		if c.Code == code && oneOf(c.System, systems...) {
			return true
		}
	}
	return false
}

// Words returns the concept's text and displays, lower case, for matching
// drug names.
func (cc CodeableConcept) Words() string {
	var b strings.Builder
	b.WriteString(cc.Text)
	for _, c := range cc.Coding {
		b.WriteString(" ")
		b.WriteString(c.Display)
	}
	return strings.ToLower(b.String())
}

// Reference is a FHIR Reference.
type Reference struct {
	Reference string `json:"reference,omitempty"`
	Display   string `json:"display,omitempty"`
}

// Period is a FHIR Period; dates keep their FHIR text form.
type Period struct {
	Start string `json:"start,omitempty"`
	End   string `json:"end,omitempty"`
}

// Quantity is a FHIR Quantity (also SimpleQuantity and Duration).
type Quantity struct {
	Value  *float64 `json:"value,omitempty"`
	Unit   string   `json:"unit,omitempty"`
	System string   `json:"system,omitempty"`
	Code   string   `json:"code,omitempty"`
}

// Identifier is a FHIR Identifier.
type Identifier struct {
	System string          `json:"system,omitempty"`
	Value  string          `json:"value,omitempty"`
	Type   CodeableConcept `json:"type,omitempty"`
}

// Address is a FHIR Address.
type Address struct {
	Use        string   `json:"use,omitempty"`
	Line       []string `json:"line,omitempty"`
	City       string   `json:"city,omitempty"`
	State      string   `json:"state,omitempty"`
	PostalCode string   `json:"postalCode,omitempty"`
	Period     *Period  `json:"period,omitempty"`
}

// HumanName is a FHIR HumanName.
type HumanName struct {
	Use    string   `json:"use,omitempty"`
	Text   string   `json:"text,omitempty"`
	Family string   `json:"family,omitempty"`
	Given  []string `json:"given,omitempty"`
	Period *Period  `json:"period,omitempty"`
}

// String returns the name as people write it.
func (n HumanName) String() string {
	if n.Text != "" {
		return n.Text
	}
	return strings.TrimSpace(strings.Join(append(append([]string{}, n.Given...), n.Family), " "))
}

// Patient is the part of a FHIR Patient ketacover reads.
type Patient struct {
	ID         string       `json:"id,omitempty"`
	BirthDate  string       `json:"birthDate,omitempty"`
	Gender     string       `json:"gender,omitempty"`
	Name       []HumanName  `json:"name,omitempty"`
	Address    []Address    `json:"address,omitempty"`
	Identifier []Identifier `json:"identifier,omitempty"`
}

// CoverageClass is one Coverage.class.
type CoverageClass struct {
	Type  CodeableConcept `json:"type"`
	Value string          `json:"value"`
	Name  string          `json:"name,omitempty"`
}

// Coverage is the part of a FHIR Coverage ketacover reads.
type Coverage struct {
	ID           string          `json:"id,omitempty"`
	Status       string          `json:"status,omitempty"`
	Type         CodeableConcept `json:"type,omitempty"`
	SubscriberID string          `json:"subscriberId,omitempty"`
	Identifier   []Identifier    `json:"identifier,omitempty"`
	Payor        []Reference     `json:"payor,omitempty"`
	Class        []CoverageClass `json:"class,omitempty"`
	Period       *Period         `json:"period,omitempty"`
}

// Condition is the part of a FHIR Condition ketacover reads.
type Condition struct {
	ID                 string          `json:"id,omitempty"`
	ClinicalStatus     CodeableConcept `json:"clinicalStatus,omitempty"`
	VerificationStatus CodeableConcept `json:"verificationStatus,omitempty"`
	Code               CodeableConcept `json:"code,omitempty"`
	OnsetDateTime      string          `json:"onsetDateTime,omitempty"`
	RecordedDate       string          `json:"recordedDate,omitempty"`
}

// Timing is the part of a FHIR Timing ketacover reads.
type Timing struct {
	Repeat *struct {
		Frequency  *float64 `json:"frequency,omitempty"`
		Period     *float64 `json:"period,omitempty"`
		PeriodUnit string   `json:"periodUnit,omitempty"`
	} `json:"repeat,omitempty"`
}

// Dosage is the part of a FHIR Dosage ketacover reads.
type Dosage struct {
	Text        string `json:"text,omitempty"`
	Timing      Timing `json:"timing,omitempty"`
	DoseAndRate []struct {
		DoseQuantity *Quantity `json:"doseQuantity,omitempty"`
	} `json:"doseAndRate,omitempty"`
}

// Medication use records (MedicationRequest and MedicationStatement) share
// these elements.
type medicationUse struct {
	ResourceType              string           `json:"resourceType"`
	ID                        string           `json:"id,omitempty"`
	Status                    string           `json:"status,omitempty"`
	StatusReason              json.RawMessage  `json:"statusReason,omitempty"` // CodeableConcept (request) or list (statement)
	MedicationCodeableConcept *CodeableConcept `json:"medicationCodeableConcept,omitempty"`
	MedicationReference       *Reference       `json:"medicationReference,omitempty"`
	AuthoredOn                string           `json:"authoredOn,omitempty"`
	DosageInstruction         []Dosage         `json:"dosageInstruction,omitempty"` // request
	Dosage                    []Dosage         `json:"dosage,omitempty"`            // statement
	EffectivePeriod           *Period          `json:"effectivePeriod,omitempty"`
	EffectiveDateTime         string           `json:"effectiveDateTime,omitempty"`
	DispenseRequest           *struct {
		ValidityPeriod         *Period   `json:"validityPeriod,omitempty"`
		NumberOfRepeatsAllowed *int      `json:"numberOfRepeatsAllowed,omitempty"`
		ExpectedSupplyDuration *Quantity `json:"expectedSupplyDuration,omitempty"`
	} `json:"dispenseRequest,omitempty"`
	ReasonCode []CodeableConcept `json:"reasonCode,omitempty"`
	Note       []struct {
		Text string `json:"text"`
	} `json:"note,omitempty"`
	// Order elements (a draft MedicationRequest is also an order).
	Subject   Reference `json:"subject,omitempty"`
	Requester Reference `json:"requester,omitempty"`

	// reasons is statusReasons(), decoded once when the record is read
	// (Record.add) rather than on every case built from it.
	reasons []CodeableConcept
}

// statusReasons returns the status reason concepts of either shape.
func (m *medicationUse) statusReasons() []CodeableConcept {
	if len(m.StatusReason) == 0 {
		return nil
	}
	var one CodeableConcept
	if json.Unmarshal(m.StatusReason, &one) == nil && (one.Text != "" || len(one.Coding) > 0) {
		return []CodeableConcept{one}
	}
	var many []CodeableConcept
	_ = json.Unmarshal(m.StatusReason, &many)
	return many
}

// Observation is the part of a FHIR Observation ketacover reads.
type Observation struct {
	ID                string          `json:"id,omitempty"`
	Status            string          `json:"status,omitempty"`
	Code              CodeableConcept `json:"code"`
	EffectiveDateTime string          `json:"effectiveDateTime,omitempty"`
	EffectivePeriod   *Period         `json:"effectivePeriod,omitempty"`
	Issued            string          `json:"issued,omitempty"`
	ValueQuantity     *Quantity       `json:"valueQuantity,omitempty"`
	ValueInteger      *int            `json:"valueInteger,omitempty"`
}

// Practitioner is the part of a FHIR Practitioner ketacover reads.
type Practitioner struct {
	ID         string       `json:"id,omitempty"`
	Name       []HumanName  `json:"name,omitempty"`
	Identifier []Identifier `json:"identifier,omitempty"`
}

// Organization is the part of a FHIR Organization ketacover reads.
type Organization struct {
	ID         string       `json:"id,omitempty"`
	Name       string       `json:"name,omitempty"`
	Identifier []Identifier `json:"identifier,omitempty"`
}

// Bundle is a FHIR Bundle with its entries left as raw JSON.
type Bundle struct {
	ResourceType string `json:"resourceType"`
	Type         string `json:"type,omitempty"`
	Entry        []struct {
		FullURL  string          `json:"fullUrl,omitempty"`
		Resource json.RawMessage `json:"resource,omitempty"`
	} `json:"entry,omitempty"`
}

func oneOf(s string, list ...string) bool {
	for _, x := range list {
		if s == x {
			return true
		}
	}
	return false
}
