package rates

import (
	"database/sql"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	_ "github.com/ncruces/go-sqlite3/driver" // the project's pure-Go SQLite

	"github.com/ketacover/ketacover"
)

// Output is a rates file being written. Rows go to a temporary file beside
// the destination, which Close renames into place: a reader never sees a
// half-written file, and rows from a scan that failed midway are kept.
type Output interface {
	Writer
	// Close finishes the file and moves it to its path.
	Close() error
	// Abort removes the temporary file; the destination is untouched.
	Abort()
	// Files lists the files Close wrote: the path asked for, and for a
	// Parquet output of more than PartRows rows its further parts.
	Files() []string
}

// Format is the kind of rates file, from its extension.
type Format string

// Formats.
const (
	Parquet Format = "parquet"
	CSV     Format = "csv"
	SQLite  Format = "sqlite"
)

// FormatOf returns the format that a path's extension names.
func FormatOf(path string) (Format, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".parquet":
		return Parquet, nil
	case ".csv":
		return CSV, nil
	case ".db", ".sqlite", ".sqlite3":
		return SQLite, nil
	}
	return "", ketacover.Errorf(ketacover.EINVALID, "%s: unknown rates file type: want .parquet, .csv or .db", path)
}

// Create starts a rates file at path, in the format its extension names.
func Create(path string) (Output, error) { return CreateParts(path, PartRows) }

// CreateParts is Create with partRows rows in each part of a Parquet
// output (see PartRows); other formats are always one file.
func CreateParts(path string, partRows int64) (Output, error) {
	if partRows < 1 {
		return nil, ketacover.Errorf(ketacover.EINVALID, "%d rows a part: want at least 1", partRows)
	}
	format, err := FormatOf(path)
	if err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	t := tempFile{name: tmp.Name(), f: tmp, dst: path}
	switch format {
	case Parquet:
		return newParquetOut(t, partRows), nil
	case CSV:
		o := &csvOut{tempFile: t, w: csv.NewWriter(tmp)}
		if err := o.w.Write(columns); err != nil {
			o.Abort()
			return nil, fmt.Errorf("write %s: %w", path, err)
		}
		return o, nil
	default:
		tmp.Close() // SQLite opens the file itself
		t.f = nil
		return newSQLiteOut(t)
	}
}

// tempFile is the temporary file behind an Output.
type tempFile struct {
	name string // the temporary file
	f    *os.File
	dst  string
}

// commit closes the temporary file and renames it to the destination.
func (t *tempFile) commit() error {
	if t.f != nil {
		if err := t.f.Close(); err != nil {
			t.Abort()
			return fmt.Errorf("write %s: %w", t.dst, err)
		}
		t.f = nil
	}
	if err := os.Rename(t.name, t.dst); err != nil {
		t.Abort()
		return fmt.Errorf("write %s: %w", t.dst, err)
	}
	return nil
}

func (t *tempFile) Files() []string { return []string{t.dst} }

func (t *tempFile) Abort() {
	if t.f != nil {
		t.f.Close()
		t.f = nil
	}
	os.Remove(t.name)
}

// columns are the column names of every format, in Rate's field order,
// named as the CMS schema names them.
var columns = []string{
	"source", "reporting_entity_name", "reporting_entity_type", "plan_name", "plan_id_type", "plan_id",
	"plan_market_type", "issuer_name", "plan_sponsor_name", "last_updated_on",
	"negotiation_arrangement", "name", "billing_code_type", "billing_code_type_version", "billing_code",
	"provider_group_id", "network_name", "npi", "tin_type", "tin", "business_name",
	"negotiated_type", "negotiated_rate", "expiration_date", "billing_class", "setting",
	"service_code", "billing_code_modifier", "additional_information",
}

// listSep joins service codes and modifiers in CSV and SQLite: neither
// ever holds a ';' (two-character codes, or CSTM-00).
const listSep = ";"

// record flattens r in column order.
func record(r *Rate, dst []string) []string {
	return append(dst[:0],
		r.Source, r.ReportingEntityName, r.ReportingEntityType, r.PlanName, r.PlanIDType, r.PlanID,
		r.PlanMarketType, r.IssuerName, r.PlanSponsorName, r.LastUpdatedOn,
		r.NegotiationArrangement, r.Name, r.BillingCodeType, r.BillingCodeTypeVersion, r.BillingCode,
		r.ProviderGroupID, r.NetworkName, r.NPI, r.TINType, r.TIN, r.BusinessName,
		r.NegotiatedType, r.NegotiatedRate, r.ExpirationDate, r.BillingClass, r.Setting,
		strings.Join(r.ServiceCodes, listSep), strings.Join(r.Modifiers, listSep), r.AdditionalInformation)
}

// fromRecord is record's inverse.
func fromRecord(v []string) Rate {
	split := func(s string) []string {
		if s == "" {
			return nil
		}
		return strings.Split(s, listSep)
	}
	return Rate{
		Source: v[0], ReportingEntityName: v[1], ReportingEntityType: v[2], PlanName: v[3], PlanIDType: v[4], PlanID: v[5],
		PlanMarketType: v[6], IssuerName: v[7], PlanSponsorName: v[8], LastUpdatedOn: v[9],
		NegotiationArrangement: v[10], Name: v[11], BillingCodeType: v[12], BillingCodeTypeVersion: v[13], BillingCode: v[14],
		ProviderGroupID: v[15], NetworkName: v[16], NPI: v[17], TINType: v[18], TIN: v[19], BusinessName: v[20],
		NegotiatedType: v[21], NegotiatedRate: v[22], ExpirationDate: v[23], BillingClass: v[24], Setting: v[25],
		ServiceCodes: split(v[26]), Modifiers: split(v[27]), AdditionalInformation: v[28],
	}
}

type csvOut struct {
	tempFile
	w   *csv.Writer
	rec []string
}

func (o *csvOut) Write(rows []Rate) error {
	for i := range rows {
		o.rec = record(&rows[i], o.rec)
		if err := o.w.Write(o.rec); err != nil {
			return fmt.Errorf("write %s: %w", o.dst, err)
		}
	}
	return nil
}

func (o *csvOut) Close() error {
	o.w.Flush()
	if err := o.w.Error(); err != nil {
		o.Abort()
		return fmt.Errorf("write %s: %w", o.dst, err)
	}
	return o.commit()
}

// sqliteSchema is the table of a .db rates file. Lists are joined by ';'.
const sqliteSchema = `CREATE TABLE rates (
	source TEXT, reporting_entity_name TEXT, reporting_entity_type TEXT, plan_name TEXT, plan_id_type TEXT, plan_id TEXT,
	plan_market_type TEXT, issuer_name TEXT, plan_sponsor_name TEXT, last_updated_on TEXT,
	negotiation_arrangement TEXT, name TEXT, billing_code_type TEXT, billing_code_type_version TEXT, billing_code TEXT,
	provider_group_id TEXT, network_name TEXT, npi TEXT, tin_type TEXT, tin TEXT, business_name TEXT,
	negotiated_type TEXT, negotiated_rate TEXT, expiration_date TEXT, billing_class TEXT, setting TEXT,
	service_code TEXT, billing_code_modifier TEXT, additional_information TEXT
)`

// sqliteIndexes serve Lookup: by code, then by NPI or TIN.
const sqliteIndexes = `
CREATE INDEX rates_code_npi ON rates (billing_code, npi);
CREATE INDEX rates_code_tin ON rates (billing_code, tin);`

type sqliteOut struct {
	tempFile
	db   *sql.DB
	stmt *sql.Stmt
	rec  []string
	args []any
}

func newSQLiteOut(t tempFile) (*sqliteOut, error) {
	// No journal and no fsync while building: the file only becomes the
	// output by the rename in Close, after SQLite has closed it.
	db, err := sql.Open("sqlite3", "file:"+t.name+"?_pragma=journal_mode(off)&_pragma=synchronous(off)")
	if err != nil {
		t.Abort()
		return nil, fmt.Errorf("create %s: %w", t.dst, err)
	}
	db.SetMaxOpenConns(1)
	o := &sqliteOut{tempFile: t, db: db}
	if _, err := db.Exec(sqliteSchema); err != nil {
		o.Abort()
		return nil, fmt.Errorf("create %s: %w", t.dst, err)
	}
	ph := strings.TrimSuffix(strings.Repeat("?,", len(columns)), ",")
	o.stmt, err = db.Prepare("INSERT INTO rates VALUES (" + ph + ")")
	if err != nil {
		o.Abort()
		return nil, fmt.Errorf("create %s: %w", t.dst, err)
	}
	o.args = make([]any, len(columns))
	return o, nil
}

func (o *sqliteOut) Write(rows []Rate) error {
	tx, err := o.db.Begin()
	if err != nil {
		return fmt.Errorf("write %s: %w", o.dst, err)
	}
	defer tx.Rollback()
	st := tx.Stmt(o.stmt)
	for i := range rows {
		o.rec = record(&rows[i], o.rec)
		for j, v := range o.rec {
			o.args[j] = v
		}
		if _, err := st.Exec(o.args...); err != nil {
			return fmt.Errorf("write %s: %w", o.dst, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("write %s: %w", o.dst, err)
	}
	return nil
}

func (o *sqliteOut) Close() error {
	o.stmt.Close()
	if _, err := o.db.Exec(sqliteIndexes); err != nil {
		o.Abort()
		return fmt.Errorf("write %s: %w", o.dst, err)
	}
	if err := o.db.Close(); err != nil {
		o.Abort()
		return fmt.Errorf("write %s: %w", o.dst, err)
	}
	o.db = nil
	return o.commit()
}

func (o *sqliteOut) Abort() {
	if o.db != nil {
		o.db.Close()
	}
	o.tempFile.Abort()
}
