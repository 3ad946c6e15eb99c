// Package denial reads why a claim or a request was denied — from the
// CARC/RARC codes of an 835 and from the text of a denial letter — and says
// what kind of denial it is and what to do next, showing the code or the
// sentence behind every finding.
//
// Nothing here is legal advice: the classification is a starting point for
// a person who reads the notice, not a substitute for it.
package denial
