package ketacover

import "strings"

// drugClasses maps generic drug names to the class policies count them in.
// Membership follows each drug's FDA Established Pharmacologic Class as
// printed in its label (DailyMed); bupropion and mirtazapine are their own
// classes because payer policies list them so (e.g. HCSC RX501.105, BCBSA
// 5.01.34: "SSRI, SNRI, TCA, bupropion, mirtazapine").
var drugClasses = map[string]string{
	// Selective serotonin reuptake inhibitors.
	"citalopram": "ssri", "escitalopram": "ssri", "fluoxetine": "ssri",
	"fluvoxamine": "ssri", "paroxetine": "ssri", "sertraline": "ssri",
	// Serotonin and norepinephrine reuptake inhibitors.
	"venlafaxine": "snri", "desvenlafaxine": "snri", "duloxetine": "snri",
	"levomilnacipran": "snri",
	// Tricyclic antidepressants.
	"amitriptyline": "tca", "nortriptyline": "tca", "imipramine": "tca",
	"desipramine": "tca", "clomipramine": "tca", "doxepin": "tca",
	"protriptyline": "tca", "trimipramine": "tca",
	// Monoamine oxidase inhibitors.
	"phenelzine": "maoi", "tranylcypromine": "maoi", "isocarboxazid": "maoi",
	"selegiline": "maoi",
	// Antidepressants policies name as classes of their own.
	"bupropion": "bupropion", "mirtazapine": "mirtazapine",
	"trazodone": "trazodone", "vortioxetine": "vortioxetine",
	"vilazodone": "vilazodone", "nefazodone": "nefazodone",
	// Augmenting agents.
	"aripiprazole": "atypical-antipsychotic", "brexpiprazole": "atypical-antipsychotic",
	"cariprazine": "atypical-antipsychotic", "quetiapine": "atypical-antipsychotic",
	"olanzapine": "atypical-antipsychotic", "risperidone": "atypical-antipsychotic",
	"lurasidone": "atypical-antipsychotic", "ziprasidone": "atypical-antipsychotic",
	"lithium": "lithium", "lithium carbonate": "lithium",
	"liothyronine": "thyroid", "levothyroxine": "thyroid",
	"buspirone": "buspirone",
}

// augmentationClasses are classes used to augment an antidepressant rather
// than as one.
var augmentationClasses = map[string]bool{
	"atypical-antipsychotic": true, "lithium": true, "thyroid": true, "buspirone": true,
}

// DrugClass returns the class of a generic drug name, or "" if unknown.
func DrugClass(drug string) string {
	return drugClasses[strings.ToLower(strings.TrimSpace(drug))]
}

// Normalize fills in what a case file may leave implicit: a trial's class
// from its drug name and its role from its class. It never overwrites a
// recorded value.
func (c *Case) Normalize() {
	for i := range c.History.Trials {
		t := &c.History.Trials[i]
		if t.Class == "" {
			t.Class = DrugClass(t.Drug)
		}
		if t.Role == "" && t.Class != "" && t.Class != "other" {
			if augmentationClasses[t.Class] {
				t.Role = "augmentation"
			} else {
				t.Role = "antidepressant"
			}
		}
	}
}
