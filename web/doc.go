// Package web serves ketacover over HTTP: the JSON API under /api/v1 with
// its OpenAPI document, and the server-rendered pages a patient uses (the
// self-check and the policy browser), from templates and static files
// embedded in the binary.
package web
