package rates

import (
	"errors"
	"fmt"
	"sync/atomic"
)

// itemMemBudget is how much of one matching in_network item waits in
// memory before the rest goes to the spill file.
const itemMemBudget = 4 << 20

// batchSize is how many rows go to emit at once.
const batchSize = 1024

// maxSeen bounds the per-item duplicate set; past it, duplicates within
// one enormous item may be written twice rather than memory growing.
const maxSeen = 1 << 18

// inNetworkArray reads the in_network array item by item.
func (s *scanner) inNetworkArray() error {
	s.inNetwork = true
	return s.array(func() error {
		if err := s.ctx.Err(); err != nil {
			return err
		}
		return s.inNetworkItem()
	})
}

// match is what is known about whether an item is kept.
type match int

const (
	matchUnknown match = iota
	matchYes
	matchNo
)

func (s *scanner) inNetworkItem() error {
	var h itemHeader
	m := matchUnknown
	s.item.reset()
	s.itemRefs = false
	if err := s.itemSpill.reset(); err != nil {
		return err
	}
	err := s.object(func(k []byte) error {
		var dst *string
		switch string(k) {
		case "negotiation_arrangement":
			dst = &h.arrangement
		case "name":
			dst = &h.name
		case "billing_code_type":
			dst = &h.codeType
		case "billing_code_type_version":
			dst = &h.codeTypeVersion
		case "billing_code":
			return s.field("billing_code", func() error {
				t, _, err := s.l.scalar()
				if err != nil {
					return err
				}
				if s.f.code(t) {
					m = matchYes
				} else {
					m = matchNo
				}
				h.code = string(t)
				return nil
			})
		case "negotiated_rates":
			if m == matchNo {
				// The fast path: a code nobody asked for.
				return s.field("negotiated_rates", s.l.skip)
			}
			return s.field("negotiated_rates", func() error { return s.array(s.rateEntry) })
		default:
			return s.field(string(k), s.l.skip)
		}
		return s.field(string(k), func() (err error) { *dst, err = s.text(); return })
	})
	if err != nil {
		return err
	}
	if m != matchYes {
		if m == matchUnknown {
			s.warnf("in_network item without billing_code before byte %d", s.l.offset())
		}
		return nil
	}
	if s.itemRefs && !s.refsSeen {
		return s.deferItem(&h)
	}
	if s.itemSpill.n == 0 && len(s.item.b) <= expandMax && s.exp.rows.Load() < expandRowsMax {
		return s.expand(h) // the common case: a small item
	}
	// A large item, or one partly in the spill file (which the next item
	// reuses): its rows are made here, in order after those handed over.
	if err := s.drain(); err != nil {
		return err
	}
	s.seen.reset()
	err = s.itemSpill.each(func(rec []byte) error { return s.emitEntry(&h, rec) })
	if err != nil {
		return err
	}
	return s.emitItem(&h, s.item.b)
}

// deferItem sends a matching item whose provider_references are not read
// yet to the spill file, and notes which ids it needs.
func (s *scanner) deferItem(h *itemHeader) error {
	s.ent.reset()
	s.ent.byte1('H')
	for _, f := range []string{h.arrangement, h.name, h.codeType, h.codeTypeVersion, h.code} {
		s.ent.str(f)
	}
	if err := s.deferred.add(s.ent.b); err != nil {
		return err
	}
	add := func(rec []byte) error {
		d := dec{b: rec}
		if !s.needAll {
			for _, id := range d.strs() {
				s.need[id] = true
			}
			if len(s.need) > needMax {
				// Past needMax ids the set would grow with the file: keep
				// every group instead (the store's memory is bounded).
				s.needAll, s.need = true, nil
			}
		}
		s.ent.reset()
		s.ent.byte1('E')
		s.ent.b = append(s.ent.b, rec...)
		return s.deferred.add(s.ent.b)
	}
	if err := s.itemSpill.each(add); err != nil {
		return err
	}
	d := dec{b: s.item.b}
	for d.more() {
		if err := add(d.bytes()); err != nil {
			return err
		}
	}
	return d.err
}

// rateEntry reads one negotiated_rates element of a kept (or not yet
// decided) item and appends it, encoded, to the item buffer:
// refs, inline groups (filtered), prices.
func (s *scanner) rateEntry() error {
	s.refs = s.refs[:0]
	s.prices = s.prices[:0]
	s.groups.reset()
	err := s.object(func(k []byte) error {
		switch string(k) {
		case "provider_references":
			return s.field("provider_references", func() (err error) {
				n := len(s.refs)
				s.refs, err = s.texts(s.refs)
				for i := n; i < len(s.refs); i++ {
					s.refs[i] = normID(s.refs[i])
				}
				return err
			})
		case "provider_groups":
			s.groups.reset()
			return s.field("provider_groups", func() error { return s.readGroups(&s.groups) })
		case "negotiated_prices":
			return s.field("negotiated_prices", func() error { return s.array(s.negotiatedPrice) })
		default:
			return s.field(string(k), s.l.skip)
		}
	})
	if err != nil {
		return err
	}
	if len(s.prices) == 0 {
		return nil
	}
	if len(s.groups.b) == 0 {
		s.groups.byte1(0)
	}
	if len(s.refs) == 0 && len(s.groups.b) == 1 {
		return nil // no provider left after filtering
	}
	if len(s.refs) > 0 {
		s.itemRefs = true
	}
	e := &s.ent
	e.reset()
	e.strs(s.refs)
	e.b = append(e.b, s.groups.b...)
	e.uvarint(uint64(len(s.prices)))
	for _, p := range s.prices {
		for _, f := range []string{p.typ, p.rate, p.exp, p.class, p.setting, p.info} {
			e.str(f)
		}
		e.strs(p.service)
		e.strs(p.mods)
	}
	if len(s.item.b) > itemMemBudget {
		d := dec{b: s.item.b}
		for d.more() {
			if err := s.itemSpill.add(d.bytes()); err != nil {
				return err
			}
		}
		s.item.reset()
	}
	s.item.record(e.b)
	return nil
}

func (s *scanner) negotiatedPrice() error {
	var p price
	err := s.object(func(k []byte) error {
		var dst *string
		switch string(k) {
		case "negotiated_type":
			dst = &p.typ
		case "negotiated_rate":
			return s.field("negotiated_rate", func() error {
				if _, err := s.l.peek(); err != nil {
					return err
				}
				start := s.l.offset()
				t, isStr, err := s.l.scalar()
				if err != nil {
					return err
				}
				if isStr && !validNumber(t) {
					return s.l.errorAt(start, "negotiated_rate %q is not a number", truncate(t))
				}
				p.rate = string(t)
				return nil
			})
		case "expiration_date":
			dst = &p.exp
		case "billing_class":
			dst = &p.class
		case "setting":
			dst = &p.setting
		case "additional_information":
			dst = &p.info
		case "service_code":
			return s.field("service_code", func() (err error) { p.service, err = s.texts(nil); return })
		case "billing_code_modifier":
			return s.field("billing_code_modifier", func() (err error) { p.mods, err = s.texts(nil); return })
		default:
			return s.field(string(k), s.l.skip)
		}
		return s.field(string(k), func() (err error) { *dst, err = s.text(); return })
	})
	if err != nil {
		return err
	}
	if p.rate == "" {
		s.warnf("negotiated price without negotiated_rate before byte %d", s.l.offset())
		return nil
	}
	s.prices = append(s.prices, p)
	return nil
}

// provider is one NPI of a resolved group.
type provider struct {
	groupID, network, npi, tinType, tin, business string
}

// emitEntry turns one encoded entry into rows: every provider (inline or
// referenced) times every price, once each.
func (s *scanner) emitEntry(h *itemHeader, rec []byte) error {
	d := dec{b: rec}
	refs := d.strs()
	// The providers and prices of one entry are copied into its rows, so
	// their slices serve every entry (they were most of an unfiltered
	// scan's allocation). Their strings belong to the rows.
	provs := decodeGroups(&d, "", "", s.provs[:0])
	defer func() { s.provs = provs[:0] }()
	n := d.uvarint()
	prices := s.entryPrices[:0]
	defer func() { s.entryPrices = prices[:0] }()
	for range n {
		var p price
		p.typ, p.rate, p.exp, p.class, p.setting, p.info = d.str(), d.str(), d.str(), d.str(), d.str(), d.str()
		p.service = d.strs()
		p.mods = d.strs()
		prices = append(prices, p)
	}
	if d.err != nil {
		return d.err
	}
	for _, id := range refs {
		rec, ok, err := s.store.get(id)
		if err != nil {
			return err
		}
		if !ok {
			if !s.f.providers() {
				s.unresolved++
			}
			continue
		}
		rd := dec{b: rec}
		switch rd.byte1() {
		case 'G':
			network := rd.str()
			provs = decodeGroups(&rd, id, network, provs)
		case 'L':
			loc := rd.str()
			blob, err := s.remoteGroups(loc)
			if err != nil {
				if err != errRemoteFailed {
					s.warnf("provider_group_id %s: %v", id, err)
				}
				continue
			}
			provs = decodeGroups(&dec{b: blob}, id, "", provs)
		}
		if rd.err != nil {
			return rd.err
		}
	}
	// Row identity is hashed in two halves, once per provider and once
	// per price, so that each row costs one combine and one map probe.
	ph := s.hashes[:0]
	for i := range prices {
		ph = append(ph, s.priceHash(h, &prices[i]))
	}
	s.hashes = ph
	for i := range provs {
		pv := &provs[i]
		vh := s.providerHash(pv)
		for j := range prices {
			if s.duplicate(vh ^ (ph[j] * 0x9E3779B97F4A7C15)) {
				continue
			}
			if err := s.row(h, pv, &prices[j]); err != nil {
				return err
			}
		}
	}
	return nil
}

func decodeGroups(d *dec, id, network string, provs []provider) []provider {
	for d.more() && d.byte1() == 1 {
		tinType, tin, business := d.str(), d.str(), d.str()
		n := d.uvarint()
		for range n {
			provs = append(provs, provider{id, network, d.npi(), tinType, tin, business})
		}
	}
	return provs
}

func (s *scanner) providerHash(pv *provider) uint64 {
	hh := &s.h
	hh.Reset()
	hh.WriteString(pv.npi)
	hh.WriteByte(0)
	hh.WriteString(pv.tinType)
	hh.WriteByte(0)
	hh.WriteString(pv.tin)
	return hh.Sum64()
}

func (s *scanner) priceHash(h *itemHeader, p *price) uint64 {
	hh := &s.h
	hh.Reset()
	for _, f := range []string{h.codeType, h.code, p.typ, p.rate, p.class, p.setting, p.exp} {
		hh.WriteString(f)
		hh.WriteByte(0)
	}
	for _, f := range p.service {
		hh.WriteString(f)
		hh.WriteByte(1)
	}
	hh.WriteByte(0)
	for _, f := range p.mods {
		hh.WriteString(f)
		hh.WriteByte(1)
	}
	return hh.Sum64()
}

// duplicate reports whether the row with identity k was already written
// for the item.
func (s *scanner) duplicate(k uint64) bool {
	return s.seen.add(k)
}

// row appends the rows for one provider and price: one per plan.
func (s *scanner) row(h *itemHeader, pv *provider, p *price) error {
	plans := s.plans
	if len(plans) == 0 {
		plans = []Plan{s.hdr.plan}
	}
	for _, pl := range plans {
		s.batch = append(s.batch, Rate{
			Source:                 s.src,
			ReportingEntityName:    s.hdr.entityName,
			ReportingEntityType:    s.hdr.entityType,
			PlanName:               pl.Name,
			PlanIDType:             pl.IDType,
			PlanID:                 pl.ID,
			PlanMarketType:         pl.MarketType,
			IssuerName:             pl.IssuerName,
			PlanSponsorName:        pl.SponsorName,
			LastUpdatedOn:          s.hdr.lastUpdated,
			NegotiationArrangement: h.arrangement,
			Name:                   h.name,
			BillingCodeType:        h.codeType,
			BillingCodeTypeVersion: h.codeTypeVersion,
			BillingCode:            h.code,
			ProviderGroupID:        pv.groupID,
			NetworkName:            pv.network,
			NPI:                    pv.npi,
			TINType:                pv.tinType,
			TIN:                    pv.tin,
			BusinessName:           pv.business,
			NegotiatedType:         p.typ,
			NegotiatedRate:         p.rate,
			ExpirationDate:         p.exp,
			BillingClass:           p.class,
			Setting:                p.setting,
			ServiceCodes:           p.service,
			Modifiers:              p.mods,
			AdditionalInformation:  p.info,
		})
	}
	if len(s.batch) >= batchSize {
		return s.flush()
	}
	return nil
}

func (s *scanner) flush() error {
	if len(s.batch) == 0 {
		return nil
	}
	n := len(s.batch)
	err := s.emit(s.batch)
	// emit owns the batch now: no copy of the rows on their way out.
	// The next one is a batch emit's receiver has finished with, if one
	// is waiting.
	select {
	case b := <-s.free: // never ready when free is nil
		s.batch = b[:0]
	default:
		s.batch = make([]Rate, 0, batchSize)
	}
	if err != nil {
		return fmt.Errorf("write rows: %w", err)
	}
	s.res.Rows += int64(n)
	s.exp.rows.Add(int64(n))
	if pr := s.opt.Progress; pr != nil {
		pr.Rows.Add(int64(n))
	}
	return nil
}

// remoteGroups fetches a v1 remote provider-reference file (once per
// location) and returns its groups that pass the filter, encoded.
func (s *scanner) remoteGroups(loc string) ([]byte, error) {
	if b, ok := s.remote[loc]; ok {
		if b == nil {
			return nil, errRemoteFailed
		}
		return b, nil
	}
	where, err := resolve(s.src, loc)
	if err != nil {
		return nil, err
	}
	var e enc
	sub := Options{Query: s.opt.Query, TempDir: s.opt.TempDir, Client: s.opt.Client}
	err = func() error {
		raw, err := openRaw(s.ctx, s.opt.Client, where)
		if err != nil {
			return err
		}
		p := startPipe(s.ctx, raw, new(atomic.Int64))
		defer p.close()
		rs := newScanner(s.ctx, where, p, nil, sub, nil)
		defer rs.close()
		return rs.object(func(k []byte) error {
			if string(k) != "provider_groups" {
				return rs.field(string(k), rs.l.skip)
			}
			return rs.field("provider_groups", func() error { return rs.readGroups(&e) })
		})
	}()
	if err != nil {
		s.remote[loc] = nil // fetch a failing location once
		return nil, fmt.Errorf("remote provider reference %s: %w", where, err)
	}
	if len(e.b) == 0 {
		e.byte1(0)
	}
	s.remote[loc] = e.b
	return e.b, nil
}

// errRemoteFailed is a location that already failed (and was reported).
var errRemoteFailed = errors.New("remote provider reference failed earlier")
