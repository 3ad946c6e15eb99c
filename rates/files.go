package rates

import (
	"context"
	"fmt"
	"sync"
)

// Writer receives the kept rows. ScanFiles calls it from one goroutine,
// and reuses rows once Write returns: Write copies what it keeps.
type Writer interface {
	Write(rows []Rate) error
}

// FileResult is the outcome of scanning one file.
type FileResult struct {
	Result
	// Err is why the file could not be read to its end; the rows before
	// the failure were written all the same.
	Err error
}

// maxRounds bounds how deep tables of contents may point at each other.
const maxRounds = 3

// ScanFiles scans srcs, and the in-network files that tables of contents
// among them list, opt.Parallel at a time, writing rows to w. A file that
// fails is reported in its FileResult and the others go on; the returned
// error is for w failing or ctx ending.
func ScanFiles(ctx context.Context, srcs []string, opt Options, w Writer) ([]FileResult, error) {
	if err := opt.Query.Validate(); err != nil {
		return nil, err
	}
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	par := opt.Parallel
	if par <= 0 {
		par = 2
	}

	type job struct {
		src   string
		plans []Plan
	}
	var results []FileResult
	jobs := make([]job, len(srcs))
	for i, s := range srcs {
		jobs[i] = job{src: s}
	}
	rows := make(chan []Rate, 4)
	// free takes written batches back to the scanners: the rows then cost
	// no allocation, and the garbage collector has far less to do.
	free := make(chan []Rate, cap(rows)+par)
	var werr error
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		for b := range rows {
			if werr != nil {
				continue
			}
			if err := w.Write(b); err != nil {
				werr = err
				cancel()
			}
			// A batch waiting to be reused would keep its rows' strings
			// (every NPI's text) alive: cleared, they can be collected.
			clear(b)
			select {
			case free <- b:
			default:
			}
		}
	}()
	emit := func(b []Rate) error {
		select {
		case rows <- b:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}

	seen := map[string]bool{}
	for round := 0; len(jobs) > 0; round++ {
		if round == maxRounds {
			for _, j := range jobs {
				results = append(results, FileResult{Result: Result{Source: j.src}, Err: fmt.Errorf("%s: tables of contents nested more than %d deep", j.src, maxRounds)})
			}
			break
		}
		out := make([]FileResult, len(jobs))
		sem := make(chan struct{}, par)
		var wg sync.WaitGroup
		for i, j := range jobs {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				res, err := scanFile(ctx, j.src, j.plans, opt, emit, free)
				out[i] = FileResult{Result: res, Err: err}
				if pr := opt.Progress; pr != nil {
					pr.Files.Add(1)
				}
			}()
		}
		wg.Wait()
		var next []job
		for _, r := range out {
			results = append(results, r)
			for _, f := range r.Files {
				loc, err := resolve(r.Source, f.Location)
				if err != nil {
					results = append(results, FileResult{Result: Result{Source: f.Location}, Err: err})
					continue
				}
				if seen[loc] {
					continue
				}
				seen[loc] = true
				next = append(next, job{src: loc, plans: f.Plans})
			}
		}
		jobs = next
		if ctx.Err() != nil {
			break
		}
	}
	close(rows)
	<-writerDone
	if werr != nil {
		return results, fmt.Errorf("write rates: %w", werr)
	}
	if err := parent.Err(); err != nil {
		return results, err
	}
	return results, nil
}
