package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/ketacover/ketacover"
	"github.com/ketacover/ketacover/zips"
)

const zipsUsage = `zips import FILE

Reads a Census Bureau ZCTA Gazetteer file (tab-separated, with the columns
GEOID, INTPTLAT and INTPTLONG; the national file from
https://www.census.gov/geographies/reference-files/time-series/geo/gazetteer-files.html)
and keeps it in your data directory as an update to the bundled ZIP
centroids (Census 2021 ZCTAs): "ketacover trials near" then uses the
update's centroid for every ZIP it has, and the bundled one for the rest.
Importing again replaces the previous update.

The data directory is $KETACOVER_DATA, else $XDG_DATA_HOME/ketacover, else
~/.local/share/ketacover. Exit status: 0, or 2 for a usage or input error
(the message names the line and column at fault).`

// zipsName is the file in the data directory that holds the ZIP update.
const zipsName = "zcta.bin.gz"

func runZips(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "import" {
		return usagef("want: zips import FILE")
	}
	fset := newFlags(e, "zips import")
	pos, err := parseFlags(fset, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one Gazetteer file, got %d arguments", len(pos))
	}
	f, err := os.Open(pos[0])
	if errors.Is(err, fs.ErrNotExist) {
		return ketacover.Errorf(ketacover.ENOTFOUND, "%s: no such file", pos[0])
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", pos[0], err)
	}
	defer f.Close()
	update, err := zips.ParseGazetteer(pos[0], f)
	if err != nil {
		return err
	}
	bundled, err := zips.Default()
	if err != nil {
		return err
	}
	dir, err := dataDir(e)
	if err != nil {
		return err
	}
	var enc bytes.Buffer
	if err := update.Encode(&enc); err != nil {
		return err
	}
	path := filepath.Join(dir, zipsName)
	if err := writeAtomic(path, enc.Bytes()); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "read %d ZIP code areas from %s\nstored the update in %s\n%d ZIP codes can now be placed (%d bundled, this update laid over them)\n",
		update.Len(), pos[0], path, bundled.Merge(update).Len(), bundled.Len())
	return nil
}
