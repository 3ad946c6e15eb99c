package denial

import (
	"fmt"
	"strings"
)

// Class is our classification of a denial (GLOSSARY "denial class").
type Class string

// The denial classes. PatientResponsibility is cost sharing, not a denial.
const (
	MedicalNecessity            Class = "medical-necessity"
	ExperimentalInvestigational Class = "experimental-investigational"
	PriorAuthorization          Class = "prior-authorization"
	BenefitLimit                Class = "benefit-limit"
	MissingInformation          Class = "missing-information"
	Coding                      Class = "coding"
	NonCovered                  Class = "non-covered"
	Eligibility                 Class = "eligibility"
	TimelyFiling                Class = "timely-filing"
	OutOfNetwork                Class = "out-of-network"
	Duplicate                   Class = "duplicate"
	PatientResponsibility       Class = "patient-responsibility"
)

// Classes lists every class in a stable order.
var Classes = []Class{MedicalNecessity, ExperimentalInvestigational, PriorAuthorization, BenefitLimit,
	MissingInformation, Coding, NonCovered, Eligibility, TimelyFiling, OutOfNetwork, Duplicate, PatientResponsibility}

// Action is the next step a denial calls for.
type Action string

// The next actions. Review means ketacover cannot tell (an unknown code, or
// codes that contradict each other): a person reads the remittance.
const (
	CorrectAndResubmit Action = "correct-and-resubmit"
	Appeal             Action = "appeal"
	RetroAuthorization Action = "retro-authorization"
	BillPatient        Action = "bill-patient"
	NoAction           Action = "none"
	Review             Action = "review"
)

// Group codes of CAS01.
var groups = map[string]string{
	"CO": "contractual obligation: the provider bears it and may not bill the patient",
	"PR": "patient responsibility: the patient may be billed",
	"OA": "other adjustment",
	"PI": "payer-initiated reduction: not the patient's to pay",
	"CR": "correction or reversal of an earlier claim",
}

// Result is the classification of one adjustment.
type Result struct {
	Group  string   `json:"group"`
	CARC   string   `json:"carc"`
	RARCs  []string `json:"rarcs,omitempty"`
	Class  Class    `json:"class,omitempty"` // empty when the adjustment is not a denial or the code is unknown
	Action Action   `json:"action"`
	// Denial is true when the adjustment refuses payment (not cost sharing,
	// not contract terms).
	Denial bool `json:"denial"`
	// ExternalReview is true for denials that rest on medical judgment
	// (medical necessity, experimental): these usually qualify for external
	// review after the internal appeal.
	ExternalReview bool `json:"externalReview,omitempty"`
	// NoAppealRights is true when a remark code says the decision cannot be
	// appealed (MA130, N211, N704, N111).
	NoAppealRights bool   `json:"noAppealRights,omitempty"`
	Reason         string `json:"reason"` // why, in plain words, naming the codes
	Codes          []Code `json:"codes"`  // the table entries behind the result
}

// Memo remembers Classify's answers by their inputs: a remittance
// repeats the same few code combinations thousands of times. The zero
// value is ready to use; it keeps at most 10,000 answers. Not safe for
// concurrent use.
type Memo struct{ m map[string]Result }

// Classify is Classify, answered from memory when the same codes came
// before.
func (m *Memo) Classify(group, carcCode string, rarcCodes []string) Result {
	key := group + "|" + carcCode + "|" + strings.Join(rarcCodes, ",")
	if r, ok := m.m[key]; ok {
		return r
	}
	r := Classify(group, carcCode, rarcCodes)
	if m.m == nil {
		m.m = map[string]Result{}
	}
	if len(m.m) < 10000 {
		m.m[key] = r
	}
	return r
}

// Classify classifies one adjustment: group code (CO, PR, OA, PI, CR), CARC
// and the remark codes that came with it. It never fails; an unknown code
// gives Action Review with a reason that says so.
func Classify(group, carcCode string, rarcCodes []string) Result {
	group, carcCode = normalize(group), normalize(carcCode)
	res := Result{Group: group, CARC: carcCode}
	for _, r := range rarcCodes {
		if r = normalize(r); r != "" {
			res.RARCs = append(res.RARCs, r)
		}
	}
	var why []string
	c, known := carcs[carcCode]
	if !known {
		res.Action = Review
		why = append(why, fmt.Sprintf("CARC %s is not in ketacover's table: read its text at x12.org and the payer's remarks", carcCode))
	} else {
		code, _ := CARC(carcCode)
		res.Codes = append(res.Codes, code)
		res.Class, res.Action = c.class, c.action
		why = append(why, fmt.Sprintf("%s-%s: %s", group, carcCode, c.desc))
	}
	for _, r := range res.RARCs {
		rr, ok := rarcs[r]
		if !ok {
			why = append(why, fmt.Sprintf("remark %s is not in ketacover's table", r))
			continue
		}
		code, _ := RARC(r)
		res.Codes = append(res.Codes, code)
		why = append(why, fmt.Sprintf("remark %s: %s", r, rr.desc))
		if rr.noAppeal {
			res.NoAppealRights = true
		}
		// A generic CARC takes its meaning from the first remark that has one.
		if rr.class != "" && (!known || c.generic) && res.Class == c.class {
			res.Class = rr.class
			res.Action = defaultAction[rr.class]
		}
	}
	if known && c.generic && res.Class == "" {
		res.Action = Review
		why = append(why, "the reason code is generic and no remark code says why")
	}
	res.Denial = res.Class != "" && res.Class != PatientResponsibility

	// The group code decides who bears the amount, which changes the action.
	switch group {
	case "PR":
		if res.Denial {
			res.Action = BillPatient
			why = append(why, "the payer put this on the patient (PR): the clinic may bill the patient, and the patient can still appeal the decision")
		} else if known && res.Class == "" {
			res.Action = BillPatient
			why = append(why, "the payer put this on the patient (PR)")
		}
	case "CR":
		res.Action = NoAction
		why = append(why, "group CR: a correction or reversal of an earlier claim; act on the corrected claim")
	case "CO", "PI":
		if res.Class == PatientResponsibility {
			res.Action = Review
			why = append(why, "cost sharing reported under "+group+" instead of PR (X12 RFI 2048): ask the payer whether the patient owes it")
		} else if res.Denial {
			why = append(why, fmt.Sprintf("group %s: %s", group, groups[group]))
		}
	case "OA", "":
	default:
		why = append(why, fmt.Sprintf("group code %q is not CO, PR, OA, PI or CR", group))
	}
	if res.Denial && (res.Class == MedicalNecessity || res.Class == ExperimentalInvestigational) {
		res.ExternalReview = true
	}
	if res.NoAppealRights && res.Action == Appeal {
		res.Action = Review
		why = append(why, "a remark says the decision cannot be appealed: read the remittance before acting")
	}
	if res.Action != "" {
		why = append(why, "next: "+string(res.Action)+": "+actionWhy(res.Class, res.Action))
	}
	res.Reason = strings.Join(why, "; ")
	return res
}

// defaultAction is the usual next step per class (regulations-and-appeals.md
// section 2.2), used when a remark code sets the class.
var defaultAction = map[Class]Action{
	MedicalNecessity:            Appeal,
	ExperimentalInvestigational: Appeal,
	PriorAuthorization:          CorrectAndResubmit,
	BenefitLimit:                Appeal,
	MissingInformation:          CorrectAndResubmit,
	Coding:                      CorrectAndResubmit,
	NonCovered:                  Appeal,
	Eligibility:                 CorrectAndResubmit,
	TimelyFiling:                Appeal,
	OutOfNetwork:                Appeal,
	Duplicate:                   NoAction,
	PatientResponsibility:       BillPatient,
}

// actionWhy says what the action means for the class (regulations-and-appeals.md
// section 2.1 "Lane" and "Evidence that usually wins").
func actionWhy(c Class, a Action) string {
	switch a {
	case Review:
		return "a person reads the remittance and decides"
	case BillPatient:
		if c == PatientResponsibility {
			return "the patient's cost sharing; check the deductible and out-of-pocket counts"
		}
		return "the patient owes it unless the decision is overturned"
	case NoAction:
		switch c {
		case Duplicate:
			return "the payer already has this claim; follow the original, and send a real correction as a replacement claim"
		case "":
			return "contract terms, not a denial"
		}
		return "nothing to do on this line"
	case RetroAuthorization:
		return "ask the payer for a retroactive authorization, then appeal if refused; if an authorization exists, correct the claim with its number instead"
	case CorrectAndResubmit:
		switch c {
		case PriorAuthorization:
			return "put the right authorization number on the claim and match codes, units and provider to the authorization"
		case Coding:
			return "correct the code, modifier or diagnosis and send a corrected claim"
		case Eligibility:
			return "check coverage on the date of service and bill the right payer"
		}
		return "supply or fix what the remark names and send a corrected claim; an appeal is the wrong lane, and the filing limit keeps running"
	case Appeal:
		switch c {
		case MedicalNecessity:
			return "answer the payer's own criteria point by point with the record; medical-judgment denials are usually eligible for external review"
		case ExperimentalInvestigational:
			return "appeal with the published evidence and guidelines; experimental denials usually have an external review track"
		case NonCovered:
			return "ask for the plan documents and criteria relied on; check whether the exclusion is really a medical judgment or breaks mental health parity"
		case BenefitLimit:
			return "check the payer's count, ask for an exception on medical necessity, and check parity of the limit"
		case TimelyFiling:
			return "ask for reconsideration with proof of timely filing (clearinghouse acceptance reports)"
		case OutOfNetwork:
			return "ask for a network exception or single-case agreement when no in-network provider is available"
		case PriorAuthorization:
			return "appeal with proof the authorization was requested in time"
		}
		return "appeal within the plan's deadline"
	}
	return ""
}

// Next returns the usual next action for a class of denial and what it
// means, as Classify would give it for a CO adjustment. A letter reader
// uses it when the letter states a reason but no codes.
func Next(c Class) (Action, string) {
	a, ok := defaultAction[c]
	if !ok {
		return Review, actionWhy(c, Review)
	}
	if c == PriorAuthorization {
		a = RetroAuthorization // a letter that says "no authorization" rarely means a number is missing
	}
	return a, actionWhy(c, a)
}
