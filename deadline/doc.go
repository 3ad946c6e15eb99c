// Package deadline computes the legal clocks of a coverage fight (decision deadlines, filing
// windows) from rules kept as cited YAML data, as pure functions of the dates it is given.
//
// The rules are embedded (see Default) and can be replaced by any fs.FS (see Load). Each rule
// names its citation, the URL of its source, how sure the source is (Grade), and any open
// question the references left. Compute never reads the clock: the caller passes every date.
// Nothing here is legal advice; a notice's own dates and the plan's documents come first.
package deadline
