// Package trials reads ClinicalTrials.gov API v2 study records — fetched from
// the API or imported from a file a user downloaded — and searches them by
// condition, intervention, status, age and distance from a US ZIP code.
package trials

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/ketacover/ketacover"
)

// Study is the part of a ClinicalTrials.gov v2 study record that ketacover
// uses. Field names follow the v2 JSON (protocolSection.…); unknown fields
// are ignored, and Raw keeps the record as it came.
type Study struct {
	Protocol Protocol        `json:"protocolSection"`
	Derived  *Derived        `json:"derivedSection,omitempty"`
	Results  bool            `json:"hasResults,omitempty"`
	Raw      json.RawMessage `json:"-"`
}

// NCTID returns the study's NCT number.
func (s *Study) NCTID() string { return s.Protocol.Identification.NCTID }

// Protocol is protocolSection.
type Protocol struct {
	Identification struct {
		NCTID         string `json:"nctId"`
		BriefTitle    string `json:"briefTitle,omitempty"`
		OfficialTitle string `json:"officialTitle,omitempty"`
	} `json:"identificationModule"`
	Status struct {
		OverallStatus  Status     `json:"overallStatus,omitempty"`
		StartDate      DateStruct `json:"startDateStruct,omitzero"`
		LastUpdatePost DateStruct `json:"lastUpdatePostDateStruct,omitzero"`
	} `json:"statusModule,omitzero"`
	Sponsors struct {
		LeadSponsor struct {
			Name string `json:"name,omitempty"`
		} `json:"leadSponsor,omitzero"`
	} `json:"sponsorCollaboratorsModule,omitzero"`
	Conditions struct {
		Conditions []string `json:"conditions,omitempty"`
		Keywords   []string `json:"keywords,omitempty"`
	} `json:"conditionsModule,omitzero"`
	Design struct {
		StudyType  string   `json:"studyType,omitempty"`
		Phases     []string `json:"phases,omitempty"`
		Enrollment struct {
			Count int `json:"count,omitempty"`
		} `json:"enrollmentInfo,omitzero"`
	} `json:"designModule,omitzero"`
	ArmsInterventions struct {
		Interventions []Intervention `json:"interventions,omitempty"`
	} `json:"armsInterventionsModule,omitzero"`
	Eligibility struct {
		Criteria          string   `json:"eligibilityCriteria,omitempty"`
		HealthyVolunteers bool     `json:"healthyVolunteers,omitempty"`
		Sex               string   `json:"sex,omitempty"`
		MinimumAge        string   `json:"minimumAge,omitempty"`
		MaximumAge        string   `json:"maximumAge,omitempty"`
		StdAges           []string `json:"stdAges,omitempty"`
	} `json:"eligibilityModule,omitzero"`
	ContactsLocations struct {
		CentralContacts []Contact  `json:"centralContacts,omitempty"`
		Locations       []Location `json:"locations,omitempty"`
	} `json:"contactsLocationsModule,omitzero"`
}

// DateStruct is a v2 partial date ("2025-03" or "2025-03-14").
type DateStruct struct {
	Date string `json:"date,omitempty"`
	Type string `json:"type,omitempty"`
}

// Intervention is one intervention of a study.
type Intervention struct {
	Type        string   `json:"type,omitempty"` // DRUG, BEHAVIORAL, DEVICE, …
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	OtherNames  []string `json:"otherNames,omitempty"`
}

// Contact is a study or site contact.
type Contact struct {
	Name  string `json:"name,omitempty"`
	Role  string `json:"role,omitempty"`
	Phone string `json:"phone,omitempty"`
	Email string `json:"email,omitempty"`
}

// Location is a study site.
type Location struct {
	Facility string    `json:"facility,omitempty"`
	Status   Status    `json:"status,omitempty"`
	City     string    `json:"city,omitempty"`
	State    string    `json:"state,omitempty"`
	Zip      string    `json:"zip,omitempty"`
	Country  string    `json:"country,omitempty"`
	Contacts []Contact `json:"contacts,omitempty"`
	GeoPoint *GeoPoint `json:"geoPoint,omitempty"`
}

// GeoPoint is a site's coordinates.
type GeoPoint struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// Derived is derivedSection; only the condition MeSH terms are used.
type Derived struct {
	ConditionBrowse struct {
		Meshes []struct {
			ID   string `json:"id,omitempty"`
			Term string `json:"term"`
		} `json:"meshes,omitempty"`
	} `json:"conditionBrowseModule,omitzero"`
}

// Status is a study's or site's recruitment status.
type Status string

// The v2 recruitment statuses (reference §6).
const (
	Recruiting            Status = "RECRUITING"
	NotYetRecruiting      Status = "NOT_YET_RECRUITING"
	ActiveNotRecruiting   Status = "ACTIVE_NOT_RECRUITING"
	EnrollingByInvitation Status = "ENROLLING_BY_INVITATION"
	Completed             Status = "COMPLETED"
	Suspended             Status = "SUSPENDED"
	Terminated            Status = "TERMINATED"
	Withdrawn             Status = "WITHDRAWN"
	StatusUnknown         Status = "UNKNOWN"
)

// Open lists the statuses in which a study may take new participants.
var Open = []Status{Recruiting, NotYetRecruiting, EnrollingByInvitation}

var (
	nctPattern    = regexp.MustCompile(`^NCT[0-9]{8}$`)
	statusPattern = regexp.MustCompile(`^[A-Z][A-Z_]*$`)
	agePattern    = regexp.MustCompile(`^([0-9]{1,4}) +(Year|Month|Week|Day|Hour|Minute)s?$`)
)

// ParseAge parses a v2 age limit such as "18 Years" or "6 Months" into days
// (years of 365.25 days, months of 30.4375). An empty string or "N/A" means
// no limit and returns -1.
func ParseAge(s string) (float64, error) {
	t := strings.TrimSpace(s)
	if t == "" || strings.EqualFold(t, "N/A") {
		return -1, nil
	}
	m := agePattern.FindStringSubmatch(t)
	if m == nil {
		return 0, fmt.Errorf("want an age such as \"18 Years\" or \"6 Months\", got %q", s)
	}
	n, _ := strconv.Atoi(m[1])
	per := map[string]float64{"Year": 365.25, "Month": 30.4375, "Week": 7, "Day": 1, "Hour": 1.0 / 24, "Minute": 1.0 / 1440}[m[2]]
	return float64(n) * per, nil
}

// Import reads study records from a file a user downloaded or a saved API
// response: a v2 response page ({"studies": [...]}), a JSON array of
// study records, or one study record. name is used in errors, which name the
// record (its index and NCT number) and the field at fault. Records are
// checked: an NCT number is required; status, age limits and site
// coordinates must be well formed; an NCT number may appear once.
func Import(name string, data []byte) ([]Study, error) {
	raws, err := records(name, data)
	if err != nil {
		return nil, err
	}
	out := make([]Study, 0, len(raws))
	seen := map[string]int{}
	for i, raw := range raws {
		s, err := decodeStudy(raw)
		if err != nil {
			return nil, ketacover.Errorf(ketacover.EINVALID, "%s: record %d%s: %s", name, i+1, idOf(raw), err)
		}
		id := s.NCTID()
		if j, ok := seen[id]; ok {
			return nil, ketacover.Errorf(ketacover.EINVALID, "%s: record %d (%s): protocolSection.identificationModule.nctId: duplicate of record %d", name, i+1, id, j+1)
		}
		seen[id] = i
		out = append(out, s)
	}
	return out, nil
}

// records splits data into raw study records.
func records(name string, data []byte) ([]json.RawMessage, error) {
	t := bytes.TrimSpace(data)
	t = bytes.TrimPrefix(t, []byte("\ufeff"))
	if len(t) == 0 {
		return nil, ketacover.Errorf(ketacover.EINVALID, "%s: empty file; want ClinicalTrials.gov v2 study JSON", name)
	}
	// Syntax errors are reported with their byte offset by whichever
	// Unmarshal below meets them first.
	syntax := func(err error) error {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return ketacover.Errorf(ketacover.EINVALID, "%s: byte %d: not valid JSON: %v", name, se.Offset, err)
		}
		return nil
	}
	switch t[0] {
	case '[':
		var raws []json.RawMessage
		if err := json.Unmarshal(t, &raws); err != nil {
			if e := syntax(err); e != nil {
				return nil, e
			}
			return nil, ketacover.Errorf(ketacover.EINVALID, "%s: %v", name, err)
		}
		return raws, nil
	case '{':
		var top map[string]json.RawMessage
		if err := json.Unmarshal(t, &top); err != nil {
			if e := syntax(err); e != nil {
				return nil, e
			}
			return nil, ketacover.Errorf(ketacover.EINVALID, "%s: %v", name, err)
		}
		if st, ok := top["studies"]; ok {
			var raws []json.RawMessage
			if err := json.Unmarshal(st, &raws); err != nil {
				return nil, ketacover.Errorf(ketacover.EINVALID, "%s: studies: want an array of study records", name)
			}
			return raws, nil
		}
		if _, ok := top["protocolSection"]; ok {
			return []json.RawMessage{t}, nil
		}
		return nil, ketacover.Errorf(ketacover.EINVALID, "%s: want a v2 response ({\"studies\": [...]}), an array of study records or one study record with protocolSection", name)
	}
	var v any
	if e := syntax(json.Unmarshal(t, &v)); e != nil {
		return nil, e
	}
	return nil, ketacover.Errorf(ketacover.EINVALID, "%s: want a JSON object or array of ClinicalTrials.gov v2 study records", name)
}

// idOf returns " (NCT…)" when the raw record has a readable NCT number.
func idOf(raw json.RawMessage) string {
	var v struct {
		P struct {
			I struct {
				N any `json:"nctId"`
			} `json:"identificationModule"`
		} `json:"protocolSection"`
	}
	if json.Unmarshal(raw, &v) == nil {
		if s, ok := v.P.I.N.(string); ok && s != "" && len(s) <= 20 {
			return fmt.Sprintf(" (%s)", s)
		}
	}
	return ""
}

func decodeStudy(raw json.RawMessage) (Study, error) {
	var s Study
	if len(bytes.TrimSpace(raw)) == 0 || raw[0] != '{' {
		return s, fmt.Errorf("want a study record object")
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return s, fmt.Errorf("%s: want %s, got JSON %s", te.Field, te.Type, te.Value)
		}
		return s, err
	}
	s.Raw = append(json.RawMessage(nil), raw...)
	p := &s.Protocol
	const id = "protocolSection.identificationModule.nctId"
	if p.Identification.NCTID == "" {
		return s, fmt.Errorf("%s: missing; every record needs its NCT number", id)
	}
	if !nctPattern.MatchString(p.Identification.NCTID) {
		return s, fmt.Errorf("%s: want \"NCT\" and 8 digits, got %q", id, p.Identification.NCTID)
	}
	if st := p.Status.OverallStatus; st != "" && !statusPattern.MatchString(string(st)) {
		return s, fmt.Errorf("protocolSection.statusModule.overallStatus: want a status such as RECRUITING, got %q", st)
	}
	for _, a := range []struct{ field, v string }{{"minimumAge", p.Eligibility.MinimumAge}, {"maximumAge", p.Eligibility.MaximumAge}} {
		if _, err := ParseAge(a.v); err != nil {
			return s, fmt.Errorf("protocolSection.eligibilityModule.%s: %v", a.field, err)
		}
	}
	for i, l := range p.ContactsLocations.Locations {
		at := fmt.Sprintf("protocolSection.contactsLocationsModule.locations[%d]", i)
		if l.Status != "" && !statusPattern.MatchString(string(l.Status)) {
			return s, fmt.Errorf("%s.status: want a status such as RECRUITING, got %q", at, l.Status)
		}
		if g := l.GeoPoint; g != nil && (g.Lat < -90 || g.Lat > 90 || g.Lon < -180 || g.Lon > 180) {
			return s, fmt.Errorf("%s.geoPoint: want lat −90…90 and lon −180…180, got %v, %v", at, g.Lat, g.Lon)
		}
	}
	for i, iv := range p.ArmsInterventions.Interventions {
		if strings.TrimSpace(iv.Name) == "" {
			return s, fmt.Errorf("protocolSection.armsInterventionsModule.interventions[%d].name: missing", i)
		}
	}
	return s, nil
}

// Export writes studies as a v2 response page ({"studies": [...]}) that
// Import reads back: each record as it came (Raw) when known, else as
// marshalled from its fields.
func Export(studies []Study) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("{\"studies\":[")
	for i, s := range studies {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
		raw := s.Raw
		if len(raw) == 0 {
			var err error
			if raw, err = json.Marshal(s); err != nil {
				return nil, fmt.Errorf("export %s: %w", s.NCTID(), err)
			}
		}
		if err := json.Compact(&b, raw); err != nil {
			return nil, fmt.Errorf("export %s: %w", s.NCTID(), err)
		}
	}
	b.WriteString("\n]}\n")
	return b.Bytes(), nil
}
