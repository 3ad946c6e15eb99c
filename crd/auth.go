package crd

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// Issuer is a CDS client allowed to call the service: its JWT issuer and
// the public keys (a JWKS, exchanged out of band) it signs with.
type Issuer struct {
	ISS  string
	Keys jose.JSONWebKeySet
}

// algorithms are the signing algorithms accepted. CDS Hooks 2.0 forbids
// "none" and HMAC and recommends ES384 and RS384.
var algorithms = []jose.SignatureAlgorithm{jose.ES384, jose.RS384}

// maxTokenAge bounds how long a client JWT is accepted after it was issued,
// and so how long replayed IDs are remembered.
const maxTokenAge = 5 * time.Minute

// verifier checks CDS client JWTs: signature by a known issuer's key (by
// kid), typ JWT, audience the exact URL called, not expired, a jti never
// seen before (no replay).
type verifier struct {
	issuers map[string]Issuer
	now     func() time.Time
	mu      sync.Mutex
	seen    map[string]time.Time // iss+jti -> expiry
	swept   time.Time            // when expired IDs were last forgotten
}

func newVerifier(issuers []Issuer, now func() time.Time) *verifier {
	v := &verifier{issuers: map[string]Issuer{}, now: now, seen: map[string]time.Time{}}
	for _, is := range issuers {
		v.issuers[is.ISS] = is
	}
	return v
}

// errUnauthorized marks a request without a valid client token.
type errUnauthorized struct{ msg string }

func (e errUnauthorized) Error() string { return e.msg }

func unauthorized(format string, args ...any) error {
	return errUnauthorized{fmt.Sprintf(format, args...)}
}

// check verifies the bearer token of r for the service URL aud.
func (v *verifier) check(r *http.Request, aud string) error {
	h := r.Header.Get("Authorization")
	raw, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || strings.TrimSpace(raw) == "" {
		return unauthorized("missing bearer token: CDS clients sign a JWT for every call")
	}
	tok, err := jwt.ParseSigned(strings.TrimSpace(raw), algorithms)
	if err != nil {
		return unauthorized("bad token: %v (ES384 or RS384 JWTs are accepted)", err)
	}
	if len(tok.Headers) != 1 {
		return unauthorized("bad token: want one signature")
	}
	hd := tok.Headers[0]
	if hd.KeyID == "" {
		return unauthorized("bad token: the header has no kid")
	}
	if typ, _ := hd.ExtraHeaders[jose.HeaderType].(string); typ != "" && !strings.EqualFold(typ, "JWT") {
		return unauthorized("bad token: typ %q, want JWT", typ)
	}
	// Read the issuer before verifying, to pick its keys; nothing is
	// trusted until the signature checks.
	var unverified jwt.Claims
	if err := tok.UnsafeClaimsWithoutVerification(&unverified); err != nil {
		return unauthorized("bad token: %v", err)
	}
	is, ok := v.issuers[unverified.Issuer]
	if !ok {
		return unauthorized("token issuer %q is not a known CDS client", unverified.Issuer)
	}
	keys := is.Keys.Key(hd.KeyID)
	if len(keys) == 0 {
		return unauthorized("no key %q for issuer %q", hd.KeyID, is.ISS)
	}
	var claims jwt.Claims
	if err := tok.Claims(keys[0].Key, &claims); err != nil {
		return unauthorized("token signature does not verify: %v", err)
	}
	now := v.now()
	if err := claims.ValidateWithLeeway(jwt.Expected{Issuer: is.ISS, AnyAudience: jwt.Audience{aud}, Time: now}, 30*time.Second); err != nil {
		return unauthorized("token rejected: %v (audience must be %s)", err, aud)
	}
	if claims.Expiry == nil || claims.IssuedAt == nil || claims.ID == "" {
		return unauthorized("token needs exp, iat and jti")
	}
	if now.Sub(claims.IssuedAt.Time()) > maxTokenAge {
		return unauthorized("token issued %s ago; at most %s is accepted", now.Sub(claims.IssuedAt.Time()).Round(time.Second), maxTokenAge)
	}
	key := is.ISS + "\x00" + claims.ID
	v.mu.Lock()
	defer v.mu.Unlock()
	if now.Sub(v.swept) > time.Minute {
		// Forget expired IDs now and then, not on every call.
		for k, exp := range v.seen {
			if now.After(exp) {
				delete(v.seen, k)
			}
		}
		v.swept = now
	}
	if _, dup := v.seen[key]; dup {
		return unauthorized("token jti %q was already used", claims.ID)
	}
	v.seen[key] = claims.IssuedAt.Time().Add(maxTokenAge + time.Minute)
	return nil
}

// ParseIssuer reads a CDS client's JWKS (the JSON its jku serves, or a
// file exchanged out of band) for issuer iss. Only public signing keys are
// accepted.
func ParseIssuer(iss string, jwks []byte) (Issuer, error) {
	var ks jose.JSONWebKeySet
	if err := json.Unmarshal(jwks, &ks); err != nil {
		return Issuer{}, fmt.Errorf("JWKS of %s: %w", iss, err)
	}
	if iss == "" || len(ks.Keys) == 0 {
		return Issuer{}, fmt.Errorf("JWKS of %q: want an issuer and at least one key", iss)
	}
	for i, k := range ks.Keys {
		if !k.IsPublic() || !k.Valid() || k.KeyID == "" {
			return Issuer{}, fmt.Errorf("JWKS of %s: key %d: want a valid public key with a kid", iss, i)
		}
	}
	return Issuer{ISS: iss, Keys: ks}, nil
}
