package x12_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ketacover/ketacover/x12"
)

// samplesDir is ../shared/samples/x12 seen from this package's directory
// (the module root's parent holds shared/).
var samplesDir = filepath.Join("..", "..", "shared", "samples", "x12")

// sample returns the path of a shared sample, skipping the test when the
// shared folder is not there (a checkout without ../shared).
func sample(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join(samplesDir, name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared X12 sample %s not found (%v); these tests read ../shared/samples/x12 in place", p, err)
	}
	return p
}

// readAll tokenizes input and returns each segment as text, the problems
// and the final error (nil at a clean end).
func readAll(t testing.TB, in io.Reader) ([]string, []x12.Problem, error) {
	t.Helper()
	r := x12.NewReader(in)
	var segs []string
	for {
		s, err := r.Next()
		if err == io.EOF {
			return segs, r.Problems(), nil
		}
		if err != nil {
			return segs, r.Problems(), err
		}
		segs = append(segs, s.String())
	}
}

func TestReaderSamples(t *testing.T) {
	tests := []struct {
		file     string
		segments int
		last     string
		delims   x12.Delimiters
	}{
		{"lfh-cob-contractural-adjustment.835", 29, "IEA*1*000000907", x12.Delimiters{Element: '*', Repetition: '^', Component: ':', Segment: '~'}},
		{"lfh-managed-care.835", 30, "IEA*1*000000907", x12.Delimiters{Element: '*', Repetition: '^', Component: ':', Segment: '~'}},
		{"lfh-secondary-payment.835", 42, "IEA*1*000000907", x12.Delimiters{Element: '*', Repetition: '^', Component: ':', Segment: '~'}},
		{"lfh-subscriber-health-benefit-check.270", 17, "IEA*1*000000907", x12.Delimiters{Element: '*', Repetition: '^', Component: ':', Segment: '~'}},
		{"lfh-subscriber-health-benefit-check.271", 26, "IEA*1*000000907", x12.Delimiters{Element: '*', Repetition: '^', Component: ':', Segment: '~'}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(sample(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			r := x12.NewReader(f)
			var segs []string
			for {
				s, err := r.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("Next: %v", err)
				}
				segs = append(segs, s.String())
			}
			if len(segs) != tt.segments || segs[len(segs)-1] != tt.last {
				t.Errorf("got %d segments ending %q, want %d ending %q", len(segs), segs[len(segs)-1], tt.segments, tt.last)
			}
			if diff := cmp.Diff(tt.delims, r.Delimiters()); diff != "" {
				t.Errorf("delimiters (-want +got):\n%s", diff)
			}
			if len(r.Problems()) != 0 {
				t.Errorf("problems in a valid envelope: %v", r.Problems())
			}
		})
	}
}

// The 271 sample repeats EB03 with the ISA11 separator "^".
func TestSegmentRepetitions(t *testing.T) {
	f, err := os.Open(sample(t, "lfh-subscriber-health-benefit-check.271"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := x12.NewReader(f)
	var got [][]string
	for {
		s, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if s.Is("EB") && s.Len() >= 3 && len(s.Element(3)) > 0 {
			var reps []string
			for rep := range s.Repetitions(3) {
				reps = append(reps, string(rep))
			}
			got = append(got, reps)
		}
	}
	want := [][]string{{"30"}}
	all := []string{"1", "33", "35", "47", "86", "88", "98", "AL", "MH", "UC"}
	want = append(want, all, all, all)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("EB03 repetitions (-want +got):\n%s", diff)
	}
}

// The secondary-payment sample declares ":" in ISA16 but writes ">" inside
// SVC01; the delimiters come from ISA, so "HC>12345>26" stays one component.
func TestComponentsFromISA(t *testing.T) {
	f, err := os.Open(sample(t, "lfh-secondary-payment.835"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := x12.NewReader(f)
	var got []string
	for {
		s, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if s.Is("SVC") {
			got = append(got, string(s.Component(1, 1)), string(s.Component(1, 2)))
		}
	}
	want := []string{"HC>12345>26", "", "HC>66543>26", ""}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("SVC01 components (-want +got):\n%s", diff)
	}
}

func TestReaderFixtureDelimiters(t *testing.T) {
	tests := []struct {
		file   string
		delims []x12.Delimiters // one per interchange
		segs   int
	}{
		{"delims-newline.835", []x12.Delimiters{{Element: '|', Repetition: '}', Component: '>', Segment: '\n'}}, 26},
		{"multi-cas.835", []x12.Delimiters{{Element: '*', Repetition: '^', Component: ':', Segment: '~'}}, 59},
		{"multi-transaction.835", []x12.Delimiters{
			{Element: '*', Repetition: '^', Component: ':', Segment: '~'},
			{Element: '^', Repetition: '{', Component: '\\', Segment: '!'},
		}, 118},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			r := x12.NewReader(f)
			var got []x12.Delimiters
			n := 0
			for {
				s, err := r.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				n++
				if s.Is("ISA") {
					got = append(got, s.Delimiters())
				}
				if s.Number != n {
					t.Errorf("segment %d numbered %d", n, s.Number)
				}
			}
			if diff := cmp.Diff(tt.delims, got); diff != "" {
				t.Errorf("delimiters (-want +got):\n%s", diff)
			}
			if n != tt.segs {
				t.Errorf("read %d segments, want %d", n, tt.segs)
			}
			if len(r.Problems()) != 0 {
				t.Errorf("problems: %v", r.Problems())
			}
		})
	}
}

const isaStar = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261105*0930*^*00501*000000001*0*T*:~"

func TestReaderTolerance(t *testing.T) {
	body := "GS*HP*S*R*20261105*0930*1*X*005010X221A1~ST*835*0001~BPR*I*0*C*NON~SE*3*0001~GE*1*1~IEA*1*000000001~"
	tests := []struct {
		name     string
		in       string
		want     []string
		problems []string
	}{
		{"no line breaks", isaStar + body, nil, nil},
		{"CR LF after each segment", strings.ReplaceAll(isaStar+body, "~", "~\r\n"), nil, nil},
		{"blank lines and a trailing newline", strings.ReplaceAll(isaStar+body, "~", "~\n\n"), nil, nil},
		{"UTF-8 byte order mark", "\xEF\xBB\xBF" + isaStar + body, nil, nil},
		{"trimmed ISA fields", strings.Replace(isaStar, "SENDER         ", "SENDER", 1) + body, nil,
			[]string{"segment 1 (byte 0): ISA is 97 bytes, not the fixed 106; delimiters taken by counting elements"}},
		{"4010 ISA11 standards identifier", strings.Replace(strings.Replace(isaStar, "*^*00501", "*U*00401", 1), "", "", 0) + body, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			segs, probs, err := readAll(t, strings.NewReader(tt.in))
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			if len(segs) != 7 || segs[0][:3] != "ISA" || segs[6] != "IEA*1*000000001" || segs[3] != "BPR*I*0*C*NON" {
				t.Errorf("segments: %q", segs)
			}
			var got []string
			for _, p := range probs {
				got = append(got, p.String())
			}
			if diff := cmp.Diff(tt.problems, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReaderRepetitionByVersion(t *testing.T) {
	in := strings.Replace(isaStar, "*^*00501", "*U*00401", 1) + "IEA*0*000000001~"
	r := x12.NewReader(strings.NewReader(in))
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	if got := r.Delimiters().Repetition; got != 0 {
		t.Errorf("repetition separator for ISA11 U is %q, want none", got)
	}
}

func TestReaderEnvelopeProblems(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"bad-envelope.835", []string{
			`segment 23 (byte 843): SE01 says "99" segments, transaction set 0001 has 21 (ST through SE)`,
			`segment 23 (byte 843): SE02 control number "0009" does not match ST02 "0001" (segment 3)`,
			`segment 24 (byte 855): GE01 says "3" transaction sets, group 4870 has 1`,
			`segment 25 (byte 866): IEA02 control number "000004871" does not match ISA13 "000004870" (segment 1)`,
		}},
		{"missing-se.835", []string{
			`segment 36 (byte 1068): transaction set 835 0001 (ST at segment 3) has no SE before ST`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			_, probs, err := readAll(t, f)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range probs {
				got = append(got, p.String())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// The byte offset a problem names is where the segment starts.
func TestProblemOffsetPointsAtSegment(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "bad-envelope.835"))
	if err != nil {
		t.Fatal(err)
	}
	_, probs, err := readAll(t, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range probs {
		id := p.Message[:2]
		if !bytes.HasPrefix(data[p.Offset:], []byte(id)) {
			t.Errorf("problem %q: byte %d starts %q", p, p.Offset, data[p.Offset:p.Offset+10])
		}
	}
}

func TestReaderErrors(t *testing.T) {
	valid := isaStar + "GS*HP*S*R*20261105*0930*1*X*005010X221A1~ST*835*0001~BPR*I*0*C*NON~SE*3*0001~GE*1*1~IEA*1*000000001~"
	tests := []struct {
		name      string
		in        string
		segs      int
		truncated bool
		msg       string
	}{
		{"empty", "", 0, true, "segment 1 (byte 0): empty input: want an ISA header"},
		{"only line breaks", "\r\n\n", 0, true, "segment 1 (byte 3): empty input: want an ISA header"},
		{"not X12", "hello, world", 0, false, `segment 1 (byte 0): want an ISA header at the start of the input, got "hello, world"`},
		{"JSON", `{"resourceType":"Claim"}`, 0, false, `segment 1 (byte 0): want an ISA header at the start of the input, got "{\"resourceType\":\"Claim\"}"`},
		{"short ISA", isaStar[:60], 0, true, "segment 1 (byte 0): input ends inside the ISA header: the file is truncated"},
		{"letter as element separator", "ISAX00X" + strings.Repeat("Y", 120), 0, false, "segment 1 (byte 0): ISA element separator 'X' is a letter, digit or blank"},
		{"cut inside a segment", valid[:len(valid)-20], 5, true, `segment 6 (byte 183): input ends inside segment "GE*": no segment terminator '~'; the file is truncated`},
		{"no IEA", valid[:len(valid)-len("IEA*1*000000001~")], 6, true, "segment 7 (byte 190): input ends after segment 6 without IEA for interchange 000000001 (segment 1); the file is truncated"},
		{"cut after ST", valid[:strings.Index(valid, "BPR")], 3, true, "segment 4 (byte 159): input ends after segment 3 inside transaction 835 0001 (segment 3) without SE, GE or IEA; the file is truncated"},
		{"garbage after IEA", valid + "\nTHE END", 7, false, `segment 8 (byte 207): want an ISA header after IEA, got "THE END"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			segs, _, err := readAll(t, strings.NewReader(tt.in))
			var se *x12.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %v (%T), want a *x12.SyntaxError", err, err)
			}
			if err.Error() != tt.msg {
				t.Errorf("error\n got %s\nwant %s", err, tt.msg)
			}
			if x12.IsTruncated(err) != tt.truncated {
				t.Errorf("IsTruncated = %v, want %v", x12.IsTruncated(err), tt.truncated)
			}
			if len(segs) != tt.segs {
				t.Errorf("read %d segments before the error, want %d", len(segs), tt.segs)
			}
		})
	}
}

// A segment longer than MaxSegmentSize is refused instead of growing the
// buffer without bound.
func TestReaderSegmentTooLong(t *testing.T) {
	in := io.MultiReader(strings.NewReader(isaStar+"GS*HP*"), &repeatReader{b: 'A', n: x12.MaxSegmentSize + 10})
	_, _, err := readAll(t, in)
	if err == nil || !strings.Contains(err.Error(), "no segment terminator '~' within 1048576 bytes") {
		t.Fatalf("error = %v, want a segment-too-long error", err)
	}
}

type repeatReader struct {
	b byte
	n int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, io.EOF
	}
	k := min(len(p), r.n)
	for i := range k {
		p[i] = r.b
	}
	r.n -= k
	return k, nil
}

// Once Next fails, it keeps returning the same error.
func TestReaderStickyError(t *testing.T) {
	r := x12.NewReader(strings.NewReader("nope"))
	_, err1 := r.Next()
	_, err2 := r.Next()
	if err1 == nil || err1 != err2 {
		t.Errorf("errors %v then %v, want the same non-nil error", err1, err2)
	}
}

// Reading segments allocates nothing per segment: memory does not grow
// with the input.
func TestReaderAllocations(t *testing.T) {
	data := memInput(nil)
	r := x12.NewReader(bytes.NewReader(data))
	for range 100 { // warm up: element slice reaches its size
		if _, err := r.Next(); err != nil {
			t.Fatal(err)
		}
	}
	allocs := testing.AllocsPerRun(10000, func() {
		s, err := r.Next()
		if err != nil || s.Is("ST") { // ST allocates its control number, once per 2000 claims
			return
		}
	})
	if allocs > 0.01 {
		t.Errorf("%.3f allocations per segment, want none", allocs)
	}
}

func TestSegmentAccessors(t *testing.T) {
	r := x12.NewReader(strings.NewReader(isaStar + "GS*HP*S*R*20261105*0930*1*X*005010X221A1~ST*835*0001~SVC*HC:99214:25:GT*200.00*0**1~"))
	var svc x12.Segment
	for {
		s, err := r.Next()
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		if s.Is("SVC") {
			svc = s.Clone()
			break
		}
	}
	got := []string{string(svc.ID()), string(svc.Element(1)), string(svc.Component(1, 1)), string(svc.Component(1, 2)),
		string(svc.Component(1, 4)), string(svc.Component(1, 5)), string(svc.Element(4)), string(svc.Element(9))}
	want := []string{"SVC", "HC:99214:25:GT", "HC", "99214", "GT", "", "", ""}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("accessors (-want +got):\n%s", diff)
	}
	if svc.Len() != 5 || svc.Number != 4 || svc.Offset != 159 {
		t.Errorf("Len %d Number %d Offset %d, want 5 4 159", svc.Len(), svc.Number, svc.Offset)
	}
	comps := slices.Collect(svc.Components(1))
	if len(comps) != 4 {
		t.Errorf("Components: %q", comps)
	}
	if svc.String() != "SVC*HC:99214:25:GT*200.00*0**1" {
		t.Errorf("String() = %q", svc.String())
	}
}
