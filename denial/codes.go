package denial

import (
	"slices"
	"strings"
)

// Sources of the code tables. The code lists belong to X12 and are updated
// three times a year; the meanings below are our own short paraphrases of
// the list text as carried in OpenEMR's copy (list vintage about 2019-2021),
// the routing follows ../shared/reference/regulations-and-appeals.md section
// 2. Refresh against x12.org before relying on a code's exact wording.
const (
	SourceCARC = "https://x12.org/codes/claim-adjustment-reason-codes (text as carried in openemr/openemr src/Billing/BillingUtilities.php @88e29bd)"
	SourceRARC = "https://x12.org/codes/remittance-advice-remark-codes (text as carried in openemr/openemr src/Billing/BillingUtilities.php @88e29bd)"
	// SourceRouting is where the class and next-action rules come from.
	SourceRouting = "ketacover shared/reference/regulations-and-appeals.md section 2 (CARC/RARC taxonomy and routing heuristics)"
)

// Code is one entry of the CARC or RARC table.
type Code struct {
	Code        string `json:"code"`
	Kind        string `json:"kind"`        // CARC or RARC
	Description string `json:"description"` // our words
	Source      string `json:"source"`
}

// carc is a claim adjustment reason code with the class it signals and the
// next action it usually calls for. generic codes (16, 96, A1) carry their
// real meaning in the remark code, which may override the class.
type carc struct {
	desc    string
	class   Class // "" when the adjustment is not a denial (contract terms, coordination of benefits)
	action  Action
	generic bool
}

// Sources for the two CARCs whose meaning does not come from the OpenEMR
// copy: 15 is not in that (active) list, and its copy of 204 reads "dental
// plan" where the reference gives the general wording.
var carcSources = map[string]string{
	"15":  "ketacover shared/reference/regulations-and-appeals.md section 2.1 (CARC 15 retired; successors 284/296)",
	"204": "ketacover shared/reference/standards.md section 6.1 (CARC 204, not covered under the current benefit plan; verify against x12.org)",
}

var carcs = map[string]carc{
	// Patient cost sharing: not a denial. CARCs 1-3 belong under group PR
	// (X12 RFI 2048, cited in standards.md section 6.1).
	"1":  {"deductible: the patient's share before the plan pays", PatientResponsibility, BillPatient, false},
	"2":  {"coinsurance: the patient's percentage share", PatientResponsibility, BillPatient, false},
	"3":  {"copayment: the patient's fixed share", PatientResponsibility, BillPatient, false},
	"66": {"blood deductible", PatientResponsibility, BillPatient, false},

	// Contract and coordination terms: not denials.
	"23":  {"what an earlier payer already paid or adjusted (coordination of benefits)", "", NoAction, false},
	"24":  {"paid under a capitation or managed care arrangement", "", NoAction, false},
	"44":  {"prompt-pay discount", "", NoAction, false},
	"45":  {"charge above the fee schedule or contracted amount; the provider writes it off under CO", "", NoAction, false},
	"59":  {"reduced under the payer's multiple or concurrent procedure rules", "", NoAction, false},
	"94":  {"processed for more than the charge", "", NoAction, false},
	"100": {"payment went to the patient or insured", "", NoAction, false},
	"253": {"sequestration: the across-the-board federal payment cut", "", NoAction, false},

	// Medical necessity.
	"39":  {"denied when the authorization was requested", MedicalNecessity, Appeal, false},
	"40":  {"does not meet the criteria for emergency or urgent care", MedicalNecessity, Appeal, false},
	"50":  {"not medically necessary in the payer's judgment", MedicalNecessity, Appeal, false},
	"150": {"the record does not support this level of service", MedicalNecessity, Appeal, false},
	"151": {"the record does not support this many services or this frequency", MedicalNecessity, Appeal, false},
	"152": {"the record does not support this length of service", MedicalNecessity, Appeal, false},
	"153": {"the record does not support this dosage", MedicalNecessity, Appeal, false},
	"216": {"based on the findings of a review organization", MedicalNecessity, Appeal, false},
	"272": {"coverage or program guidelines were not met", MedicalNecessity, Appeal, false},

	// Experimental, investigational, unproven, off-label.
	"55":  {"deemed experimental or investigational by the payer", ExperimentalInvestigational, Appeal, false},
	"56":  {"not deemed proven effective by the payer", ExperimentalInvestigational, Appeal, false},
	"114": {"procedure or product not approved by the FDA", ExperimentalInvestigational, Appeal, false},
	"188": {"covered only when used as the FDA recommends", ExperimentalInvestigational, Appeal, false},

	// Prior authorization and referral.
	"15":  {"authorization number missing or invalid (a retired code; 284 and 296 replaced it)", PriorAuthorization, CorrectAndResubmit, false},
	"197": {"no precertification, authorization or notification on file", PriorAuthorization, RetroAuthorization, false},
	"198": {"the precertification or authorization was exceeded", PriorAuthorization, RetroAuthorization, false},
	"210": {"the authorization was not obtained in time", PriorAuthorization, Appeal, false},
	"243": {"not authorized by the network or primary care provider", PriorAuthorization, RetroAuthorization, false},
	"284": {"an authorization number exists but does not cover the billed services", PriorAuthorization, CorrectAndResubmit, false},
	"287": {"the referral was exceeded", PriorAuthorization, RetroAuthorization, false},
	"288": {"no referral on file", PriorAuthorization, RetroAuthorization, false},
	"296": {"an authorization number exists but does not cover this provider", PriorAuthorization, CorrectAndResubmit, false},
	"302": {"the authorization's time limit has expired", PriorAuthorization, RetroAuthorization, false},

	// Benefit limits.
	"35":  {"lifetime benefit maximum reached", BenefitLimit, Appeal, false},
	"119": {"benefit maximum for the period or occurrence reached", BenefitLimit, Appeal, false},
	"149": {"lifetime maximum reached for this benefit category", BenefitLimit, Appeal, false},
	"273": {"coverage or program guidelines were exceeded", BenefitLimit, Appeal, false},

	// Missing or invalid information.
	"16":  {"the claim lacks information or has a billing error; the remark code says which", MissingInformation, CorrectAndResubmit, true},
	"129": {"the prior processing information looks wrong; the remark code says which", MissingInformation, CorrectAndResubmit, false},
	"148": {"information from another provider was missing or incomplete", MissingInformation, CorrectAndResubmit, false},
	"163": {"the attachment the claim referred to never arrived", MissingInformation, CorrectAndResubmit, false},
	"206": {"NPI missing", MissingInformation, CorrectAndResubmit, false},
	"207": {"NPI in an invalid format", MissingInformation, CorrectAndResubmit, false},
	"208": {"NPI does not match the payer's records", MissingInformation, CorrectAndResubmit, false},
	"226": {"information asked of the billing or rendering provider was not sent, late or incomplete", MissingInformation, CorrectAndResubmit, false},
	"227": {"information asked of the patient was not sent or incomplete", MissingInformation, CorrectAndResubmit, false},
	"250": {"the wrong attachment was received; the expected one is still missing", MissingInformation, CorrectAndResubmit, false},
	"251": {"the attachment received was incomplete", MissingInformation, CorrectAndResubmit, false},
	"252": {"an attachment is needed to decide the claim", MissingInformation, CorrectAndResubmit, false},

	// Coding, modifiers, bundling.
	"4":   {"procedure code and modifier do not fit, or a required modifier is missing", Coding, CorrectAndResubmit, false},
	"5":   {"procedure code or bill type does not fit the place of service", Coding, CorrectAndResubmit, false},
	"6":   {"procedure or revenue code does not fit the patient's age", Coding, CorrectAndResubmit, false},
	"9":   {"diagnosis does not fit the patient's age", Coding, CorrectAndResubmit, false},
	"11":  {"diagnosis does not fit the procedure", Coding, CorrectAndResubmit, false},
	"97":  {"paid as part of another service already adjudicated (bundled)", Coding, CorrectAndResubmit, false},
	"146": {"diagnosis code invalid for the date of service", Coding, CorrectAndResubmit, false},
	"167": {"the diagnosis is not covered", Coding, CorrectAndResubmit, false},
	"181": {"procedure code invalid on the date of service", Coding, CorrectAndResubmit, false},
	"182": {"modifier invalid on the date of service", Coding, CorrectAndResubmit, false},
	"189": {"an unlisted code was billed where a specific code exists", Coding, CorrectAndResubmit, false},
	"199": {"revenue code and procedure code do not match", Coding, CorrectAndResubmit, false},
	"231": {"mutually exclusive procedures on the same day", Coding, CorrectAndResubmit, false},
	"234": {"this procedure is not paid separately", Coding, CorrectAndResubmit, false},
	"236": {"procedure or modifier combination not allowed with another on the same day (NCCI)", Coding, CorrectAndResubmit, false},

	// Not covered.
	"49":  {"routine or preventive service, not covered", NonCovered, Appeal, false},
	"96":  {"non-covered charge; the remark code says why", NonCovered, Appeal, true},
	"204": {"the service, equipment or drug is not covered under the patient's current benefit plan", NonCovered, Appeal, false},
	"256": {"not payable under the managed care contract", NonCovered, Appeal, false},
	"276": {"services the prior payer denied are not covered by this payer", NonCovered, Appeal, false},

	// Eligibility and coordination of benefits.
	"22":  {"another payer may cover this (coordination of benefits)", Eligibility, CorrectAndResubmit, false},
	"26":  {"service before coverage began", Eligibility, CorrectAndResubmit, false},
	"27":  {"service after coverage ended", Eligibility, CorrectAndResubmit, false},
	"31":  {"the patient cannot be identified as the payer's insured", Eligibility, CorrectAndResubmit, false},
	"32":  {"the patient is not an eligible dependent", Eligibility, CorrectAndResubmit, false},
	"109": {"not covered by this payer; send the claim to the right payer", Eligibility, CorrectAndResubmit, false},
	"140": {"the patient's ID number and name do not match", Eligibility, CorrectAndResubmit, false},
	"177": {"the patient does not meet the eligibility requirements", Eligibility, CorrectAndResubmit, false},
	"200": {"service during a lapse in coverage", Eligibility, CorrectAndResubmit, false},
	"239": {"the claim spans eligible and ineligible periods; bill them separately", Eligibility, CorrectAndResubmit, false},

	// Timely filing, network, duplicates.
	"29":  {"the time limit for filing has expired", TimelyFiling, Appeal, false},
	"242": {"not provided by a network or primary care provider", OutOfNetwork, Appeal, false},
	"279": {"not provided by a preferred (narrow) network provider", OutOfNetwork, Appeal, false},
	"18":  {"exact duplicate of a claim or service", Duplicate, NoAction, false},
	"B13": {"previously paid: payment may already have been made", Duplicate, NoAction, false},

	// Generic denial: the remark code carries the reason.
	"A1": {"claim or service denied; the remark code says why", "", Review, true},
}

// rarc is a remittance advice remark code, with the class it points to when
// it makes a generic CARC (16, 96, A1) specific, and whether it takes the
// appeal right away.
type rarc struct {
	desc     string
	class    Class // "" when the remark adds detail without changing the class
	noAppeal bool
}

var rarcs = map[string]rarc{
	// Medical necessity and the rules relied on.
	"M25":  {"the information sent does not support this level of service", MedicalNecessity, false},
	"N10":  {"based on a review organization, peer review or medical advisor finding", "", false},
	"N115": {"the decision rests on a Local Coverage Determination (LCD)", "", false},
	"N386": {"the decision rests on a National Coverage Determination (NCD)", "", false},
	"N180": {"does not meet the criteria for the category it was billed under", MedicalNecessity, false},
	"N661": {"the documentation does not show the service was medically necessary", MedicalNecessity, false},
	"N130": {"see the plan's benefit documents for the restrictions on this service", "", false},

	// Experimental.
	"N623": {"not covered when deemed unscientific, unproven, outmoded, experimental, excessive or inappropriate", ExperimentalInvestigational, false},
	"N721": {"covered only as part of a clinical trial", ExperimentalInvestigational, false},

	// Not covered.
	"N425": {"statutorily excluded service", NonCovered, false},
	"N426": {"no coverage when self-administered", NonCovered, false},
	"N174": {"not covered; the patient owes only what is shown under group PR", NonCovered, false},
	"N776": {"not a covered telehealth service", NonCovered, false},

	// Limits.
	"N362": {"days or units of service exceed the payer's maximum", BenefitLimit, false},
	"N435": {"exceeds the number or frequency allowed in the period without supporting documentation", BenefitLimit, false},
	"N640": {"exceeds the number or frequency approved or allowed in the period", BenefitLimit, false},

	// Authorization.
	"M62":  {"treatment authorization code missing, incomplete or invalid", PriorAuthorization, false},
	"N54":  {"the claim does not match the authorized services", PriorAuthorization, false},
	"N758": {"adjusted based on the prior authorization decision", PriorAuthorization, false},

	// Missing information.
	"MA130": {"incomplete or invalid claim: unprocessable, no appeal rights; send a new, corrected claim", MissingInformation, true},
	"N350":  {"description missing for an unlisted or not-otherwise-classified code", MissingInformation, false},
	"M119":  {"National Drug Code (NDC) missing, incomplete, invalid or withdrawn", MissingInformation, false},
	"M127":  {"the patient's medical record for this service is missing", MissingInformation, false},
	"M53":   {"days or units of service missing, incomplete or invalid", MissingInformation, false},
	"N290":  {"rendering provider identifier missing, incomplete or invalid", MissingInformation, false},
	"N179":  {"information was asked of the member; the claim will be reconsidered when it arrives", MissingInformation, false},
	"N366":  {"requested information not sent; the claim reopens if it arrives within a year of the denial", MissingInformation, false},
	"N517":  {"send a new claim with the requested information", MissingInformation, false},
	"N706":  {"documentation missing", MissingInformation, false},

	// Coding.
	"M20":  {"HCPCS code missing, incomplete or invalid", Coding, false},
	"M51":  {"procedure code missing, incomplete or invalid", Coding, false},
	"M76":  {"diagnosis missing, incomplete or invalid", Coding, false},
	"M77":  {"place of service missing, incomplete, invalid or inappropriate", Coding, false},
	"N56":  {"the procedure code is not right for the service or the date billed", Coding, false},
	"N569": {"not covered for the diagnosis reported", Coding, false},
	"N519": {"invalid combination of HCPCS modifiers", Coding, false},
	"N20":  {"not payable with another service on the same date", Coding, false},
	"N390": {"this service or report cannot be billed separately", Coding, false},

	// Eligibility.
	"N30":  {"the patient is not eligible for this service", Eligibility, false},
	"N52":  {"the patient was not enrolled in the provider's managed care plan on the date of service", Eligibility, false},
	"N617": {"the enrollee is in the second or third month of the premium tax credit grace period", Eligibility, false},
	"N619": {"coverage ended for non-payment of premium", Eligibility, false},

	// Duplicates.
	"N111": {"no appeal right except on the duplicate question: the service was billed and decided before", Duplicate, true},
	"N522": {"duplicate of a claim processed, or to be processed, as a crossover", Duplicate, false},

	// Alerts about cost sharing and appeal rights.
	"N16":  {"the out-of-pocket maximum is met; paid at a higher percentage", "", false},
	"N548": {"alert: the calendar-year deductible is met", "", false},
	"N549": {"alert: the calendar-year out-of-pocket maximum is met", "", false},
	"N211": {"alert: this decision cannot be appealed", "", true},
	"N704": {"alert: this decision cannot be appealed, but a corrected claim may be sent", "", true},
	"N1":   {"alert: this decision can be appealed in writing within the time limits of the contract or plan", "", false},
	"MA01": {"alert: Medicare appeal rights: write within 120 days of receiving this notice", "", false},
}

// CARC returns the table entry for a claim adjustment reason code.
func CARC(code string) (Code, bool) {
	c, ok := carcs[normalize(code)]
	if !ok {
		return Code{}, false
	}
	src := SourceCARC
	if s, ok := carcSources[normalize(code)]; ok {
		src = s
	}
	return Code{Code: normalize(code), Kind: "CARC", Description: c.desc, Source: src}, true
}

// RARC returns the table entry for a remittance advice remark code.
func RARC(code string) (Code, bool) {
	r, ok := rarcs[normalize(code)]
	if !ok {
		return Code{}, false
	}
	return Code{Code: normalize(code), Kind: "RARC", Description: r.desc, Source: SourceRARC}, true
}

// Codes returns every code in the tables, CARCs first, each list in code
// order.
func Codes() []Code {
	var out []Code
	for _, k := range sortedKeys(carcs) {
		c, _ := CARC(k)
		out = append(out, c)
	}
	for _, k := range sortedKeys(rarcs) {
		r, _ := RARC(k)
		out = append(out, r)
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, compareCodes)
	return keys
}

// compareCodes orders codes as people list them: letters prefix first
// grouped, then by number (2 before 10).
func compareCodes(a, b string) int {
	pa, na := splitCode(a)
	pb, nb := splitCode(b)
	if pa != pb {
		return strings.Compare(pa, pb)
	}
	if na != nb {
		return na - nb
	}
	return strings.Compare(a, b)
}

func splitCode(s string) (string, int) {
	i := 0
	for i < len(s) && (s[i] < '0' || s[i] > '9') {
		i++
	}
	n := 0
	for _, c := range s[i:] {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
	}
	return s[:i], n
}

func normalize(code string) string { return strings.ToUpper(strings.TrimSpace(code)) }
