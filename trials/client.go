package trials

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/zips"
)

// DefaultBaseURL is the ClinicalTrials.gov API v2 root (reference §6).
const DefaultBaseURL = "https://clinicaltrials.gov/api/v2"

// Client fetches study records from the ClinicalTrials.gov API v2 or
// anything that answers like it (tests use a local server replaying
// recorded responses).
type Client struct {
	BaseURL  string       // DefaultBaseURL when empty
	HTTP     *http.Client // http.DefaultClient when nil
	PageSize int          // studies per page, 1–1000; 100 when zero
	MaxPages int          // stop after this many pages; 20 when zero
}

// Query is a search of the API. Conditions and interventions use the API's
// search syntax (query.cond, query.intr); statuses and the distance are
// filters (filter.overallStatus, filter.geo).
type Query struct {
	Condition    string      // e.g. "depression"
	Intervention string      // e.g. "ketamine OR esketamine"
	Statuses     []Status    // e.g. Open
	Near         *zips.Point // with WithinMiles, filter.geo=distance(lat,lon,Nmi)
	WithinMiles  int
}

// Values returns q as URL query parameters for one page.
func (q Query) Values(pageSize int, pageToken string) url.Values {
	v := url.Values{}
	v.Set("format", "json")
	if q.Condition != "" {
		v.Set("query.cond", q.Condition)
	}
	if q.Intervention != "" {
		v.Set("query.intr", q.Intervention)
	}
	if len(q.Statuses) > 0 {
		s := make([]string, len(q.Statuses))
		for i, x := range q.Statuses {
			s[i] = string(x)
		}
		v.Set("filter.overallStatus", strings.Join(s, ","))
	}
	if q.Near != nil && q.WithinMiles > 0 {
		v.Set("filter.geo", fmt.Sprintf("distance(%s,%s,%dmi)",
			strconv.FormatFloat(q.Near.Lat, 'f', 6, 64), strconv.FormatFloat(q.Near.Lon, 'f', 6, 64), q.WithinMiles))
	}
	v.Set("pageSize", strconv.Itoa(pageSize))
	v.Set("countTotal", "true")
	if pageToken != "" {
		v.Set("pageToken", pageToken)
	}
	return v
}

// Result is what Fetch brought back.
type Result struct {
	Studies    []Study
	TotalCount int  // as the API counted it (countTotal=true), 0 if not given
	Pages      int  // pages read
	Truncated  bool // MaxPages stopped the paging before the last page
}

// Fetch runs q against the API, following nextPageToken until the last page
// (the same parameters are repeated on every page, as the API requires) or
// MaxPages. Each page is checked like an imported file; an error names the
// page and record.
func (c *Client) Fetch(ctx context.Context, q Query) (*Result, error) {
	size := c.PageSize
	if size == 0 {
		size = 100
	}
	if size < 1 || size > 1000 {
		return nil, ketacover.Errorf(ketacover.EINVALID, "page size %d: the API takes 1 to 1000", size)
	}
	maxPages := c.MaxPages
	if maxPages == 0 {
		maxPages = 20
	}
	res := &Result{}
	seen := map[string]bool{}
	token := ""
	for {
		if res.Pages == maxPages {
			res.Truncated = true
			return res, nil
		}
		body, err := c.get(ctx, "/studies", q.Values(size, token))
		if err != nil {
			return nil, err
		}
		res.Pages++
		var page struct {
			NextPageToken string `json:"nextPageToken"`
			TotalCount    *int   `json:"totalCount"`
		}
		name := fmt.Sprintf("page %d", res.Pages)
		studies, err := Import(name, body)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(body, &page); err != nil {
			return nil, ketacover.Errorf(ketacover.EINVALID, "%s: %v", name, err)
		}
		for _, s := range studies {
			if !seen[s.NCTID()] { // pages of a moving index can overlap
				seen[s.NCTID()] = true
				res.Studies = append(res.Studies, s)
			}
		}
		if page.TotalCount != nil {
			res.TotalCount = *page.TotalCount
		}
		if page.NextPageToken == "" {
			return res, nil
		}
		if page.NextPageToken == token {
			return nil, ketacover.Errorf(ketacover.EINTERNAL, "%s: the API returned the same page token twice", name)
		}
		token = page.NextPageToken
	}
}

// FetchStudy fetches one study by NCT number (GET /studies/{nctId}).
func (c *Client) FetchStudy(ctx context.Context, nctID string) (*Study, error) {
	if !nctPattern.MatchString(nctID) {
		return nil, ketacover.Errorf(ketacover.EINVALID, "want an NCT number such as NCT01234567, got %q", nctID)
	}
	body, err := c.get(ctx, "/studies/"+nctID, url.Values{"format": {"json"}})
	if err != nil {
		return nil, err
	}
	studies, err := Import(nctID, body)
	if err != nil {
		return nil, err
	}
	if len(studies) != 1 || studies[0].NCTID() != nctID {
		return nil, ketacover.Errorf(ketacover.EINVALID, "%s: the API answered with a different record", nctID)
	}
	return &studies[0], nil
}

// maxBody bounds one response: a 1000-study page of full records is a few
// tens of megabytes.
const maxBody = 256 << 20

func (c *Client) get(ctx context.Context, path string, v url.Values) ([]byte, error) {
	base := c.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	u := strings.TrimRight(base, "/") + path + "?" + v.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("clinicaltrials request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("clinicaltrials GET %s: %w", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return nil, fmt.Errorf("clinicaltrials GET %s: read: %w", path, err)
	}
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return nil, ketacover.Errorf(ketacover.ENOTFOUND, "clinicaltrials GET %s: not found", path)
	case resp.StatusCode == http.StatusTooManyRequests:
		return nil, fmt.Errorf("clinicaltrials GET %s: rate limited (HTTP 429); the API suggests about 50 requests a minute, try again later", path)
	case resp.StatusCode != http.StatusOK:
		snippet := strings.TrimSpace(string(body[:min(len(body), 200)]))
		return nil, fmt.Errorf("clinicaltrials GET %s: HTTP %d: %s", path, resp.StatusCode, snippet)
	case len(body) > maxBody:
		return nil, fmt.Errorf("clinicaltrials GET %s: response larger than %d bytes", path, maxBody)
	}
	return body, nil
}
