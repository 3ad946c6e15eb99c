package rates

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// File kinds, from the keys at the root of a file.
const (
	KindInNetwork         = "in-network-rates"
	KindTableOfContents   = "table-of-contents"
	KindAllowedAmounts    = "allowed-amounts"
	KindProviderReference = "provider-reference"
)

// Options tune a scan.
type Options struct {
	Query
	// TempDir holds spill files ("" is os.TempDir()). They are removed
	// when the scan ends.
	TempDir string
	// Client fetches http(s) files and remote provider references (nil
	// is http.DefaultClient).
	Client *http.Client
	// Progress, if set, counts bytes and rows as the scan goes.
	Progress *Progress
	// Parallel is how many files ScanFiles reads at once (0 is 2).
	Parallel int
}

// Progress counts work done, updated atomically while scans run.
type Progress struct {
	Bytes      atomic.Int64 // uncompressed JSON parsed
	Compressed atomic.Int64 // bytes read from disk or network
	Rows       atomic.Int64 // rows kept
	Files      atomic.Int64 // files finished
}

// Plan is one plan of a table of contents' reporting_plans.
type Plan struct {
	Name        string
	IDType      string
	ID          string
	MarketType  string
	IssuerName  string
	SponsorName string
}

// header is the root of an in-network file.
type header struct {
	entityName, entityType string
	plan                   Plan
	lastUpdated, version   string
	seenAfterInNetwork     []string
}

// itemHeader is what an in_network item says about its code.
type itemHeader struct {
	arrangement, name, codeType, codeTypeVersion, code string
}

// Result is what the scan of one file found.
type Result struct {
	Source   string
	Kind     string
	Version  string
	Bytes    int64 // uncompressed JSON read
	Rows     int64 // rows written
	Warnings []string
	// Files are the in-network files a table of contents lists, with the
	// plans each one serves.
	Files []TOCFile
}

// TOCFile is an in-network file named by a table of contents.
type TOCFile struct {
	Location string
	Plans    []Plan
}

// scanner reads one file.
type scanner struct {
	ctx    context.Context
	l      *lexer
	src    string
	opt    Options
	f      *filter
	store  *refStore
	hdr    header
	plans  []Plan // from a table of contents; nil uses hdr.plan
	emit   func([]Rate) error
	res    Result
	exp    expander   // makes the rows of kept items
	warnMu sync.Mutex // res.Warnings, which the expander adds to

	batch      []Rate
	free       <-chan []Rate // batches to reuse, or nil
	seen       seenSet
	seed       maphash.Seed
	h          maphash.Hash
	refsSeen   bool // provider_references fully read
	inNetwork  bool // in_network started
	deferred   spill
	itemSpill  spill
	item       enc // entries of the current matching item
	itemRefs   bool
	need       map[string]bool // ref ids deferred items use
	needAll    bool            // need grew past needMax: every id is needed
	remote     map[string][]byte
	grp        groupState
	ent        enc
	unresolved int
	hashes     []uint64
	tocIndex   map[string]int

	// reused while reading a negotiated_rates entry
	refs   []string
	groups enc
	prices []price

	// reused while turning an entry into rows
	provs       []provider
	entryPrices []price
}

type price struct {
	typ, rate, exp, class, setting, info string
	service, mods                        []string
}

// groupState accumulates one provider group while it is read: NPIs go to
// an arena (encoded by appendNPI) until the TIN, which may come after
// them, decides.
type groupState struct {
	tinType, tin, business []byte
	arena                  []byte
	n                      int // NPIs in arena
	// ends and hits, kept only when the query names providers, are where
	// each NPI ends in arena and whether the query asks for it.
	ends []int
	hits []bool
}

// Scan reads one in-network-rates file (or a table of contents, whose
// listed files it returns in Result.Files without following them) and
// calls emit with batches of kept rows; emit owns each batch. A syntax error comes back as a
// *SyntaxError after every row before it has been emitted.
func Scan(ctx context.Context, src string, opt Options, emit func([]Rate) error) (Result, error) {
	return scanFile(ctx, src, nil, opt, emit, nil)
}

// scanFile scans src. free, if not nil, hands back batches that emit's
// receiver has finished with, so that the scan refills them instead of
// allocating (a batch is about 480 KiB; an unfiltered scan emits
// thousands).
func scanFile(ctx context.Context, src string, plans []Plan, opt Options, emit func([]Rate) error, free <-chan []Rate) (Result, error) {
	if err := opt.Query.Validate(); err != nil {
		return Result{Source: src}, err
	}
	raw, err := openRaw(ctx, opt.Client, src)
	if err != nil {
		return Result{Source: src}, err
	}
	var compressed atomic.Int64
	p := startPipe(ctx, raw, &compressed)
	defer p.close()
	s := newScanner(ctx, src, p, plans, opt, emit)
	s.free = free
	defer s.close()
	var last, lastC int64
	s.l.onChunk = func(off int64) {
		if pr := opt.Progress; pr != nil {
			pr.Bytes.Add(off - last)
			c := compressed.Load()
			pr.Compressed.Add(c - lastC)
			last, lastC = off, c
		}
	}
	err = s.run()
	if pr := opt.Progress; pr != nil {
		pr.Bytes.Add(s.l.offset() - last)
		pr.Compressed.Add(compressed.Load() - lastC)
	}
	return s.res, err
}

func newScanner(ctx context.Context, src string, in source, plans []Plan, opt Options, emit func([]Rate) error) *scanner {
	s := &scanner{
		ctx:    ctx,
		l:      newLexer(src, in),
		src:    src,
		opt:    opt,
		f:      newFilter(opt.Query),
		store:  newRefStore(opt.TempDir),
		plans:  plans,
		emit:   emit,
		seed:   maphash.MakeSeed(),
		need:   map[string]bool{},
		remote: map[string][]byte{},
	}
	s.h.SetSeed(s.seed)
	s.res.Source = src
	s.deferred.dir = opt.TempDir
	s.itemSpill.dir = opt.TempDir
	return s
}

func (s *scanner) close() {
	s.stopExpander()
	s.store.close()
	s.deferred.close()
	s.itemSpill.close()
}

// warnf notes a warning. The scanner and the expander both call it.
func (s *scanner) warnf(format string, args ...any) {
	s.warnMu.Lock()
	defer s.warnMu.Unlock()
	if len(s.res.Warnings) < 100 {
		s.res.Warnings = append(s.res.Warnings, fmt.Sprintf(format, args...))
	}
}

// run reads the root object. Rows found before an error are flushed, so
// that the output keeps everything read up to the bad byte.
func (s *scanner) run() error {
	err := s.root()
	if derr := s.drain(); err == nil {
		err = derr
	}
	if err == nil {
		err = s.finish()
	}
	if ferr := s.flush(); err == nil {
		err = ferr
	}
	s.res.Bytes = s.l.offset()
	return err
}

func (s *scanner) root() error {
	l := s.l
	if err := l.expect('{'); err != nil {
		return err
	}
	for first := true; ; first = false {
		ok, err := l.more(first, '}')
		if err != nil || !ok {
			if err == nil {
				return s.trailing()
			}
			return err
		}
		k, err := l.key()
		if err != nil {
			return err
		}
		key := string(k)
		if key != "in_network" {
			// Header fields and provider_references change what the
			// expander reads: it finishes the items before them first.
			if err := s.drain(); err != nil {
				return err
			}
		}
		l.push(key)
		switch key {
		case "reporting_entity_name":
			s.hdr.entityName, err = s.text()
		case "reporting_entity_type":
			s.hdr.entityType, err = s.text()
		case "plan_name":
			s.hdr.plan.Name, err = s.text()
		case "plan_id_type":
			s.hdr.plan.IDType, err = s.text()
		case "plan_id":
			s.hdr.plan.ID, err = s.text()
		case "plan_market_type":
			s.hdr.plan.MarketType, err = s.text()
		case "issuer_name":
			s.hdr.plan.IssuerName, err = s.text()
		case "plan_sponsor_name":
			s.hdr.plan.SponsorName, err = s.text()
		case "last_updated_on":
			s.hdr.lastUpdated, err = s.text()
		case "version":
			s.hdr.version, err = s.text()
			s.res.Version = s.hdr.version
		case "provider_references":
			s.setKind(KindInNetwork)
			err = s.providerRefs()
		case "in_network":
			s.setKind(KindInNetwork)
			err = s.inNetworkArray()
		case "reporting_structure":
			s.setKind(KindTableOfContents)
			err = s.reportingStructure()
		case "out_of_network":
			s.setKind(KindAllowedAmounts)
			err = l.skip()
		case "provider_groups":
			s.setKind(KindProviderReference)
			err = l.skip()
		default:
			err = l.skip()
		}
		l.pop()
		if err != nil {
			return err
		}
		if s.inNetwork && isHeaderKey(key) {
			s.hdr.seenAfterInNetwork = append(s.hdr.seenAfterInNetwork, key)
		}
	}
}

func isHeaderKey(k string) bool {
	switch k {
	case "reporting_entity_name", "reporting_entity_type", "plan_name", "plan_id_type", "plan_id",
		"plan_market_type", "issuer_name", "plan_sponsor_name", "last_updated_on":
		return true
	}
	return false
}

func (s *scanner) setKind(k string) {
	if s.res.Kind == "" {
		s.res.Kind = k
	}
}

// trailing checks that nothing but whitespace follows the root object.
func (s *scanner) trailing() error {
	end, err := s.l.atEnd()
	if err != nil {
		return err
	}
	if !end {
		return s.l.errorf("data after the end of the JSON document")
	}
	return nil
}

// finish emits the rates that waited for provider_references and says
// what could not be resolved.
func (s *scanner) finish() error {
	if s.deferred.n > 0 {
		s.refsSeen = true
		var h itemHeader
		started := false
		err := s.deferred.each(func(rec []byte) error {
			d := dec{b: rec}
			switch d.byte1() {
			case 'H':
				h = itemHeader{d.str(), d.str(), d.str(), d.str(), d.str()}
				s.seen.reset()
				started = true
				return d.err
			default:
				if !started {
					return errCorrupt
				}
				return s.emitEntry(&h, rec[1:])
			}
		})
		if err != nil {
			return err
		}
	}
	if s.unresolved > 0 {
		s.warnf("%d provider_references ids used by kept rates are not defined in the file", s.unresolved)
	}
	if len(s.hdr.seenAfterInNetwork) > 0 {
		s.warnf("%s came after in_network: rows before them lack these fields", strings.Join(s.hdr.seenAfterInNetwork, ", "))
	}
	switch s.res.Kind {
	case "":
		s.warnf("no in_network, provider_references or reporting_structure: not a Transparency in Coverage file")
	case KindAllowedAmounts:
		s.warnf("an allowed-amounts file: it has out-of-network allowed amounts, not negotiated rates")
	case KindProviderReference:
		s.warnf("a provider-reference file: scan the in-network file that points at it")
	}
	return nil
}

// text reads a scalar as a string ("" for null).
func (s *scanner) text() (string, error) {
	t, isStr, err := s.l.scalar()
	if err != nil {
		return "", err
	}
	if !isStr && string(t) == "null" {
		return "", nil
	}
	return string(t), nil
}

// texts reads an array of scalars (a lone scalar is taken as one).
func (s *scanner) texts(dst []string) ([]string, error) {
	l := s.l
	c, err := l.peek()
	if err != nil {
		return nil, err
	}
	if c != '[' {
		t, err := s.text()
		if t != "" {
			dst = append(dst, t)
		}
		return dst, err
	}
	l.pos++
	l.pushIndex()
	defer l.pop()
	for i := 0; ; i++ {
		ok, err := l.more(i == 0, ']')
		if err != nil || !ok {
			return dst, err
		}
		l.setIndex(i)
		t, err := s.text()
		if err != nil {
			return nil, err
		}
		dst = append(dst, t)
	}
}

// array calls fn for each element of an array, keeping the path.
func (s *scanner) array(fn func() error) error {
	l := s.l
	if err := l.expect('['); err != nil {
		return err
	}
	l.pushIndex()
	defer l.pop()
	for i := 0; ; i++ {
		ok, err := l.more(i == 0, ']')
		if err != nil || !ok {
			return err
		}
		l.setIndex(i)
		if err := fn(); err != nil {
			return err
		}
	}
}

// object calls fn with each key of an object; fn reads the value.
func (s *scanner) object(fn func(key []byte) error) error {
	l := s.l
	if err := l.expect('{'); err != nil {
		return err
	}
	for first := true; ; first = false {
		ok, err := l.more(first, '}')
		if err != nil || !ok {
			return err
		}
		k, err := l.key()
		if err != nil {
			return err
		}
		if err := fn(k); err != nil {
			return err
		}
	}
}

// field runs read with key pushed on the path.
func (s *scanner) field(key string, read func() error) error {
	s.l.push(key)
	err := read()
	s.l.pop()
	return err
}

// ---- provider_references ----

// providerRefs reads the root provider_references array into the store.
func (s *scanner) providerRefs() error {
	err := s.array(func() error {
		var id, network, location string
		s.groups.reset()
		gotGroups := false
		err := s.object(func(k []byte) error {
			switch string(k) {
			case "provider_group_id":
				return s.field("provider_group_id", func() (err error) { id, err = s.text(); return })
			case "network_name":
				return s.field("network_name", func() error {
					names, err := s.texts(nil)
					network = strings.Join(names, ";")
					return err
				})
			case "provider_groups":
				gotGroups = true
				return s.field("provider_groups", func() error { return s.readGroups(&s.groups) })
			case "location":
				return s.field("location", func() (err error) { location, err = s.text(); return })
			default:
				return s.field(string(k), s.l.skip)
			}
		})
		if err != nil {
			return err
		}
		if id == "" {
			s.warnf("provider_references entry without provider_group_id at byte %d", s.l.offset())
			return nil
		}
		id = normID(id)
		if s.inNetwork && !s.needAll && !s.need[id] {
			return nil // references after in_network: keep only those used
		}
		s.ent.reset()
		switch {
		case location != "" && !gotGroups:
			s.ent.byte1('L')
			s.ent.str(location)
		default:
			if len(s.groups.b) == 0 {
				s.groups.byte1(0)
			}
			if s.f.providers() && len(s.groups.b) == 1 {
				return nil // no provider the query asks for
			}
			s.ent.byte1('G')
			s.ent.str(network)
			s.ent.b = append(s.ent.b, s.groups.b...)
		}
		return s.store.put(id, s.ent.b)
	})
	if err == nil {
		s.refsSeen = true
	}
	return err
}

// readGroups reads a provider_groups array and appends the groups (and the
// NPIs in them) that pass the provider filter to e, ending with a 0 byte.
func (s *scanner) readGroups(e *enc) error {
	err := s.array(func() error {
		g := &s.grp
		g.tinType, g.tin, g.business = g.tinType[:0], g.tin[:0], g.business[:0]
		g.arena, g.ends, g.hits, g.n = g.arena[:0], g.ends[:0], g.hits[:0], 0
		err := s.object(func(k []byte) error {
			switch string(k) {
			case "npi":
				return s.field("npi", s.readNPIs)
			case "tin":
				return s.field("tin", func() error {
					return s.object(func(k []byte) error {
						switch string(k) {
						case "type":
							t, _, err := s.l.scalar()
							g.tinType = append(g.tinType[:0], t...)
							return err
						case "value":
							t, _, err := s.l.scalar()
							g.tin = append(g.tin[:0], t...)
							return err
						case "business_name":
							t, _, err := s.l.scalar()
							g.business = append(g.business[:0], t...)
							return err
						default:
							return s.field(string(k), s.l.skip)
						}
					})
				})
			default:
				return s.field(string(k), s.l.skip)
			}
		})
		if err != nil {
			return err
		}
		s.keepGroup(e)
		return nil
	})
	e.byte1(0)
	return err
}

// readNPIs reads a group's npi array (numbers, or strings in some files).
func (s *scanner) readNPIs() error {
	l := s.l
	all := !s.f.providers() || s.f.tins != nil
	c, err := l.peek()
	if err != nil {
		return err
	}
	if c != '[' { // a lone NPI
		t, _, err := l.scalar()
		if err != nil {
			return err
		}
		s.addNPI(t, all)
		return nil
	}
	l.pos++
	l.pushIndex()
	defer l.pop()
	i, done := s.npiRun(all)
	if done {
		return nil
	}
	for ; ; i++ {
		ok, err := l.more(i == 0, ']')
		if err != nil || !ok {
			return err
		}
		l.setIndex(i)
		c, err := l.peek()
		if err != nil {
			return err
		}
		var t []byte
		if c >= '0' && c <= '9' {
			t, err = l.num()
		} else {
			t, _, err = l.scalar()
		}
		if err != nil {
			return err
		}
		s.addNPI(t, all)
	}
}

// npiRun is the fast path of readNPIs, from just after the '[': the
// canonical numbers of a minified array, each with its ',' or ']' in this
// chunk, tested against the filter as their digits are read. It stops
// before anything else (whitespace, a string, the end of the chunk) and
// returns how many NPIs it took, and whether it read the closing ']'.
func (s *scanner) npiRun(all bool) (int, bool) {
	l := s.l
	b := l.buf
	p := l.pos
	filter := s.f.npis != nil
	for i := 0; ; i++ {
		j := p
		if i > 0 {
			j++ // the ',' that stopped the last number
		}
		start := j
		var v uint64
		if j+8 <= len(b) {
			// Eight digits at once (an NPI has ten).
			if d, ok := digits8(binary.LittleEndian.Uint64(b[j:])); ok {
				v, j = d, j+8
			}
		}
		for j < len(b) && b[j]-'0' <= 9 && j-start < 19 {
			v = v*10 + uint64(b[j]-'0')
			j++
		}
		n := j - start
		if n == 0 || j >= len(b) || (b[j] != ',' && b[j] != ']') || (b[start] == '0' && n > 1) {
			l.pos = p
			return i, false
		}
		hit := filter && s.f.npiValue(v)
		if all || hit {
			if n <= maxNPIValueDigits {
				s.keepNPIValue(v, hit)
			} else {
				s.keepNPI(b[start:j], hit)
			}
		}
		if b[j] == ']' {
			l.pos = j + 1
			return i + 1, true
		}
		p = j
	}
}

func (s *scanner) addNPI(t []byte, all bool) {
	hit := s.f.npi(t)
	if all || hit {
		s.keepNPI(t, hit)
	}
}

// keepNPI adds an NPI of the group being read, in its encoded form
// (appendNPI).
func (s *scanner) keepNPI(t []byte, hit bool) {
	g := &s.grp
	g.arena = appendNPI(g.arena, t)
	g.n++
	if s.f.providers() {
		g.ends = append(g.ends, len(g.arena))
		g.hits = append(g.hits, hit)
	}
}

// keepNPIValue is keepNPI for an NPI whose digits the lexer has already
// read as v (canonical, at most maxNPIValueDigits digits).
func (s *scanner) keepNPIValue(v uint64, hit bool) {
	g := &s.grp
	g.arena = binary.AppendUvarint(g.arena, v<<1)
	g.n++
	if s.f.providers() {
		g.ends = append(g.ends, len(g.arena))
		g.hits = append(g.hits, hit)
	}
}

// digits8 returns the value of the eight ASCII digits of x (the first in
// its lowest byte), if they are all digits.
func digits8(x uint64) (uint64, bool) {
	d := x - '0'*ones
	// A byte below '0' sets its high bit in d, one above '9' in x+0x46,
	// one of 0x80 or more in x.
	if (d|(x+0x46*ones)|x)&highs != 0 {
		return 0, false
	}
	d = d*10 + d>>8 // pairs of digits, in the even bytes
	d = (d&0x00ff00ff00ff00ff)*100 + (d>>16)&0x00ff00ff00ff00ff
	d = (d&0x0000ffff0000ffff)*10000 + (d>>32)&0x0000ffff0000ffff
	return d & 0xffffffff, true
}

// maxNPIValueDigits is the longest number appendNPI stores as a value:
// 18 digits shifted left by one still fit in 64 bits.
const maxNPIValueDigits = 18

// appendNPI encodes one NPI as the file wrote it. NPIs are most of what
// the provider store holds (every NPI of the file when no provider filter
// is given), so a canonical number (digits, no leading zero, at most 18)
// is stored as its value, uvarint(v<<1): 5 bytes for a 10-digit NPI
// instead of 11. Anything else is uvarint(len<<1|1) and the text.
// dec.npi gives back the same text either way.
func appendNPI(dst, t []byte) []byte {
	if v, ok := canonicalDigits(t); ok {
		return binary.AppendUvarint(dst, v<<1)
	}
	dst = binary.AppendUvarint(dst, uint64(len(t))<<1|1)
	return append(dst, t...)
}

// canonicalDigits returns the value of t if t is a number that prints
// back as t: 1 to maxNPIValueDigits digits, no leading zero but "0".
func canonicalDigits(t []byte) (uint64, bool) {
	if len(t) == 0 || len(t) > maxNPIValueDigits || (t[0] == '0' && len(t) > 1) {
		return 0, false
	}
	var v uint64
	for _, c := range t {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	return v, true
}

// npi reads an NPI that appendNPI wrote.
func (d *dec) npi() string {
	x := d.uvarint()
	if x&1 == 0 {
		return strconv.FormatUint(x>>1, 10)
	}
	n := x >> 1
	if n > uint64(len(d.b)-d.i) {
		d.err = errCorrupt
		d.i = len(d.b)
		return ""
	}
	t := string(d.b[d.i : d.i+int(n)])
	d.i += int(n)
	return t
}

// keepGroup appends the finished group to e if any of it passes the
// filter: all its NPIs when there is no provider filter or its TIN is
// asked for, else the NPIs asked for.
func (s *scanner) keepGroup(e *enc) {
	g := &s.grp
	all := !s.f.providers() || s.f.tin(g.tin)
	n := g.n // with no provider filter every NPI, and no ends or hits
	if s.f.providers() {
		n = 0
		for _, h := range g.hits {
			if all || h {
				n++
			}
		}
	}
	if n == 0 {
		if !all || len(g.tin) == 0 {
			return
		}
	}
	e.byte1(1)
	e.bytes(g.tinType)
	e.bytes(g.tin)
	e.bytes(g.business)
	if n == 0 {
		// A group without NPIs is a TIN-only contract, as npi [0] is.
		e.uvarint(1)
		e.b = appendNPI(e.b, []byte("0"))
		return
	}
	e.uvarint(uint64(n))
	if !s.f.providers() {
		e.b = append(e.b, g.arena...) // encoded by appendNPI
		return
	}
	start := 0
	for i, end := range g.ends {
		if all || g.hits[i] {
			e.b = append(e.b, g.arena[start:end]...) // encoded by appendNPI
		}
		start = end
	}
}

// ---- table of contents ----

func (s *scanner) reportingStructure() error {
	if s.tocIndex == nil {
		s.tocIndex = map[string]int{}
	}
	return s.array(func() error {
		var plans []Plan
		var locs []string
		err := s.object(func(k []byte) error {
			switch string(k) {
			case "reporting_plans":
				return s.field("reporting_plans", func() error {
					return s.array(func() error {
						var p Plan
						err := s.object(func(k []byte) error {
							var dst *string
							switch string(k) {
							case "plan_name":
								dst = &p.Name
							case "plan_id_type":
								dst = &p.IDType
							case "plan_id":
								dst = &p.ID
							case "plan_market_type":
								dst = &p.MarketType
							case "issuer_name":
								dst = &p.IssuerName
							case "plan_sponsor_name":
								dst = &p.SponsorName
							default:
								return s.field(string(k), s.l.skip)
							}
							return s.field(string(k), func() (err error) { *dst, err = s.text(); return })
						})
						plans = append(plans, p)
						return err
					})
				})
			case "in_network_files":
				return s.field("in_network_files", func() error {
					return s.array(func() error {
						return s.object(func(k []byte) error {
							if string(k) != "location" {
								return s.field(string(k), s.l.skip)
							}
							return s.field("location", func() error {
								loc, err := s.text()
								if loc != "" {
									locs = append(locs, loc)
								}
								return err
							})
						})
					})
				})
			default:
				return s.field(string(k), s.l.skip)
			}
		})
		for _, loc := range locs {
			i, ok := s.tocIndex[loc]
			if !ok {
				i = len(s.res.Files)
				s.tocIndex[loc] = i
				s.res.Files = append(s.res.Files, TOCFile{Location: loc})
			}
			s.res.Files[i].Plans = append(s.res.Files[i].Plans, plans...)
		}
		return err
	})
}
