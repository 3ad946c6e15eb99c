// Package contacts tells a patient, for their state and plan type, who
// regulates the plan and takes complaints and where free help with an appeal
// is, from sourced data files embedded in the binary.
package contacts

import (
	"embed"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/ketacover/ketacover"
)

// Role is what a contact does for the patient.
type Role string

// The roles. State files hold the state roles; federal.yaml holds the rest.
const (
	// State roles.
	RoleInsuranceRegulator   Role = "insurance-regulator"    // state department of insurance: insured plans
	RoleManagedCareRegulator Role = "managed-care-regulator" // a separate HMO regulator (California's DMHC)
	RoleConsumerAssistance   Role = "consumer-assistance"    // the state's ACA consumer assistance program (CAP)
	RoleSHIP                 Role = "ship"                   // State Health Insurance Assistance Program (Medicare counselling)
	RoleMedicaidAgency       Role = "medicaid-agency"        // the state Medicaid agency
	RoleMedicaidOmbudsman    Role = "medicaid-ombudsman"     // Medicaid (managed care) ombudsman

	// Federal roles.
	RoleEBSA            Role = "ebsa"             // U.S. Department of Labor, EBSA: private employer plans under ERISA
	RoleMedicare        Role = "medicare"         // 1-800-MEDICARE
	RoleCMSNonFederal   Role = "cms-nonfederal"   // HHS/CMS: non-federal governmental plans
	RoleTRICARE         Role = "tricare"          // TRICARE
	RoleVA              Role = "va"               // Veterans Health Administration
	RoleOPM             Role = "opm"              // Office of Personnel Management: FEHB
	RoleSHIPLocator     Role = "ship-locator"     // national SHIP locator, when the state SHIP is not sourced
	RoleRegulatorLookup Role = "regulator-lookup" // national directory of state insurance departments
	RoleMedicaidLookup  Role = "medicaid-lookup"  // national directory of state Medicaid agencies
)

// StateRoles are the roles every state file must account for: each is
// either a contact, or listed as missing or not applicable with a reason.
var StateRoles = []Role{
	RoleInsuranceRegulator, RoleConsumerAssistance, RoleSHIP, RoleMedicaidAgency, RoleMedicaidOmbudsman,
}

// Contact is one place to call. Every field but Note, TTY and AppliesTo is
// required, and Source is the page the phone number was read on.
type Contact struct {
	Role      Role           `json:"role"`
	Name      string         `json:"name"`
	Phone     string         `json:"phone"`                // 1-NNN-NNN-NNNN or NNN-NNN-NNNN, optional " ext. N"
	TTY       string         `json:"tty,omitempty"`        //
	Website   string         `json:"website"`              //
	AppliesTo string         `json:"applies_to,omitempty"` // which plans within the role, when narrower than the role
	Note      string         `json:"note,omitempty"`       //
	Source    string         `json:"source"`               // URL of the page the facts were read on
	Seen      ketacover.Date `json:"seen"`                 // the day the source was read
	File      string         `json:"-"`
	Line      int            `json:"-"`
}

// Gap is a role with no contact: either not applicable in the state (with a
// source), or not yet sourced.
type Gap struct {
	Role   Role   `json:"role"`
	Reason string `json:"reason"`
	// Source is set for "not applicable" (the page that shows there is
	// none); a missing fact has no source.
	Source string `json:"source,omitempty"`
	// NotApplicable distinguishes "there is none" from "we could not source it".
	NotApplicable bool `json:"not_applicable"`
}

// State is one state's (or DC's) data file.
type State struct {
	Code     string    // USPS code, e.g. "CA"
	Name     string    //
	Contacts []Contact //
	Gaps     []Gap     //
	File     string    //
}

// contact returns the state's contacts with role r.
func (s State) contact(r Role) []Contact {
	var out []Contact
	for _, c := range s.Contacts {
		if c.Role == r {
			out = append(out, c)
		}
	}
	return out
}

func (s State) gap(r Role) (Gap, bool) {
	for _, g := range s.Gaps {
		if g.Role == r {
			return g, true
		}
	}
	return Gap{}, false
}

// Directory is the loaded data: every state and the federal contacts. It is
// immutable and safe for concurrent use.
type Directory struct {
	states  map[string]State
	federal map[Role][]Contact
}

// State returns the data file of the state with the given USPS code (case
// insensitive), or an ENOTFOUND error.
func (d *Directory) State(code string) (State, error) {
	s, ok := d.states[strings.ToUpper(strings.TrimSpace(code))]
	if !ok {
		return State{}, ketacover.Errorf(ketacover.ENOTFOUND, "unknown state %q; want a two-letter code of the 50 states or DC, e.g. CA", code)
	}
	return s, nil
}

// States returns the loaded state codes in alphabetical order.
func (d *Directory) States() []string {
	out := make([]string, 0, len(d.states))
	for c := range d.states {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}

// Federal returns the federal contacts with role r.
func (d *Directory) Federal(r Role) []Contact { return slices.Clone(d.federal[r]) }

// Help is the answer for one state and plan type: who regulates the plan,
// where free help is, and what we could not source. It is the view-model for
// the CLI, the letters and the web.
type Help struct {
	State     string             `json:"state"`
	StateName string             `json:"state_name"`
	Plan      ketacover.PlanType `json:"plan_type"`
	PlanName  string             `json:"plan_name"`
	// Regulators regulate the plan and take complaints.
	Regulators []Entry `json:"regulators"`
	// Assistance gives free help (CAP, SHIP, ombudsman).
	Assistance []Entry `json:"assistance"`
	// Gaps are roles this plan type needs that have no contact; the
	// output must show them, not hide them.
	Gaps []Gap `json:"gaps"`
	// Notes explain choices the patient must make (e.g. insured or
	// self-funded).
	Notes []string `json:"notes,omitempty"`
}

// Entry is a contact with the reason it is shown for this plan type.
type Entry struct {
	Contact
	Why string `json:"why"`
}

//go:embed data/*.yaml data/states/*.yaml
var dataFS embed.FS

var defaultDirectory = sync.OnceValues(func() (*Directory, error) { return Load(dataFS, "data") })

// Default returns the directory embedded in the binary, loaded and
// validated once.
func Default() (*Directory, error) { return defaultDirectory() }

// PlanName is a reader's name for a plan type.
func PlanName(t ketacover.PlanType) string {
	switch t {
	case ketacover.PlanERISASelfFunded:
		return "self-funded employer plan (ERISA)"
	case ketacover.PlanGroupFullyInsured:
		return "fully insured group plan"
	case ketacover.PlanIndividual:
		return "individual (ACA marketplace or off-marketplace) plan"
	case ketacover.PlanMedicareFFS:
		return "Original Medicare (Parts A and B)"
	case ketacover.PlanMedicareAdvantage:
		return "Medicare Advantage (Part C)"
	case ketacover.PlanMedicarePartD:
		return "Medicare prescription drug plan (Part D)"
	case ketacover.PlanMedicaidFFS:
		return "Medicaid (fee-for-service)"
	case ketacover.PlanMedicaidManaged:
		return "Medicaid managed care plan"
	case ketacover.PlanTRICARE:
		return "TRICARE"
	case ketacover.PlanFEHB:
		return "Federal Employees Health Benefits (FEHB) plan"
	case ketacover.PlanVA:
		return "VA health care"
	case ketacover.PlanGovernmentNonFed:
		return "state or local government employer plan"
	}
	return string(t)
}

// need is one role a plan type calls for, and why.
type need struct {
	role       Role
	regulator  bool   // shown under "who regulates the plan" rather than "free help"
	why        string //
	fallback   Role   // a federal role to show when the state role has no contact
	optional   bool   // no gap is reported when absent and not listed (e.g. ombudsman)
	federal    bool   // the role is in federal.yaml
	onlyIfHave bool   // show only if the state has it (managed-care regulator)
}

// needs is the table from plan type to the roles it needs, in display
// order. The "why" texts are what the patient reads.
func needs(t ketacover.PlanType) ([]need, []string) {
	insurance := need{role: RoleInsuranceRegulator, regulator: true, fallback: RoleRegulatorLookup,
		why: "Regulates health insurers in your state and takes complaints about insured plans; it also runs or explains the state's external review."}
	managed := need{role: RoleManagedCareRegulator, regulator: true, onlyIfHave: true,
		why: "Regulates HMOs and other managed-care plans in your state; if your plan is one of them, complain and ask for independent medical review here."}
	cap := need{role: RoleConsumerAssistance,
		why: "Your state's consumer assistance program: free help filing a complaint, an appeal or an external review."}
	ebsa := need{role: RoleEBSA, regulator: true, federal: true,
		why: "Enforces ERISA for private employers' plans: your right to a full and fair review, to the plan documents and criteria used, and to decisions on time."}
	switch t {
	case ketacover.PlanERISASelfFunded:
		return []need{ebsa, cap}, []string{
			"A self-funded employer plan is regulated by the U.S. Department of Labor, not by the state insurance department. Your plan's Summary Plan Description says whether it is self-funded.",
		}
	case ketacover.PlanGroupFullyInsured:
		ebsa.why = "If the plan comes from a private employer it is also an ERISA plan: EBSA can help with your ERISA rights (plan documents, full and fair review, timely decisions)."
		return []need{insurance, managed, ebsa, cap}, nil
	case ketacover.PlanIndividual:
		return []need{insurance, managed, cap}, nil
	case ketacover.PlanGovernmentNonFed:
		return []need{insurance, managed,
				{role: RoleCMSNonFederal, regulator: true, federal: true, why: "Oversees the federal claims, appeals and external review rules for state and local government employer plans that are self-funded."},
				cap},
			[]string{"A state or local government plan is not covered by ERISA. If it is insured, the state insurance department regulates the insurer; if it is self-funded, the federal Department of Health and Human Services (CMS) oversees its appeal rules."}
	case ketacover.PlanMedicareFFS, ketacover.PlanMedicareAdvantage, ketacover.PlanMedicarePartD:
		return []need{
			{role: RoleMedicare, regulator: true, federal: true, why: "Medicare itself: questions, complaints about a plan, and help with the appeal steps."},
			{role: RoleSHIP, fallback: RoleSHIPLocator, why: "Free, unbiased one-on-one Medicare counselling, including help with appeals."},
		}, nil
	case ketacover.PlanMedicaidFFS, ketacover.PlanMedicaidManaged:
		ns := []need{
			{role: RoleMedicaidAgency, regulator: true, fallback: RoleMedicaidLookup, why: "Runs Medicaid in your state: member questions and the state fair hearing."},
			{role: RoleMedicaidOmbudsman, optional: true, why: "An independent ombudsman for Medicaid members: free help with problems and appeals."},
		}
		var notes []string
		if t == ketacover.PlanMedicaidManaged {
			notes = append(notes, "Appeal to the managed care plan first; after its decision you can ask the state for a fair hearing.")
		}
		return ns, notes
	case ketacover.PlanTRICARE:
		return []need{{role: RoleTRICARE, regulator: true, federal: true, why: "TRICARE itself: claims, prior authorization and appeals go through your TRICARE region's contractor."}}, nil
	case ketacover.PlanVA:
		return []need{{role: RoleVA, regulator: true, federal: true, why: "VA health care: benefits questions; each VA medical center has a patient advocate for complaints."}}, nil
	case ketacover.PlanFEHB:
		return []need{{role: RoleOPM, regulator: true, federal: true, why: "The Office of Personnel Management runs FEHB and reviews disputed claims after the plan's own reconsideration."}},
			[]string{"FEHB plans are regulated by the Office of Personnel Management, not by the state insurance department."}
	}
	return nil, nil
}

// Resolve returns the help for a patient in state (USPS code) on plan type
// t. It returns EINVALID for an unknown plan type and ENOTFOUND for an
// unknown state.
func (d *Directory) Resolve(state string, t ketacover.PlanType) (Help, error) {
	if !t.Valid() {
		names := make([]string, len(ketacover.PlanTypes))
		for i, p := range ketacover.PlanTypes {
			names[i] = string(p)
		}
		return Help{}, ketacover.Errorf(ketacover.EINVALID, "unknown plan type %q; want one of %s", t, strings.Join(names, ", "))
	}
	s, err := d.State(state)
	if err != nil {
		return Help{}, err
	}
	ns, notes := needs(t)
	h := Help{State: s.Code, StateName: s.Name, Plan: t, PlanName: PlanName(t), Notes: notes,
		Regulators: []Entry{}, Assistance: []Entry{}, Gaps: []Gap{}}
	add := func(n need, cs []Contact, why string) {
		for _, c := range cs {
			e := Entry{Contact: c, Why: why}
			if n.regulator {
				h.Regulators = append(h.Regulators, e)
			} else {
				h.Assistance = append(h.Assistance, e)
			}
		}
	}
	for _, n := range ns {
		if n.federal {
			cs := d.federal[n.role]
			if len(cs) == 0 {
				h.Gaps = append(h.Gaps, Gap{Role: n.role, Reason: "not yet sourced: no phone number for this federal office was confirmed from an official page"})
			}
			add(n, cs, n.why)
			continue
		}
		if cs := s.contact(n.role); len(cs) > 0 {
			add(n, cs, n.why)
			continue
		}
		if n.onlyIfHave {
			continue
		}
		g, listed := s.gap(n.role)
		if !listed {
			if n.optional {
				continue
			}
			g = Gap{Role: n.role, Reason: "not yet sourced"}
		}
		h.Gaps = append(h.Gaps, g)
		if n.fallback != "" && !g.NotApplicable {
			add(n, d.federal[n.fallback], "Your state's "+roleName(n.role)+" is not in our data yet; this national directory lists it.")
		}
	}
	return h, nil
}

// roleName is a reader's name for a role.
func roleName(r Role) string {
	switch r {
	case RoleInsuranceRegulator:
		return "insurance department"
	case RoleManagedCareRegulator:
		return "managed-care regulator"
	case RoleConsumerAssistance:
		return "consumer assistance program"
	case RoleSHIP:
		return "State Health Insurance Assistance Program (SHIP)"
	case RoleMedicaidAgency:
		return "Medicaid agency"
	case RoleMedicaidOmbudsman:
		return "Medicaid ombudsman"
	case RoleCMSNonFederal:
		return "federal office for non-federal governmental plans (HHS/CMS)"
	case RoleOPM:
		return "Office of Personnel Management (FEHB)"
	case RoleEBSA:
		return "U.S. Department of Labor (EBSA)"
	case RoleMedicare:
		return "Medicare"
	case RoleTRICARE:
		return "TRICARE"
	case RoleVA:
		return "VA"
	case RoleSHIPLocator:
		return "national SHIP locator"
	case RoleRegulatorLookup:
		return "national directory of state insurance departments"
	case RoleMedicaidLookup:
		return "national directory of state Medicaid agencies"
	}
	return string(r)
}

// RoleName is the reader's name for a role, for output that lists gaps.
func RoleName(r Role) string { return roleName(r) }

// Disclaimer is the note every rendering of Help carries.
const Disclaimer = "This is information, not legal advice. Phone numbers and programs change: check the source link before you rely on an entry."

// String is a short identification of a contact for error messages.
func (c Contact) String() string { return fmt.Sprintf("%s (%s)", c.Name, c.Role) }
