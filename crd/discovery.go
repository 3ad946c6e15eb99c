package crd

import "github.com/ketacover/ketacover/fhir"

// Service IDs: the URL of each is {base}/cds-services/{id}.
const (
	ServiceOrderSign       = "ketacover-order-sign"
	ServiceOrderSelect     = "ketacover-order-select"
	ServiceAppointmentBook = "ketacover-appointment-book"
)

// prefetch is what the services read about the patient. Templates use only
// the tokens CDS Hooks 2.0 allows (root context fields and
// userPractitionerId); the order itself comes in the context. The
// serviceRequests template of appointment-book is the CRD guide's own
// (shared/samples/fhir/crd-discovery-services.json), to read the order an
// appointment is based on.
func prefetch(hook string) map[string]string {
	p := map[string]string{
		"patient":              "Patient/{{context.patientId}}",
		"coverage":             "Coverage?patient={{context.patientId}}&status=active",
		"conditions":           "Condition?patient={{context.patientId}}",
		"medicationRequests":   "MedicationRequest?patient={{context.patientId}}",
		"medicationStatements": "MedicationStatement?patient={{context.patientId}}",
		"observations":         "Observation?patient={{context.patientId}}&code=" + fhir.SystemLOINC + "|" + fhir.LOINCPHQ9,
		"practitioners":        "Practitioner?_id={{userPractitionerId}}",
	}
	if hook == HookAppointmentBook {
		p["serviceRequests"] = "ServiceRequest?_id={{context.appointments.entry.resource.basedOn.resolve().ofType(ServiceRequest).id}}"
	}
	return p
}

// crdExtension is the discovery extension of the CRD guide: the versions
// served and the configuration options a client may set (option text as in
// shared/samples/fhir/crd-discovery-services.json).
func crdExtension() map[string]any {
	return map[string]any{
		"davinci-crd.version": []string{"2.2"},
		"davinci-crd.configuration-options": []map[string]any{
			{"code": "coverage-info", "type": "boolean", "name": "Coverage Information", "description": "Information related to the patient's coverage, including whether a service is covered, requires prior authorization, is approved without seeking prior authorization, and/or requires additional documentation or data collection", "default": true},
			{"code": "max-cards", "type": "integer", "name": "Maximum cards", "description": "Indicates the maximum number of cards to be returned from the service.  The services will prioritize cards such as highest priority ones are delivered", "default": 10},
		},
	}
}

// Services is the discovery document's list.
func Services() []Service {
	desc := "Coverage requirements for IV ketamine and esketamine (Spravato) orders: whether the order is covered under the payer's published policy, whether prior authorization and documentation are needed, and the questions still to answer. Not medical or legal advice."
	return []Service{
		{Hook: HookOrderSign, ID: ServiceOrderSign, Title: "Ketamine and esketamine coverage at order signing", Description: desc, Prefetch: prefetch(HookOrderSign), Extension: crdExtension()},
		{Hook: HookOrderSelect, ID: ServiceOrderSelect, Title: "Ketamine and esketamine coverage at order selection", Description: desc, Prefetch: prefetch(HookOrderSelect), Extension: crdExtension()},
		{Hook: HookAppointmentBook, ID: ServiceAppointmentBook, Title: "Ketamine and esketamine coverage at appointment booking", Description: desc, Prefetch: prefetch(HookAppointmentBook), Extension: crdExtension()},
	}
}

func serviceHook(id string) (string, bool) {
	h, ok := serviceHooks[id]
	return h, ok
}

// serviceHooks maps each service ID to its hook, from Services once
// (building the discovery document on every call was a fiftieth of it).
var serviceHooks = func() map[string]string {
	m := map[string]string{}
	for _, s := range Services() {
		m[s.ID] = s.Hook
	}
	return m
}()
