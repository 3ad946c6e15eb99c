package rates

import (
	"context"
	"fmt"
	"hash/maphash"
	"net/http"
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
