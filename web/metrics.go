package web

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ketacover/ketacover"
)

// metrics counts requests, their latency and evaluations, and writes them
// in the Prometheus text exposition format (version 0.0.4). It is written
// by hand because three families need no client library.
type metrics struct {
	routes   map[string]*routeStats // by route pattern; fixed after setup
	inFlight atomic.Int64
	outcomes sync.Map // ketacover.Outcome -> *atomic.Uint64
}

// buckets are the upper bounds of the latency histogram, in seconds.
var buckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// unmatched is the route label of requests no pattern matched.
const unmatched = "unmatched"

type routeStats struct {
	mu     sync.Mutex
	codes  map[int]uint64
	counts []uint64 // per bucket, not cumulative; one more for +Inf
	sum    float64
	n      uint64
}

func newMetrics() *metrics {
	m := &metrics{routes: map[string]*routeStats{}}
	m.addRoute(unmatched)
	for _, o := range []ketacover.Outcome{ketacover.OutcomeMeets, ketacover.OutcomeDoesNotMeet, ketacover.OutcomeInfoNeeded, ketacover.OutcomeNotCovered, ketacover.OutcomeNoPolicy} {
		m.outcomes.Store(o, new(atomic.Uint64))
	}
	return m
}

// addRoute registers a route before serving; routes is read without a
// lock afterwards.
func (m *metrics) addRoute(pattern string) {
	m.routes[pattern] = &routeStats{codes: map[int]uint64{}, counts: make([]uint64, len(buckets)+1)}
}

// observe records one finished request.
func (m *metrics) observe(route string, code int, d time.Duration) {
	rs, ok := m.routes[route]
	if !ok {
		rs = m.routes[unmatched]
	}
	sec := d.Seconds()
	i := sort.SearchFloat64s(buckets, sec) // first bucket with bound >= sec
	rs.mu.Lock()
	rs.codes[code]++
	rs.counts[i]++
	rs.sum += sec
	rs.n++
	rs.mu.Unlock()
}

// evaluated counts the determinations of one check by outcome.
func (m *metrics) evaluated(ds []ketacover.Determination) {
	for _, d := range ds {
		v, _ := m.outcomes.LoadOrStore(d.Outcome, new(atomic.Uint64))
		v.(*atomic.Uint64).Add(1)
	}
}

// write writes every metric in the text exposition format.
func (m *metrics) write(w io.Writer) error {
	var b strings.Builder
	names := make([]string, 0, len(m.routes))
	for r := range m.routes {
		names = append(names, r)
	}
	sort.Strings(names)
	type snap struct {
		codes  map[int]uint64
		counts []uint64
		sum    float64
		n      uint64
	}
	snaps := make([]snap, len(names))
	for i, r := range names {
		rs := m.routes[r]
		rs.mu.Lock()
		s := snap{codes: make(map[int]uint64, len(rs.codes)), counts: append([]uint64(nil), rs.counts...), sum: rs.sum, n: rs.n}
		for c, n := range rs.codes {
			s.codes[c] = n
		}
		rs.mu.Unlock()
		snaps[i] = s
	}

	b.WriteString("# HELP ketacover_http_requests_total HTTP requests by route pattern and status code.\n")
	b.WriteString("# TYPE ketacover_http_requests_total counter\n")
	for i, r := range names {
		codes := make([]int, 0, len(snaps[i].codes))
		for c := range snaps[i].codes {
			codes = append(codes, c)
		}
		sort.Ints(codes)
		for _, c := range codes {
			fmt.Fprintf(&b, "ketacover_http_requests_total{route=%s,code=\"%d\"} %d\n", quote(r), c, snaps[i].codes[c])
		}
	}

	b.WriteString("# HELP ketacover_http_request_duration_seconds Time to serve a request, by route pattern.\n")
	b.WriteString("# TYPE ketacover_http_request_duration_seconds histogram\n")
	for i, r := range names {
		s := snaps[i]
		if s.n == 0 {
			continue
		}
		var cum uint64
		for j, le := range buckets {
			cum += s.counts[j]
			fmt.Fprintf(&b, "ketacover_http_request_duration_seconds_bucket{route=%s,le=\"%s\"} %d\n", quote(r), formatFloat(le), cum)
		}
		cum += s.counts[len(buckets)]
		fmt.Fprintf(&b, "ketacover_http_request_duration_seconds_bucket{route=%s,le=\"+Inf\"} %d\n", quote(r), cum)
		fmt.Fprintf(&b, "ketacover_http_request_duration_seconds_sum{route=%s} %s\n", quote(r), formatFloat(s.sum))
		fmt.Fprintf(&b, "ketacover_http_request_duration_seconds_count{route=%s} %d\n", quote(r), s.n)
	}

	b.WriteString("# HELP ketacover_http_requests_in_flight Requests being served now.\n")
	b.WriteString("# TYPE ketacover_http_requests_in_flight gauge\n")
	fmt.Fprintf(&b, "ketacover_http_requests_in_flight %d\n", m.inFlight.Load())

	b.WriteString("# HELP ketacover_evaluations_total Determinations made (cases judged against a policy), by outcome.\n")
	b.WriteString("# TYPE ketacover_evaluations_total counter\n")
	var outs []string
	counts := map[string]uint64{}
	m.outcomes.Range(func(k, v any) bool {
		o := string(k.(ketacover.Outcome))
		outs = append(outs, o)
		counts[o] = v.(*atomic.Uint64).Load()
		return true
	})
	sort.Strings(outs)
	for _, o := range outs {
		fmt.Fprintf(&b, "ketacover_evaluations_total{outcome=%s} %d\n", quote(o), counts[o])
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// quote quotes a label value as the exposition format wants: backslash,
// double quote and newline escaped.
func quote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
