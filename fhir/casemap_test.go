package fhir

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ketacover/ketacover"
)

func TestClassifyOrder(t *testing.T) {
	tests := []struct {
		name  string
		order string
		want  ketacover.Therapy
		codes []string
	}{
		{"esketamine by HCPCS (CRD spelling)", `{"resourceType":"ServiceRequest","id":"1","code":{"coding":[{"system":"https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets","code":"G2082"}]}}`, ketacover.TherapyEsketamine, []string{"G2082"}},
		{"esketamine by HCPCS (PAS spelling)", `{"resourceType":"ServiceRequest","id":"1","code":{"coding":[{"system":"http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets","code":"J0013"}]}}`, ketacover.TherapyEsketamine, []string{"J0013"}},
		{"esketamine by RxNorm", `{"resourceType":"MedicationRequest","id":"1","medicationCodeableConcept":{"coding":[{"system":"http://www.nlm.nih.gov/research/umls/rxnorm","code":"2201625"}]}}`, ketacover.TherapyEsketamine, nil},
		{"Spravato by name", `{"resourceType":"MedicationRequest","id":"1","medicationCodeableConcept":{"text":"SPRAVATO 56 mg dose kit"}}`, ketacover.TherapyEsketamine, nil},
		{"ketamine infusion", `{"resourceType":"ServiceRequest","id":"1","code":{"coding":[{"system":"http://www.ama-assn.org/go/cpt","code":"96365"}],"text":"Ketamine IV infusion"}}`, ketacover.TherapyKetamineIV, []string{"96365"}},
		{"infusion of something else", `{"resourceType":"ServiceRequest","id":"1","code":{"coding":[{"system":"http://www.ama-assn.org/go/cpt","code":"96365"}],"text":"Iron infusion"}}`, "", nil},
		{"unclassified drug alone", `{"resourceType":"ServiceRequest","id":"1","code":{"coding":[{"system":"https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets","code":"J3490"}]}}`, "", nil},
		{"appointment for esketamine", `{"resourceType":"Appointment","id":"a","serviceType":[{"coding":[{"system":"https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets","code":"G2083"}]}]}`, ketacover.TherapyEsketamine, []string{"G2083"}},
		{"device request", `{"resourceType":"DeviceRequest","id":"d"}`, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := ClassifyOrder(json.RawMessage(tt.order))
			if err != nil {
				t.Fatal(err)
			}
			var got ketacover.Therapy
			var codes []string
			if o != nil {
				got = o.Therapy
				for _, c := range o.Codes {
					codes = append(codes, c.Code)
				}
			}
			if got != tt.want || !cmp.Equal(codes, tt.codes) {
				t.Errorf("got %q %v, want %q %v", got, codes, tt.want, tt.codes)
			}
		})
	}
}

func TestRecordCase(t *testing.T) {
	rec := testRecord(t)
	o, err := ClassifyOrder(json.RawMessage(`{"resourceType":"MedicationRequest","id":"x","status":"draft","intent":"order","medicationCodeableConcept":{"text":"Spravato"},"subject":{"reference":"Patient/p1"},"dosageInstruction":[{"doseAndRate":[{"doseQuantity":{"value":84,"unit":"mg"}}]}]}`))
	if err != nil || o == nil {
		t.Fatal(o, err)
	}
	rec.Order = o
	c, _ := rec.Case(ketacover.MustDate("2026-12-01"))
	bd, yes, dose := ketacover.MustDate("1985-04-12"), true, 84.0
	w1, d1, w2 := 10.0, 150.0, 8.0
	want := &ketacover.Case{
		ID:      "fhir-patient-p1",
		Patient: ketacover.Patient{Name: "Dana Whitfield", BirthDate: &bd, Sex: "female", State: "OK", ZIP: "73102"},
		Plan:    ketacover.Plan{Payer: "Blue Cross and Blue Shield of Oklahoma", Name: "Gold PPO", MemberID: "MB77", GroupNumber: "G5"},
		Therapy: ketacover.TherapyRequest{Drug: ketacover.TherapyEsketamine, Indication: ketacover.IndicationMDSI, DoseMg: &dose},
		History: ketacover.History{
			Diagnoses: []ketacover.Diagnosis{{Code: "F33.2"}, {Code: "R45.851"}},
			Trials: []ketacover.Trial{
				{Drug: "sertraline", Class: "ssri", Role: "antidepressant", DoseMg: &d1, Weeks: &w1, Outcome: "no-response", Start: date("2026-01-05"), End: date("2026-03-16")},
				{Drug: "aripiprazole", Class: "atypical-antipsychotic", Role: "augmentation", Weeks: &w2, Start: date("2026-04-01"), End: date("2026-05-27")},
			},
			Scores:      []ketacover.Score{{Scale: "PHQ-9", Value: 21, Date: ketacover.MustDate("2026-11-18")}},
			Suicidality: ketacover.Suicidality{Ideation: &yes},
		},
	}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("case (-want +got):\n%s", diff)
	}
}

// TestCaseBaseFor: the cases of two orders built on one CaseBase are the
// cases Record.Case builds for each, and building the second changes
// nothing of the first (the order's reasons extend only its own case's
// diagnoses).
func TestCaseBaseFor(t *testing.T) {
	rec := testRecord(t)
	esk, err := ClassifyOrder(json.RawMessage(`{"resourceType":"MedicationRequest","id":"a","status":"draft","intent":"order","medicationCodeableConcept":{"text":"Spravato"},"reasonCode":[{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"F32.3"}]}],"subject":{"reference":"Patient/p1"}}`))
	if err != nil || esk == nil {
		t.Fatal(esk, err)
	}
	ket, err := ClassifyOrder(json.RawMessage(`{"resourceType":"ServiceRequest","id":"b","status":"draft","intent":"order","code":{"coding":[{"system":"http://www.ama-assn.org/go/cpt","code":"96365"}],"text":"Ketamine IV infusion"},"reasonCode":[{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"F32.2"}]}],"subject":{"reference":"Patient/p1"}}`))
	if err != nil || ket == nil {
		t.Fatal(ket, err)
	}
	asOf := ketacover.MustDate("2026-12-01")
	base := rec.Base(asOf)
	// Room after the base's diagnoses, which an append must not write in.
	base.c.History.Diagnoses = slices.Grow(base.c.History.Diagnoses, 4)
	a, _ := base.For(esk)
	before, _ := json.Marshal(a)
	b, _ := base.For(ket)
	if after, _ := json.Marshal(a); string(after) != string(before) {
		t.Errorf("building the second order's case changed the first:\nbefore %s\nafter  %s", before, after)
	}
	for _, tc := range []struct {
		o   *Order
		got *ketacover.Case
	}{{esk, a}, {ket, b}} {
		rec.Order = tc.o
		want, _ := rec.Case(asOf)
		if diff := cmp.Diff(want, tc.got); diff != "" {
			t.Errorf("order %s: For differs from Record.Case (-Case +For):\n%s", tc.o.ID, diff)
		}
	}
	if n := len(b.History.Diagnoses); n != 3 || b.History.Diagnoses[2].Code != "F32.2" || len(a.History.Diagnoses) != 3 || a.History.Diagnoses[2].Code != "F32.3" {
		t.Errorf("diagnoses: esketamine %v, ketamine %v; want each order's reason on its own case alone", a.History.Diagnoses, b.History.Diagnoses)
	}
	if b.Therapy.Indication != ketacover.IndicationTRD || a.Therapy.Indication != ketacover.IndicationMDSI {
		t.Errorf("indications %s and %s, want mdsi for esketamine with suicidal ideation and trd for IV ketamine", a.Therapy.Indication, b.Therapy.Indication)
	}
}

// testRecord is a patient's record with coverage, conditions (one
// resolved, one of suicidal ideation), medications and PHQ-9 scores.
func testRecord(t *testing.T) *Record {
	t.Helper()
	rec := &Record{}
	for _, r := range []string{
		`{"resourceType":"Patient","id":"p1","gender":"female","birthDate":"1985-04-12","name":[{"use":"old","family":"Old"},{"given":["Dana"],"family":"Whitfield"}],"address":[{"use":"old","state":"TX"},{"state":"ok","postalCode":"73102-1234"}]}`,
		`{"resourceType":"Bundle","type":"searchset","entry":[{"resource":{"resourceType":"Coverage","id":"c1","status":"active","beneficiary":{"reference":"Patient/p1"},"subscriberId":"SUB1","identifier":[{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"MB"}]},"value":"MB77"}],"payor":[{"reference":"Organization/o1"}],"class":[{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/coverage-class","code":"group"}]},"value":"G5"},{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/coverage-class","code":"plan"}]},"value":"gold","name":"Gold PPO"}]}}]}`,
		`{"resourceType":"Organization","id":"o1","name":"Blue Cross and Blue Shield of Oklahoma"}`,
		`{"resourceType":"Condition","id":"d1","subject":{"reference":"Patient/p1"},"code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"F33.2"}]}}`,
		`{"resourceType":"Condition","id":"d2","subject":{"reference":"Patient/p1"},"clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"resolved"}]},"code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"F41.1"}]}}`,
		`{"resourceType":"Condition","id":"d3","subject":{"reference":"Patient/p1"},"code":{"coding":[{"system":"http://hl7.org/fhir/sid/icd-10-cm","code":"R45.851"}]}}`,
		`{"resourceType":"MedicationStatement","id":"m1","status":"completed","statusReason":[{"text":"No response"}],"medicationCodeableConcept":{"text":"Sertraline 100 MG Oral Tablet"},"subject":{"reference":"Patient/p1"},"effectivePeriod":{"start":"2026-01-05","end":"2026-03-16"},"dosage":[{"timing":{"repeat":{"frequency":2,"period":1,"periodUnit":"d"}},"doseAndRate":[{"doseQuantity":{"value":75,"unit":"mg"}}]}]}`,
		`{"resourceType":"MedicationRequest","id":"m2","status":"active","intent":"order","medicationCodeableConcept":{"text":"aripiprazole 5 mg"},"subject":{"reference":"Patient/p1"},"dispenseRequest":{"validityPeriod":{"start":"2026-04-01","end":"2026-05-27"}}}`,
		`{"resourceType":"MedicationStatement","id":"m3","status":"completed","medicationCodeableConcept":{"text":"atorvastatin 20 mg"},"subject":{"reference":"Patient/p1"}}`,
		`{"resourceType":"Observation","id":"o1","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"44261-6"}]},"effectiveDateTime":"2026-11-18T10:00:00-06:00","valueQuantity":{"value":21}}`,
		`{"resourceType":"Observation","id":"o2","status":"preliminary","code":{"coding":[{"system":"http://loinc.org","code":"44261-6"}]},"effectiveDateTime":"2026-11-19","valueInteger":5}`,
	} {
		if err := rec.Add(json.RawMessage(r)); err != nil {
			t.Fatalf("%v: %s", err, r)
		}
	}
	return rec
}

func TestResourceType(t *testing.T) {
	for in, want := range map[string]string{
		`{"resourceType":"Patient","id":"1"}`:                                           "Patient",
		` { "id" : "x", "meta": {"resourceType":"Nope"}, "resourceType" : "Coverage" }`: "Coverage",
		`{"text":{"div":"\"resourceType\":\"Bad\""},"resourceType":"Observation"}`:      "Observation",
		`{"contained":[{"resourceType":"Organization"}]}`:                               "",
		`[{"resourceType":"Patient"}]`:                                                  "",
		`{"resourceType":12}`:                                                           "",
		`not json`:                                                                      "",
	} {
		if got := ResourceType([]byte(in)); got != want {
			t.Errorf("ResourceType(%s) = %q, want %q", in, got, want)
		}
	}
}
