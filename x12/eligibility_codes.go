package x12

// The code lists of the 271 that ketacover interprets, each exactly as
// ../shared/reference/standards.md section 6.2 gives it (from Stedi's EB
// reference, https://www.stedi.com/edi/x12-005010/segment/EB, and X12 code
// list 1365 for service types). The reference marks most of them VERIFY
// against the licensed X12 lists; a code that is not here is shown as sent
// and never turned into a figure.

// benefitCodes are the EB01 codes of the reference (section 6.2, "EB
// elements").
var benefitCodes = map[string]string{
	"1":  "active coverage",
	"6":  "inactive",
	"A":  "co-insurance",
	"B":  "co-payment",
	"C":  "deductible",
	"F":  "limitations",
	"G":  "out-of-pocket",
	"I":  "non-covered",
	"L":  "primary care provider",
	"U":  "contact entity",
	"CB": "coverage basis",
}

// EB01 codes the mapping to benefits uses.
const (
	ebActive      = "1"
	ebInactive    = "6"
	ebCoinsurance = "A"
	ebCopay       = "B"
	ebDeductible  = "C"
	ebOOP         = "G"
	ebNonCovered  = "I"
)

// serviceTypes are the service type codes of the reference (section 6.2,
// "Service type codes"; X12 list 1365, also used in 270 EQ01 and 278
// UM03). MH is sourced to signaledi; the others the reference gives from
// its author's knowledge, marked VERIFY.
var serviceTypes = map[string]string{
	"1":  "medical care",
	"30": "health benefit plan coverage",
	"88": "pharmacy",
	"98": "professional (physician) office visit",
	"A4": "psychiatric",
	"A6": "psychotherapy",
	"A7": "psychiatric inpatient",
	"A8": "psychiatric outpatient",
	"CE": "mental health provider inpatient",
	"CF": "mental health provider outpatient",
	"CG": "mental health facility inpatient",
	"CH": "mental health facility outpatient",
	"MH": "mental health",
	"UC": "urgent care",
}

// ServiceTypePlan is service type 30, health benefit plan coverage: the
// generic inquiry, and the service type of plan-wide benefits.
const ServiceTypePlan = "30"

// ServiceTypesOfInterest are the service types under which a plan states
// the benefits that pay for ketamine and esketamine treatment: mental
// health and its psychiatric and psychotherapy variants, medical care and
// the office visit (an infusion or a Spravato session billed on the medical
// benefit) and pharmacy (esketamine on the pharmacy benefit). Section 6.2
// suggests 30 plus MH, A8 and 88 for an inquiry. The reference names no
// infusion service type; infusion codes appear as procedure-level benefits
// (EB13).
var ServiceTypesOfInterest = []string{"MH", "A4", "A6", "A7", "A8", "CE", "CF", "CG", "CH", "1", "98", "88"}

// ServiceTypeText returns the name of a service type code, or "" when the
// reference does not list it.
func ServiceTypeText(code string) string { return serviceTypes[code] }

// BenefitText returns the name of an EB01 code, or "" when the reference
// does not list it.
func BenefitText(code string) string { return benefitCodes[code] }

// timePeriods are the EB06 codes of the reference (section 6.2: "27 visit,
// 23 calendar year, 29 remaining"). Others (a service year, year to date)
// are shown as sent and not turned into figures.
var timePeriods = map[string]string{
	"23": "calendar year",
	"27": "visit",
	"29": "remaining",
}

// EB06 codes the mapping uses.
const (
	periodCalendarYear = "23"
	periodVisit        = "27"
	periodRemaining    = "29"
)

// PeriodText returns the name of an EB06 code, or "" when the reference
// does not list it.
func PeriodText(code string) string { return timePeriods[code] }

// EB02 coverage levels of the reference (section 6.2: "IND/FAM…").
const (
	levelIndividual = "IND"
	levelFamily     = "FAM"
)

// NetworkText returns EB12 in words: Y in network, N out of network (section
// 6.2). W and U are listed there without a meaning; they say neither, and
// are shown as sent.
func NetworkText(code string) string {
	switch code {
	case "Y":
		return "in network"
	case "N":
		return "out of network"
	case "":
		return "network not stated"
	}
	return "network indicator " + code
}

// AuthText returns EB11 in words: Y authorization or certification
// required, N not required (section 6.2); U is listed without a meaning and
// is shown as sent.
func AuthText(code string) string {
	switch code {
	case "Y":
		return "authorization required"
	case "N":
		return "no authorization required"
	case "":
		return "authorization not stated"
	}
	return "authorization indicator " + code
}
