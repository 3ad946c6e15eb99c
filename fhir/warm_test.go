package fhir

import (
	"slices"
	"testing"
)

// TestWarm: the warm-up bundle is valid FHIR R4 as Parse reads it, holds a
// resource of every type Record reads (and the orders and appointments the
// hooks carry), and warming leaves the caches empty, so that nothing of it
// can stand in for a real resource.
func TestWarm(t *testing.T) {
	ForgetChecked()
	if err := Warm(); err != nil {
		t.Fatal(err)
	}
	if nc, nf := checked.len(), filed.len(); nc != 0 || nf != 0 {
		t.Errorf("after Warm: %d checked and %d filed entries, want none", nc, nf)
	}
	got := WarmedTypes()
	for _, rt := range []string{"Appointment", "Condition", "Coverage", "Encounter", "Location", "MedicationRequest",
		"MedicationStatement", "Observation", "Organization", "Patient", "Practitioner", "PractitionerRole", "ServiceRequest"} {
		if !slices.Contains(got, rt) {
			t.Errorf("warm-up bundle has no %s (has %v)", rt, got)
		}
	}
}
