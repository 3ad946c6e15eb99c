package web

import (
	"bytes"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/policy"
)

// formKey is the form's field names as a regular expression, the
// definition isFormKey is checked against.
var formKey = regexp.MustCompile(`^[a-z0-9_]+(\.[0-9]{1,2}\.[a-z_]+)?$`)

// FuzzCheckForm: any form body either comes back as problems by field or
// as a case that is valid and can be judged; it never panics, and the
// answers carried to the next page stay within the form's fields.
func FuzzCheckForm(f *testing.F) {
	for _, v := range []url.Values{formMeets(), formDoesNotMeet(), formMissing(), {}} {
		f.Add(v.Encode())
	}
	f.Add("payer=X&plan_type=individual&therapy=esketamine&indication=trd&trial.0.drug=lithium&trial.0.weeks=1e308")
	f.Add("payer=X&plan_type=individual&therapy=ketamine-iv&indication=mdsi&score.0.scale=MADRS&score.0.value=61&score.0.date=2026-02-30")
	f.Add("trial.11.drug=a&trial.12.drug=b&psych.3.type=CBT&other=none&other=ECT&diagnosis=other&diagnosis_other=f33.9")
	lib := library(f)
	f.Fuzz(func(t *testing.T, body string) {
		v, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		form := newCheckForm(v)
		c, asOf := form.caseOf()
		for k := range v {
			if isFormKey(k) != formKey.MatchString(k) {
				t.Fatalf("isFormKey(%q) = %v, the expression says %v", k, isFormKey(k), !isFormKey(k))
			}
		}
		for _, kv := range form.Hidden() {
			if !formKey.MatchString(kv[0]) || kv[0] == "action" {
				t.Fatalf("hidden field %q carried along", kv[0])
			}
		}
		var hidden bytes.Buffer
		form.writeHidden(&hidden)
		if strings.Contains(hidden.String(), "<script") {
			t.Fatalf("unescaped markup in hidden fields: %s", hidden.String())
		}
		if len(form.Errors) > 0 {
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("the form accepted an invalid case: %v", err)
		}
		d := today
		if asOf != nil {
			d = *asOf
		}
		facts, err := policy.NewFacts(c, d)
		if err != nil {
			t.Fatalf("facts: %v", err)
		}
		ds := lib.Check(facts, "")
		if len(ds) == 0 {
			t.Fatal("no determination")
		}
		for _, d := range ds {
			switch d.Outcome {
			case ketacover.OutcomeMeets, ketacover.OutcomeDoesNotMeet, ketacover.OutcomeInfoNeeded, ketacover.OutcomeNotCovered, ketacover.OutcomeNoPolicy:
			default:
				t.Fatalf("outcome %q", d.Outcome)
			}
		}
	})
}

// FuzzParseQuery: parseQuery reads any body as url.ParseQuery does: the
// same answers in the same order, and an error exactly when it errs.
func FuzzParseQuery(f *testing.F) {
	for _, v := range []url.Values{formMeets(), formDoesNotMeet(), formMissing(), {}} {
		f.Add(v.Encode())
	}
	for _, s := range []string{"a=1&a=2&b=&&c", "a=%zz&b=1", "a;b=1", "x=1+2%20&x=%41&=y&z", "other=none&other=ECT&other=none"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		want, werr := url.ParseQuery(q)
		got, err := parseQuery(q)
		if (werr == nil) != (err == nil) || werr != nil && werr.Error() != err.Error() {
			t.Fatalf("parseQuery(%q) error %v, url.ParseQuery %v", q, err, werr)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("parseQuery(%q) (-want +got):\n%s", q, diff)
		}
	})
}
