package web

import (
	"encoding/json"
	"fmt"

	"github.com/ketacover/ketacover/casefile"
)

// openAPIDocument returns the OpenAPI 3.1 document: the hand-written
// openapi.json with the case schema put in from casefile.Schema, so the
// API's description of a case cannot drift from what the reader accepts.
func openAPIDocument() ([]byte, error) {
	raw, err := files.ReadFile("openapi.json")
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("openapi.json: %w", err)
	}
	cs, err := casefile.Schema()
	if err != nil {
		return nil, fmt.Errorf("case schema: %w", err)
	}
	var schema map[string]any
	if err := json.Unmarshal(cs, &schema); err != nil {
		return nil, fmt.Errorf("case schema: %w", err)
	}
	// Inside a larger document the case schema is a subschema: its own
	// $id would move the base of references, and the dialect is the
	// document's (OpenAPI 3.1 uses draft 2020-12).
	delete(schema, "$id")
	delete(schema, "$schema")
	components, _ := doc["components"].(map[string]any)
	schemas, _ := components["schemas"].(map[string]any)
	if schemas == nil {
		return nil, fmt.Errorf("openapi.json: no components.schemas")
	}
	schemas["Case"] = schema
	return json.MarshalIndent(doc, "", "  ")
}
