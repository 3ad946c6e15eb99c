package ketacover

// PlanType is the legal regime of a health plan. It decides which appeal
// rules and deadlines apply, so it is never guessed from the payer's name.
type PlanType string

// The plan types ketacover knows.
const (
	PlanERISASelfFunded   PlanType = "erisa-self-funded"      // employer self-funded plan under ERISA
	PlanGroupFullyInsured PlanType = "group-fully-insured"    // insured group plan (ACA and ERISA, state-regulated insurer)
	PlanIndividual        PlanType = "individual"             // ACA individual market plan
	PlanMedicareFFS       PlanType = "medicare-ffs"           // Original Medicare, Parts A and B
	PlanMedicareAdvantage PlanType = "medicare-advantage"     // Medicare Part C
	PlanMedicarePartD     PlanType = "medicare-part-d"        // Medicare prescription drug plan
	PlanMedicaidFFS       PlanType = "medicaid-ffs"           // Medicaid fee-for-service
	PlanMedicaidManaged   PlanType = "medicaid-managed"       // Medicaid managed care organization
	PlanTRICARE           PlanType = "tricare"                // military health system
	PlanFEHB              PlanType = "fehb"                   // Federal Employees Health Benefits
	PlanVA                PlanType = "va"                     // Veterans Health Administration
	PlanGovernmentNonFed  PlanType = "non-federal-government" // state and local government employer plans (PHS Act, not ERISA)
)

// PlanTypes lists every PlanType in a stable order.
var PlanTypes = []PlanType{
	PlanERISASelfFunded, PlanGroupFullyInsured, PlanIndividual,
	PlanMedicareFFS, PlanMedicareAdvantage, PlanMedicarePartD,
	PlanMedicaidFFS, PlanMedicaidManaged, PlanTRICARE, PlanFEHB, PlanVA,
	PlanGovernmentNonFed,
}

// Valid reports whether t is a known plan type.
func (t PlanType) Valid() bool {
	for _, p := range PlanTypes {
		if p == t {
			return true
		}
	}
	return false
}

// LineOfBusiness groups plan types the way payers publish policies: one
// commercial policy, one Medicare policy, one Medicaid policy.
func (t PlanType) LineOfBusiness() string {
	switch t {
	case PlanERISASelfFunded, PlanGroupFullyInsured, PlanIndividual, PlanGovernmentNonFed, PlanFEHB:
		return "commercial"
	case PlanMedicareFFS, PlanMedicareAdvantage, PlanMedicarePartD:
		return "medicare"
	case PlanMedicaidFFS, PlanMedicaidManaged:
		return "medicaid"
	case PlanTRICARE:
		return "tricare"
	case PlanVA:
		return "va"
	}
	return ""
}

// Therapy is a treatment ketacover seeks coverage for.
type Therapy string

// The therapies. IV ketamine is FDA-approved only as an anesthetic; its use
// for depression is off-label. Esketamine (Spravato) is FDA-approved for
// treatment-resistant depression and for depressive symptoms in MDD with
// acute suicidal ideation or behavior.
const (
	TherapyKetamineIV Therapy = "ketamine-iv"
	TherapyEsketamine Therapy = "esketamine"
)

// Indication is what the therapy is requested for.
type Indication string

// The indications policies distinguish.
const (
	IndicationTRD  Indication = "trd"  // treatment-resistant depression
	IndicationMDSI Indication = "mdsi" // MDD with acute suicidal ideation or behavior
)
