package cost

import (
	"fmt"
	"strings"

	"github.com/ketacover/ketacover"
)

// WithMe holds the terms of the SPRAVATO withMe savings programme as the
// sources in reference §3 give them. Figures the sources do not give (the
// current annual maximum, the observation rebate's limit) are not invented:
// the drug cap is the older Janssen CarePath figure, marked as such.
var WithMe = struct {
	DrugCopay         ketacover.Cents // what a commercially insured patient pays per treatment for the medication
	DrugAnnualCap     ketacover.Cents // maximum programme benefit per calendar year (older CarePath wording)
	DrugAnnualCapNote string          //
	ObservationStates []string        // residents of these states cannot use the observation rebate
	Source            string
	ObservationSource string
	ExcludedCoverage  string
	JJPAFNote         string
}{
	DrugCopay:         ketacover.Dollars(10),
	DrugAnnualCap:     ketacover.Dollars(7150),
	DrugAnnualCapNote: "the $7,150 yearly maximum is from older Janssen CarePath pages; the current withMe page mentions a yearly maximum without the figure — confirm with the programme",
	ObservationStates: []string{"MA", "MI", "MN", "RI"},
	Source:            "SPRAVATO withMe Savings Program, spravatohcp.com patient support; Janssen CarePath HCP affordability page (older)",
	ObservationSource: "spravatohcp.com: commercially insured patients may pay as little as $0 after rebate for observation of each treatment, up to an annual limit not stated in the copy reviewed; not valid for residents of MA, MI, MN, RI",
	ExcludedCoverage:  "Medicare, Medicaid, TRICARE, DoD, VA and any government-subsidised coverage",
	JJPAFNote:         "The Johnson & Johnson Patient Assistance Foundation (jjpaf.org, 800-652-6227) gives donated J&J medicines to eligible patients without insurance or whose insurance does not cover the medicine, within product-specific income limits; whether Spravato is on its product list was not confirmed — ask the foundation.",
}

// Savings is what a manufacturer programme could do for a course.
type Savings struct {
	Programme string `json:"programme"`
	Eligible  bool   `json:"eligible"`
	// Reasons say why the patient is or is not eligible, or what is
	// uncertain.
	Reasons []string `json:"reasons"`
	// DrugSavings is the estimated reduction of the patient's share of drug
	// lines: each session's drug share above the programme copay, up to the
	// annual cap per calendar year. Zero when it cannot be computed.
	DrugSavings ketacover.Cents `json:"drug_savings"`
	// Computed says whether DrugSavings could be computed (the drug must be
	// billed on its own lines, not in a bundled G-code).
	Computed             bool     `json:"computed"`
	ObservationRebate    bool     `json:"observation_rebate"` // the observation rebate is open to this patient
	ObservationRebateWhy string   `json:"observation_rebate_why"`
	Sources              []string `json:"sources"`
}

// SpravatoSavings applies the SPRAVATO withMe terms to a priced scenario for
// a patient with plan type pt living in state. Only commercially insured
// patients qualify; government coverage is excluded even with commercial
// secondary coverage.
func SpravatoSavings(therapy ketacover.Therapy, sc *ScenarioCost, pt ketacover.PlanType, state string) Savings {
	s := Savings{Programme: "SPRAVATO withMe Savings Program", Sources: []string{WithMe.Source, WithMe.ObservationSource}}
	if therapy != ketacover.TherapyEsketamine {
		s.Reasons = append(s.Reasons, "the programme is for esketamine (Spravato) only")
		return s
	}
	switch pt.LineOfBusiness() {
	case "commercial":
		s.Eligible = true
		s.Reasons = append(s.Reasons, "commercial insurance: eligible, no income requirement")
		if pt == ketacover.PlanFEHB {
			s.Reasons = append(s.Reasons, "FEHB is employer coverage of federal workers; whether the programme counts it as government coverage was not found in the sources — confirm with the programme")
		}
	case "":
		s.Reasons = append(s.Reasons, "plan type unknown: the programme requires commercial insurance")
		return s
	default:
		s.Reasons = append(s.Reasons, fmt.Sprintf("%s coverage is excluded (%s)", pt, WithMe.ExcludedCoverage))
		return s
	}
	st := strings.ToUpper(strings.TrimSpace(state))
	s.ObservationRebate = true
	s.ObservationRebateWhy = "commercially insured: observation may cost as little as $0 after rebate, up to an annual limit the sources do not state"
	for _, x := range WithMe.ObservationStates {
		if st == x {
			s.ObservationRebate = false
			s.ObservationRebateWhy = fmt.Sprintf("the observation rebate is not valid for residents of %s", strings.Join(WithMe.ObservationStates, ", "))
		}
	}
	if sc == nil || sc.Unavailable != "" {
		s.Reasons = append(s.Reasons, "no insured estimate to apply the drug savings to")
		return s
	}
	for _, c := range sc.Sessions {
		for _, ln := range c.Lines {
			if ln.Part == ketacover.PartBundled {
				s.Reasons = append(s.Reasons, fmt.Sprintf("%s bundles drug and observation; the claim must be split into drug and service lines before the drug savings can be estimated", ln.Code))
				return s
			}
		}
	}
	s.Computed = true
	used := map[int]ketacover.Cents{} // per calendar year
	for _, c := range sc.Sessions {
		if c.DrugShare <= WithMe.DrugCopay {
			continue
		}
		y := c.Date.Year
		save := min(c.DrugShare-WithMe.DrugCopay, WithMe.DrugAnnualCap-used[y])
		used[y] += save
		s.DrugSavings += save
	}
	s.Reasons = append(s.Reasons, fmt.Sprintf("drug share lowered to %s a treatment, up to %s a calendar year (%s)", WithMe.DrugCopay, WithMe.DrugAnnualCap, WithMe.DrugAnnualCapNote))
	return s
}

// HSAFSA is how health savings and flexible spending accounts can pay.
type HSAFSA struct {
	Basis   string   `json:"basis"`
	Letter  string   `json:"letter"`
	Caveats []string `json:"caveats"`
	// Limits are the IRS HSA figures for the year of the course's start, if
	// on file.
	Limits *HSAYear `json:"limits,omitempty"`
	// FromBalance is how much of the patient's cost the stated HSA/FSA
	// balance covers.
	FromBalance ketacover.Cents `json:"from_balance"`
}

// HSAFSAUse explains HSA/FSA use for a patient cost of amount in year, with
// balance the money in the account.
func HSAFSAUse(therapy ketacover.Therapy, amount, balance ketacover.Cents, year int) HSAFSA {
	h := HSAFSA{
		Basis:  "IRS Publication 502 counts amounts paid for the diagnosis, cure, mitigation, treatment or prevention of disease, including psychiatric care and prescribed drugs, as medical care; it does not name ketamine or esketamine. Clinic-administered treatment prescribed for a diagnosed condition fits that definition, and clinics report it as generally HSA/FSA-eligible.",
		Letter: "The account administrator may ask for a prescription or a letter of medical necessity: the patient, the condition, the treatment and its frequency, how long it is needed, and the provider's signature and date (the fields of the FSAFEDS form).",
		Caveats: []string{
			"Controlled substances obtained in violation of federal law are excluded (Publication 502).",
			"Non-medical extras such as retreat lodging or wellness packages are doubtful.",
		},
		FromBalance: min(max(balance, 0), amount),
	}
	if therapy == ketacover.TherapyKetamineIV {
		h.Caveats = append(h.Caveats, "IV ketamine is FDA-approved only as an anesthetic; its use for depression is off-label; the letter should say what it treats and why.")
	}
	if l, err := HSA(year); err == nil {
		h.Limits = &l
	}
	return h
}
