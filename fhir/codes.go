package fhir

import "github.com/ketacover/ketacover"

// Code systems. Each URL is one the HL7 guides or their examples use; the
// source is named next to it. ketacover emits only these.
const (
	// SystemICD10CM is ICD-10-CM (shared/samples/fhir/crd-order-sign-request.json,
	// pas-request-bundle.json).
	SystemICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
	// SystemCPT is CPT (shared/samples/fhir/crd-order-sign-request.json).
	SystemCPT = "http://www.ama-assn.org/go/cpt"
	// SystemHCPCS is HCPCS Level II as the CRD guide spells it (CRD
	// aliases.fsh; shared/reference/standards.md §1.1 "HCPCS system URI
	// mismatch").
	SystemHCPCS = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
	// systemHCPCSPAS is the http:// spelling the PAS examples use; read,
	// never written (standards.md §1.1: accept both).
	systemHCPCSPAS = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
	// SystemLOINC is LOINC (shared/samples/fhir/dtr-questionnaire-package-input-params.json).
	SystemLOINC = "http://loinc.org"
	// systemRxNorm is RxNorm as FHIR R4 names it
	// (https://hl7.org/fhir/R4/rxnorm.html). It is read from EHR orders and
	// medication lists but never written: no guide or sample in
	// shared/reference uses it.
	systemRxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm"
	// SystemNPI is the US National Provider Identifier
	// (shared/samples/fhir/pas-request-bundle.json).
	SystemNPI = "http://hl7.org/fhir/sid/us-npi"
	// systemV20203 is HL7 v2 table 0203, identifier types (MB = member
	// number) (shared/samples/fhir/crd-order-sign-request.json).
	systemV20203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
	// systemCoverageClass is the coverage class code system (group, plan)
	// (shared/samples/fhir/crd-order-sign-request.json).
	systemCoverageClass = "http://terminology.hl7.org/CodeSystem/coverage-class"
)

var hcpcsSystems = []string{SystemHCPCS, systemHCPCSPAS}

// billingCode is a procedure or drug code that identifies a therapy.
type billingCode struct {
	System  string
	Code    string
	Display string
	Therapy ketacover.Therapy
}

// therapyCodes are the CPT and HCPCS codes of the two therapies, from
// shared/reference/payer-policies.md §3 "Codes" (G2082/G2083 bundle
// esketamine, visit and 2-hour observation; J0013 replaced S0013 for
// esketamine 1 mg on 2026-01-01; IV ketamine bills an infusion CPT code plus
// the unclassified drug code J3490) and cost-and-payment.md §"Billing".
// The infusion and unclassified-drug codes are not specific to ketamine, so
// an order carrying them counts as IV ketamine only when it also names
// ketamine (see classify).
var therapyCodes = []billingCode{
	{SystemHCPCS, "G2082", "Esketamine nasal self-administration up to 56 mg with 2 hours observation", ketacover.TherapyEsketamine},
	{SystemHCPCS, "G2083", "Esketamine nasal self-administration over 56 mg with 2 hours observation", ketacover.TherapyEsketamine},
	{SystemHCPCS, "J0013", "Esketamine, nasal spray, 1 mg", ketacover.TherapyEsketamine},
	{SystemHCPCS, "S0013", "Esketamine, nasal spray, 1 mg", ketacover.TherapyEsketamine},
	{SystemCPT, "96365", "Intravenous infusion, initial, up to 1 hour", ketacover.TherapyKetamineIV},
	{SystemCPT, "96366", "Intravenous infusion, each additional hour", ketacover.TherapyKetamineIV},
	{SystemHCPCS, "J3490", "Unclassified drugs", ketacover.TherapyKetamineIV},
}

// esketamineRxNorm are RxNorm concepts for esketamine nasal spray:
// 2201623 "esketamine Nasal Spray" (SCDF) and 2201625 "esketamine Nasal
// Spray [Spravato]" (SBDF) (https://ndclist.com/rxnorm/rxcui/2201623,
// https://ndclist.com/rxnorm/rxcui/2201625, RxNorm release of 2026-05-04).
// No RxNorm code for ketamine could be sourced; a ketamine order is
// recognised by its name.
var esketamineRxNorm = []string{"2201623", "2201625"}

// LOINCPHQ9 is the LOINC code of the PHQ-9 total score
// (https://loinc.org/44261-6, "Patient Health Questionnaire 9 item (PHQ-9)
// total score [Reported]"). No LOINC code for the MADRS total could be
// sourced, so MADRS Observations are not read; the DTR questionnaire asks for
// the score instead.
const LOINCPHQ9 = "44261-6"

// icdSuicidalIdeation is ICD-10-CM R45.851 "Suicidal ideations"
// (shared/reference/payer-policies.md §3, ICD-10-CM table: "useful for MDSI
// modelling").
const icdSuicidalIdeation = "R45.851"
