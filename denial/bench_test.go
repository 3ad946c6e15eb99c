package denial_test

import (
	"testing"

	"github.com/ketacover/ketacover/denial"
)

// BenchmarkReadLetter reads the longest fixture letter.
func BenchmarkReadLetter(b *testing.B) {
	text := readFixtureB(b, "02-dol-model-abd-ketamine-experimental.txt")
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		denial.ReadLetter(text)
	}
}

// BenchmarkClassify classifies one remittance adjustment.
func BenchmarkClassify(b *testing.B) {
	for b.Loop() {
		denial.Classify("CO", "50", []string{"N115"})
	}
}
