package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/trials"
	"github.com/ketacover/ketacover/zips"
)

const trialsUsage = `trials fetch [--condition C] [--intervention I] [--status open|any|S,...] [--max-pages N] [-o FILE]
       trials import FILE...
       trials near ZIP [--within 100mi] [--condition C] [--intervention ketamine,esketamine] [--status open|any|S,...] [--age N] [--json]

Finds clinical trials of ketamine and esketamine, which usually give the
study drug and visits at no cost.

fetch asks the ClinicalTrials.gov API v2 for studies (default: condition
"depression", intervention "ketamine OR esketamine", open to enrolment) and
stores them in your data directory, or writes them to FILE with -o (a file
"trials import" reads). It needs the network; without it, download the
studies as JSON from clinicaltrials.gov and import them.

import reads study records as ClinicalTrials.gov gives them (a v2 response
page, an array of records or one record), checks each, and stores them in
your data directory; a study imported again replaces the stored one.

near lists the stored studies with a site within the distance of a US ZIP
code, nearest first (default: within 100 mi, ketamine or esketamine, open to
enrolment). ZIP centroids come from the bundled Census ZCTA table and any
update made with "ketacover zips import".

The data directory is $KETACOVER_DATA, else $XDG_DATA_HOME/ketacover, else
~/.local/share/ketacover. A trial may give a placebo and the study team
decides who is eligible; not medical advice. Exit status: 0, 2 usage or
input error, 4 network or environment error.`

// storeName is the file in the data directory that holds imported studies.
const storeName = "trials.json"

func runTrials(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usagef("want fetch, import or near")
	}
	switch args[0] {
	case "fetch":
		return trialsFetch(ctx, e, args[1:])
	case "import":
		return trialsImport(e, args[1:])
	case "near":
		return trialsNear(e, args[1:])
	}
	return usagef("unknown trials command %q; want fetch, import or near", args[0])
}

// dataDir returns the directory ketacover keeps the user's data in.
func dataDir(e *env) (string, error) {
	if d := e.getenv("KETACOVER_DATA"); d != "" {
		return d, nil
	}
	if d := e.getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "ketacover"), nil
	}
	if h := e.getenv("HOME"); h != "" {
		return filepath.Join(h, ".local", "share", "ketacover"), nil
	}
	return "", fmt.Errorf("no data directory: set KETACOVER_DATA, XDG_DATA_HOME or HOME")
}

// writeAtomic writes data to path through a temporary file in the same
// directory and a rename, so a reader never sees half a file.
func writeAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(f.Name()) // after a successful rename there is nothing to remove
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// loadStore reads the stored studies; a missing store is empty.
func loadStore(path string) ([]trials.Study, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read stored studies: %w", err)
	}
	studies, err := trials.Import(path, data)
	if err != nil {
		return nil, ketacover.Errorf(ketacover.EINVALID, "stored studies are damaged (%s); import or fetch them again after removing %s", ketacover.ErrorMessage(err), path)
	}
	return studies, nil
}

// merge lays studies over the stored ones by NCT number, keeping the
// stored order and adding new studies at the end.
func merge(stored, add []trials.Study) (out []trials.Study, added, replaced int) {
	at := map[string]int{}
	out = append(out, stored...)
	for i, s := range out {
		at[s.NCTID()] = i
	}
	for _, s := range add {
		if i, ok := at[s.NCTID()]; ok {
			out[i] = s
			replaced++
			continue
		}
		at[s.NCTID()] = len(out)
		out = append(out, s)
		added++
	}
	return out, added, replaced
}

func saveStore(e *env, add []trials.Study) (path string, total, added, replaced int, err error) {
	dir, err := dataDir(e)
	if err != nil {
		return "", 0, 0, 0, err
	}
	path = filepath.Join(dir, storeName)
	stored, err := loadStore(path)
	if err != nil {
		return "", 0, 0, 0, err
	}
	all, added, replaced := merge(stored, add)
	data, err := trials.Export(all)
	if err != nil {
		return "", 0, 0, 0, err
	}
	if err := writeAtomic(path, data); err != nil {
		return "", 0, 0, 0, err
	}
	return path, len(all), added, replaced, nil
}

func trialsImport(e *env, args []string) error {
	fset := newFlags(e, "trials import")
	files, err := parseFlags(fset, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return usagef("want one or more files of ClinicalTrials.gov study records")
	}
	// Every file is read and checked before anything is stored, so a bad
	// file leaves the store as it was.
	var all []trials.Study
	var lines []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if errors.Is(err, fs.ErrNotExist) {
			return ketacover.Errorf(ketacover.ENOTFOUND, "%s: no such file", f)
		}
		if err != nil {
			return fmt.Errorf("read %s: %w", f, err)
		}
		studies, err := trials.Import(f, data)
		if err != nil {
			return err
		}
		var added, replaced int
		all, added, replaced = merge(all, studies)
		lines = append(lines, fmt.Sprintf("%s: %d studies read (%d new in this import, %d repeated from an earlier file)", f, len(studies), added, replaced))
	}
	path, total, added, replaced, err := saveStore(e, all)
	if err != nil {
		return err
	}
	for _, l := range lines {
		fmt.Fprintln(e.stdout, l)
	}
	fmt.Fprintf(e.stdout, "stored %d studies in %s: %d added, %d replaced\n", total, path, added, replaced)
	return nil
}

// statuses reads --status: "open" (the statuses that take new
// participants), "any", or a comma list of v2 statuses.
func statuses(s string) ([]trials.Status, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "open":
		return trials.Open, nil
	case "any", "all":
		return nil, nil
	}
	var out []trials.Status
	for _, x := range strings.Split(s, ",") {
		st := trials.Status(strings.ToUpper(strings.TrimSpace(x)))
		known := false
		for _, k := range []trials.Status{trials.Recruiting, trials.NotYetRecruiting, trials.ActiveNotRecruiting, trials.EnrollingByInvitation, trials.Completed, trials.Suspended, trials.Terminated, trials.Withdrawn, trials.StatusUnknown} {
			known = known || k == st
		}
		if !known {
			return nil, usagef("--status: want open, any or statuses such as RECRUITING,NOT_YET_RECRUITING, got %q", x)
		}
		out = append(out, st)
	}
	return out, nil
}

func trialsFetch(ctx context.Context, e *env, args []string) error {
	fset := newFlags(e, "trials fetch")
	cond := fset.String("condition", "depression", "")
	intr := fset.String("intervention", "ketamine OR esketamine", "")
	status := fset.String("status", "open", "")
	maxPages := fset.Int("max-pages", 20, "")
	out := fset.String("o", "", "")
	pos, err := parseFlags(fset, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usagef("want no arguments, got %q", pos)
	}
	if *maxPages < 1 || *maxPages > 1000 {
		return usagef("--max-pages: want 1 to 1000, got %d", *maxPages)
	}
	sts, err := statuses(*status)
	if err != nil {
		return err
	}
	base := e.getenv("KETACOVER_CLINICALTRIALS_URL") // a mirror, or a local server in tests
	if base == "" {
		base = trials.DefaultBaseURL
	}
	client := &trials.Client{BaseURL: base, HTTP: &http.Client{Timeout: 60 * time.Second}, MaxPages: *maxPages}
	res, err := client.Fetch(ctx, trials.Query{Condition: *cond, Intervention: *intr, Statuses: sts})
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) && ue.Err != nil {
			return fmt.Errorf("cannot reach ClinicalTrials.gov at %s (%v); check the network connection, or download the studies as JSON from https://clinicaltrials.gov and run \"ketacover trials import FILE\"", base, ue.Err)
		}
		return err
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "fetched %d studies in %d pages", len(res.Studies), res.Pages)
	if res.TotalCount > 0 {
		fmt.Fprintf(&buf, " (the API counts %d)", res.TotalCount)
	}
	buf.WriteString("\n")
	if res.Truncated {
		fmt.Fprintf(&buf, "stopped after %d pages; raise --max-pages to fetch the rest\n", res.Pages)
	}
	if *out != "" {
		data, err := trials.Export(res.Studies)
		if err != nil {
			return err
		}
		if err := writeAtomic(*out, data); err != nil {
			return err
		}
		fmt.Fprintf(&buf, "wrote %s; store it with: ketacover trials import %s\n", *out, *out)
	} else {
		path, total, added, replaced, err := saveStore(e, res.Studies)
		if err != nil {
			return err
		}
		fmt.Fprintf(&buf, "stored %d studies in %s: %d added, %d replaced\n", total, path, added, replaced)
	}
	_, err = e.stdout.Write(buf.Bytes())
	return err
}

// zipTable returns the bundled ZIP centroids with the user's update from
// "ketacover zips import" laid over them.
func zipTable(e *env) (*zips.Table, error) {
	t, err := zips.Default()
	if err != nil {
		return nil, err
	}
	dir, err := dataDir(e)
	if err != nil {
		return t, nil // no data directory: the bundled table alone
	}
	path := filepath.Join(dir, zipsName)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return t, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read ZIP update: %w", err)
	}
	defer f.Close()
	u, err := zips.Decode(f)
	if err != nil {
		return nil, ketacover.Errorf(ketacover.EINVALID, "%s: %s; run \"ketacover zips import\" again", path, ketacover.ErrorMessage(err))
	}
	return t.Merge(u), nil
}

func trialsNear(e *env, args []string) error {
	fset := newFlags(e, "trials near")
	within := fset.String("within", "100mi", "")
	cond := fset.String("condition", "", "")
	intr := fset.String("intervention", "ketamine,esketamine", "")
	status := fset.String("status", "open", "")
	age := fset.Int("age", -1, "")
	asJSON := fset.Bool("json", false, "")
	pos, err := parseFlags(fset, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one ZIP code, got %d arguments", len(pos))
	}
	f := trials.Filter{Condition: *cond}
	if strings.EqualFold(*within, "any") {
		f.WithinMiles = 0
	} else if f.WithinMiles, err = trials.ParseMiles(*within); err != nil {
		return usagef("--within: %s", ketacover.ErrorMessage(err))
	}
	for _, w := range strings.Split(*intr, ",") {
		if w = strings.TrimSpace(w); w != "" && !strings.EqualFold(w, "any") {
			f.Interventions = append(f.Interventions, w)
		}
	}
	if f.Statuses, err = statuses(*status); err != nil {
		return err
	}
	if *age != -1 {
		if *age < 0 || *age > 130 {
			return usagef("--age: want an age in years from 0 to 130, got %d", *age)
		}
		f.AgeYears = age
	}
	zt, err := zipTable(e)
	if err != nil {
		return err
	}
	p, err := zt.Lookup(pos[0])
	if err != nil {
		return err
	}
	f.Near = &p
	dir, err := dataDir(e)
	if err != nil {
		return err
	}
	path := filepath.Join(dir, storeName)
	studies, err := loadStore(path)
	if err != nil {
		return err
	}
	if len(studies) == 0 {
		return ketacover.Errorf(ketacover.ENOTFOUND, "no studies stored in %s; run \"ketacover trials fetch\", or \"ketacover trials import FILE\" with studies downloaded from clinicaltrials.gov", dir)
	}
	ms := trials.NewIndex(studies, zt).Search(f)
	var buf bytes.Buffer
	if *asJSON {
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		if err := enc.Encode(nearView(pos[0], f, len(studies), ms)); err != nil {
			return fmt.Errorf("encode studies: %w", err)
		}
	} else {
		where := "at any distance from"
		if f.WithinMiles > 0 {
			where = fmt.Sprintf("with a site within %s mi of", trimFloat(f.WithinMiles))
		}
		fmt.Fprintf(&buf, "%d of %d stored studies %s ZIP %s:\n\n", len(ms), len(studies), where, pos[0])
		buf.WriteString(trials.Text(ms))
	}
	_, err = e.stdout.Write(buf.Bytes())
	return err
}

func trimFloat(f float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.1f", f), "0"), ".")
}

// nearJSON is the JSON shape of trials near --json.
type nearJSON struct {
	ZIP         string      `json:"zip"`
	WithinMiles float64     `json:"within_miles,omitempty"`
	Stored      int         `json:"stored"`
	Disclaimer  string      `json:"disclaimer"`
	Studies     []studyJSON `json:"studies"`
}

type studyJSON struct {
	NCTID         string   `json:"nct_id"`
	Title         string   `json:"title"`
	Status        string   `json:"status"`
	Miles         *float64 `json:"miles,omitempty"`
	Facility      string   `json:"facility,omitempty"`
	City          string   `json:"city,omitempty"`
	State         string   `json:"state,omitempty"`
	SiteZIP       string   `json:"site_zip,omitempty"`
	Interventions []string `json:"interventions,omitempty"`
	MinimumAge    string   `json:"minimum_age,omitempty"`
	MaximumAge    string   `json:"maximum_age,omitempty"`
	URL           string   `json:"url"`
}

func nearView(zip string, f trials.Filter, stored int, ms []trials.Match) nearJSON {
	v := nearJSON{ZIP: zip, WithinMiles: f.WithinMiles, Stored: stored, Studies: []studyJSON{},
		Disclaimer: "A trial may give a placebo, and the study team decides who is eligible. Not medical advice."}
	for _, m := range ms {
		p := &m.Study.Protocol
		s := studyJSON{NCTID: m.Study.NCTID(), Title: p.Identification.BriefTitle, Status: string(p.Status.OverallStatus),
			MinimumAge: p.Eligibility.MinimumAge, MaximumAge: p.Eligibility.MaximumAge,
			URL: "https://clinicaltrials.gov/study/" + m.Study.NCTID()}
		if m.Miles >= 0 {
			mi := float64(int64(m.Miles*10+0.5)) / 10
			s.Miles = &mi
		}
		if l := m.Site; l != nil {
			s.Facility, s.City, s.State, s.SiteZIP = l.Facility, l.City, l.State, l.Zip
		}
		for _, iv := range p.ArmsInterventions.Interventions {
			s.Interventions = append(s.Interventions, iv.Name)
		}
		v.Studies = append(v.Studies, s)
	}
	return v
}
