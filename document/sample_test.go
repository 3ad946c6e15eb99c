package document

import (
	"github.com/ketacover/ketacover"
)

// sampleDoc is a letter of medical necessity that uses every block type and
// every run kind. The patient, clinic, plan and policy are fictional (the
// NPI 1234567893 is the check-digit example CMS publishes); the three works
// cited are real and confirmed in ../shared/reference/regulations-and-appeals.md
// section 3. It runs to three PDF pages, so it is also the benchmark letter.
func sampleDoc() *Doc {
	return &Doc{
		Title:   "Letter of medical necessity — esketamine (Spravato)",
		Author:  "Maple Street Psychiatry",
		Running: "Jane Q. Example · Member ID W123456789 · Ref. PA-2026-004417",
		Blocks: []Block{
			Letterhead{
				Name:    PlainText("Maple Street Psychiatry & Interventional Care"),
				Address: []Text{PlainText("1200 Maple Street, Suite 300"), PlainText("Springfield, IL 62701")},
				Phone:   PlainText("(217) 555-0142"),
				Fax:     Text{Fact("", "clinic fax number")},
				NPI:     PlainText("1234567893"),
			},
			DateLine{Date: ketacover.MustDate("2026-03-02")},
			Recipient{Lines: []Text{
				PlainText("Example Health Plan"),
				PlainText("Attn: Pharmacy Prior Authorization"),
				PlainText("PO Box 14000"),
				PlainText("Chicago, IL 60601"),
			}},
			Subject{
				Text: PlainText("Letter of medical necessity for esketamine nasal spray (Spravato) for treatment-resistant depression"),
				Fields: []Field{
					{"Patient", PlainText("Jane Q. Example")},
					{"Date of birth", PlainText("1984-07-19")},
					{"Member ID", PlainText("W123456789")},
					{"Group number", Text{Fact("  ", "group number")}},
					{"Reference", PlainText("PA-2026-004417")},
				},
			},
			Para(Plain("To the reviewing pharmacist or physician:")),
			Para(
				Plain("I am writing on behalf of my patient, Ms. Example, to request authorization of esketamine nasal spray (Spravato) 56 mg twice weekly for the induction phase. She has major depressive disorder, recurrent, severe without psychotic features (ICD-10 F33.2), and has not responded to "),
				Strong("two adequate antidepressant trials"),
				Plain(" in the current episode. Her PHQ-9 was 21 on 2026-02-17 and her MADRS "),
				Blank("MADRS score and date"),
				Plain("."),
			),
			Heading{Level: 1, Text: "Clinical history"},
			Heading{Level: 2, Text: "Antidepressant trials in the current episode"},
			Table{
				Caption: "Medication trials",
				Header:  []string{"Drug", "Class", "Dose", "Weeks", "Outcome"},
				Align:   []Align{AlignLeft, AlignLeft, AlignLeft, AlignRight},
				Rows: [][]Text{
					{PlainText("sertraline"), PlainText("SSRI"), Text{Blank("dose of sertraline")}, PlainText("8"), PlainText("No response (PHQ-9 22 → 20)")},
					{PlainText("bupropion XL"), PlainText("NDRI"), PlainText("450 mg/day"), PlainText("10"), PlainText("Partial response, then relapse")},
					{PlainText("aripiprazole (augmentation)"), PlainText("atypical antipsychotic"), PlainText("5 mg/day"), PlainText("6"), Text{Plain("Stopped for akathisia — "), Emph("not tolerated")}},
				},
			},
			Heading{Level: 3, Text: "Psychotherapy"},
			List{Items: []Text{
				PlainText("Cognitive behavioural therapy, 16 weekly sessions (2025-05 to 2025-09)."),
				Text{Plain("Behavioural activation, ongoing since 2025-11; therapist: "), Blank("therapist name")},
			}},
			Heading{Level: 1, Text: "Policy criteria"},
			Checklist{
				Caption: "Example Health Plan — esketamine criteria (illustrative)",
				Items: []Criterion{
					{Status: StatusMet, Text: PlainText("Age ≥ 18 years"), Section: "Section 1.a",
						Facts: []Text{PlainText("Age 41 on the date of request")}},
					{Status: StatusMet, Text: PlainText("Diagnosis of major depressive disorder without psychotic features"), Section: "Section 1.b",
						Facts: []Text{PlainText("F33.2, documented 2026-02-17")}},
					{Status: StatusNotMet, Text: PlainText("Failure of ≥ 2 antidepressants of adequate dose and duration (≥ 6 weeks) in the current episode"), Section: "Section 1.c",
						Facts: []Text{PlainText("bupropion XL 450 mg/day × 10 weeks"), Text{Plain("sertraline × 8 weeks at "), Blank("dose of sertraline")}}},
					{Status: StatusUnknown, Text: PlainText("Used with a newly started oral antidepressant"), Section: "Section 1.d",
						Facts: []Text{Text{Blank("oral antidepressant started with esketamine")}}},
					{Status: StatusMet, Text: PlainText("Administered at a REMS-certified healthcare setting with ≥ 2 hours of monitoring"), Section: "Section 2",
						Facts: []Text{PlainText("Clinic enrolled as a REMS healthcare setting")}},
				},
			},
			Heading{Level: 1, Text: "Why esketamine now"},
			Para(
				Plain("In a randomized withdrawal trial, esketamine with an oral antidepressant reduced relapse compared with an oral antidepressant and placebo in patients in stable remission"),
				Cite("daly-2019"),
				Plain(". Rapid antidepressant effects of NMDA antagonism in treatment-resistant depression were first shown with intravenous ketamine"),
				Cite("zarate-2006"),
				Plain(", and ketamine was non-inferior to ECT in nonpsychotic treatment-resistant depression"),
				Cite("anand-2023"),
				Plain(". Ms. Example prefers to avoid ECT because of its effect on memory; continued untreated depression puts her employment at risk."),
			),
			Para(
				Plain("A supplementary list of the records enclosed follows on the next page. Identifiers that run long, such as "),
				Plain("urn:example:record:0001-ABCDEFGHIJKLMNOPQRSTUVWXYZ-abcdefghijklmnopqrstuvwxyz-0123456789"),
				Plain(", are broken across lines rather than running off the page."),
			),
			PageBreak{},
			Heading{Level: 1, Text: "Enclosures"},
			List{Ordered: true, Items: []Text{
				PlainText("Progress notes, 2025-05-01 to 2026-02-17"),
				PlainText("PHQ-9 score history"),
				PlainText("Pharmacy fill history for sertraline, bupropion XL and aripiprazole"),
				Text{Plain("REMS healthcare-setting enrollment confirmation "), Emph("(certificate number "), Blank("REMS setting certificate number"), Emph(")")},
			}},
			References{Items: []Reference{
				{ID: "zarate-2006", Text: PlainText("Zarate CA Jr, Singh JB, Carlson PJ, et al. A randomized trial of an N-methyl-D-aspartate antagonist in treatment-resistant major depression. Arch Gen Psychiatry. 2006;63(8):856–864. doi:10.1001/archpsyc.63.8.856. PMID 16894061.")},
				{ID: "daly-2019", Text: PlainText("Daly EJ, Trivedi MH, Janik A, et al. Efficacy of esketamine nasal spray plus oral antidepressant treatment for relapse prevention in patients with treatment-resistant depression: a randomized clinical trial. JAMA Psychiatry. 2019;76(9):893–903. doi:10.1001/jamapsychiatry.2019.1189. PMID 31166571.")},
				{ID: "anand-2023", Text: PlainText("Anand A, Mathew SJ, Sanacora G, et al. Ketamine versus ECT for nonpsychotic treatment-resistant major depression. N Engl J Med. 2023;388(25):2315–2325. doi:10.1056/NEJMoa2302399. PMID 37224232.")},
			}},
			Signature{
				Name:        PlainText("Alex R. Rivera"),
				Credentials: PlainText("MD, Psychiatry"),
				NPI:         Text{Blank("prescriber NPI")},
			},
			FooterNote{Text: PlainText("Prepared with ketacover from the patient's record and the plan's published policy. It is not medical or legal advice; the prescriber reviewed and is responsible for its content.")},
		},
	}
}

// sampleBlanks are the blanks of sampleDoc in reading order.
var sampleBlanks = []Missing{
	{"clinic fax number", "letterhead, fax (block 1)"},
	{"group number", `subject line, field "Group number" (block 4)`},
	{"MADRS score and date", "paragraph (block 6)"},
	{"dose of sertraline", `table "Medication trials", row 1, column "Dose" (under "Antidepressant trials in the current episode")`},
	{"therapist name", `list, item 2 (under "Psychotherapy")`},
	{"dose of sertraline", `criteria checklist, criterion 3, fact 2 (under "Policy criteria")`},
	{"oral antidepressant started with esketamine", `criteria checklist, criterion 4, fact 1 (under "Policy criteria")`},
	{"REMS setting certificate number", `list, item 4 (under "Enclosures")`},
	{"prescriber NPI", `signature, NPI (under "Enclosures")`},
}
