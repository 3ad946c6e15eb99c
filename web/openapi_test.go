package web

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// spec checks real responses against the OpenAPI document the server
// serves: the operation must be documented, its status listed, its media
// type listed, and a JSON body must validate against the schema.
type spec struct {
	doc      map[string]any
	compiler *jsonschema.Compiler
	mu       sync.Mutex
	schemas  map[string]*jsonschema.Schema
}

const specURL = "file:///openapi.json"

// loadSpec fetches /api/openapi.json from the server.
func loadSpec(tb testing.TB, h http.Handler) *spec {
	tb.Helper()
	res, body := do(tb, h, http.MethodGet, "/api/openapi.json", "", nil)
	if res.StatusCode != http.StatusOK {
		tb.Fatalf("GET /api/openapi.json: %s", res.Status)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		tb.Fatalf("openapi.json: %v", err)
	}
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource(specURL, inst); err != nil {
		tb.Fatal(err)
	}
	return &spec{doc: doc, compiler: c, schemas: map[string]*jsonschema.Schema{}}
}

// pointer escapes one JSON Pointer token.
func pointer(tok string) string {
	return strings.ReplaceAll(strings.ReplaceAll(tok, "~", "~0"), "/", "~1")
}

func (s *spec) schema(tb testing.TB, ptr string) *jsonschema.Schema {
	tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if sch, ok := s.schemas[ptr]; ok {
		return sch
	}
	sch, err := s.compiler.Compile(specURL + "#" + ptr)
	if err != nil {
		tb.Fatalf("compile schema at %s: %v", ptr, err)
	}
	s.schemas[ptr] = sch
	return sch
}

// resolve follows a local $ref, returning the object and its pointer.
func (s *spec) resolve(obj map[string]any, ptr string) (map[string]any, string) {
	ref, ok := obj["$ref"].(string)
	if !ok {
		return obj, ptr
	}
	ptr = strings.TrimPrefix(ref, "#")
	var cur any = s.doc
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		m, _ := cur.(map[string]any)
		cur = m[tok]
	}
	m, _ := cur.(map[string]any)
	return m, ptr
}

// operation returns the documented operation of a route pattern such as
// "POST /api/v1/check".
func (s *spec) operation(pattern string) (map[string]any, string, bool) {
	method, path, _ := strings.Cut(pattern, " ")
	paths, _ := s.doc["paths"].(map[string]any)
	item, ok := paths[path].(map[string]any)
	if !ok {
		return nil, "", false
	}
	op, ok := item[strings.ToLower(method)].(map[string]any)
	return op, "/paths/" + pointer(path) + "/" + strings.ToLower(method), ok
}

// check validates one response of the route pattern.
func (s *spec) check(tb testing.TB, pattern string, res *http.Response, body string) {
	tb.Helper()
	op, ptr, ok := s.operation(pattern)
	if !ok {
		tb.Errorf("%s: not in the OpenAPI document", pattern)
		return
	}
	responses, _ := op["responses"].(map[string]any)
	code := strconv.Itoa(res.StatusCode)
	resp, ok := responses[code].(map[string]any)
	rptr := ptr + "/responses/" + code
	if !ok {
		if resp, ok = responses["default"].(map[string]any); !ok {
			tb.Errorf("%s: status %d is not documented", pattern, res.StatusCode)
			return
		}
		rptr = ptr + "/responses/default"
	}
	resp, rptr = s.resolve(resp, rptr)
	mt, _, err := mime.ParseMediaType(res.Header.Get("Content-Type"))
	if err != nil {
		tb.Errorf("%s: Content-Type %q: %v", pattern, res.Header.Get("Content-Type"), err)
		return
	}
	content, _ := resp["content"].(map[string]any)
	if _, ok := content[mt]; !ok {
		tb.Errorf("%s %d: media type %s is not documented", pattern, res.StatusCode, mt)
		return
	}
	if mt != "application/json" && !strings.HasSuffix(mt, "+json") {
		return
	}
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(body))
	if err != nil {
		tb.Errorf("%s %d: body is not JSON: %v", pattern, res.StatusCode, err)
		return
	}
	if err := s.schema(tb, rptr+"/content/"+pointer(mt)+"/schema").Validate(inst); err != nil {
		tb.Errorf("%s %d: the response does not match the OpenAPI document:\n%v", pattern, res.StatusCode, err)
	}
}

// TestOpenAPIDocument: the served document is OpenAPI 3.1, carries the
// case schema, and documents exactly the API and operational routes.
func TestOpenAPIDocument(t *testing.T) {
	s, _ := MustServer(t, Deps{})
	sp := loadSpec(t, s.Handler())
	if v := sp.doc["openapi"]; v != "3.1.0" {
		t.Errorf("openapi = %v, want 3.1.0", v)
	}
	// Every schema in components compiles.
	schemas := sp.doc["components"].(map[string]any)["schemas"].(map[string]any)
	for name := range schemas {
		sp.schema(t, "/components/schemas/"+name)
	}
	caseSchema := schemas["Case"].(map[string]any)
	if _, ok := caseSchema["properties"].(map[string]any)["history"]; !ok {
		t.Errorf("components.schemas.Case is not the case schema: %v", caseSchema)
	}

	var routes, documented []string
	for _, rt := range s.table() {
		method, path, ok := strings.Cut(rt.pattern, " ")
		if !ok || !(strings.HasPrefix(path, "/api/") || path == "/healthz" || path == "/readyz" || path == "/metrics") {
			continue
		}
		routes = append(routes, method+" "+path)
	}
	for path, item := range sp.doc["paths"].(map[string]any) {
		for method := range item.(map[string]any) {
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	sort.Strings(routes)
	sort.Strings(documented)
	if strings.Join(routes, "\n") != strings.Join(documented, "\n") {
		t.Errorf("routes and OpenAPI paths differ:\nroutes:\n  %s\ndocumented:\n  %s", strings.Join(routes, "\n  "), strings.Join(documented, "\n  "))
	}

	// The document the server serves is valid JSON and stable.
	var again bytes.Buffer
	_, body := do(t, s.Handler(), http.MethodGet, "/api/openapi.json", "", nil)
	if err := json.Indent(&again, []byte(body), "", "  "); err != nil {
		t.Fatal(err)
	}
}
