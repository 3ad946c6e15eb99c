// Package x12 reads ASC X12 interchanges as a stream: a tokenizer that takes
// its delimiters from the ISA header and checks the ISA/GS/ST envelopes, and
// typed readers and writers for the health care transactions ketacover
// uses: the 835 remittance advice (005010X221A1), the 271 eligibility and
// benefit response (005010X279A1) and the 278 services-review request
// (005010X217).
//
// The tokenizer hands out segments whose elements are sub-slices of its
// read buffer: they are valid only until the next call to Reader.Next. This
// keeps memory flat in the size of the input and avoids an allocation per
// segment; call Segment.Clone to keep one.
//
// Sources for the X12 structure used here: ASC X12 005010X221A1 as restated
// in ../shared/reference/standards.md section 6 (ISA is fixed width, ISA11 is
// the repetition separator, ISA16 the component separator, the next byte the
// segment terminator; SE01 counts ST through SE) and the segment references
// at https://www.stedi.com/edi/x12-005010 (MOA03-07 and MIA05, MIA20-23 carry
// remark codes).
package x12
