// Package cost computes what a course of ketamine or esketamine treatment costs a patient and
// how else it can be paid for: plan benefits arithmetic in integer cents, dated course estimates
// per scenario, financing, poverty-guideline standing, HSA/FSA and manufacturer savings.
//
// The package is pure: no I/O, no clock. Every yearly figure is data with its year and source.
// Estimates are not medical, legal or tax advice; the plan's own documents decide.
package cost
