package crd

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// signer makes client JWTs as a CDS client would.
type signer struct {
	kid string
	alg jose.SignatureAlgorithm
	key any
}

func (s signer) token(t *testing.T, claims jwt.Claims, typ string) string {
	t.Helper()
	opts := (&jose.SignerOptions{}).WithHeader("kid", s.kid)
	if typ != "" {
		opts = opts.WithType(jose.ContentType(typ))
	}
	sg, err := jose.NewSigner(jose.SigningKey{Algorithm: s.alg, Key: s.key}, opts)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := jwt.Signed(sg).Claims(claims).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestClientJWT(t *testing.T) {
	ec, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	es := signer{"ec-1", jose.ES384, ec}
	rs := signer{"rsa-1", jose.RS384, rk}
	jwks := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{
		{Key: &ec.PublicKey, KeyID: "ec-1", Algorithm: string(jose.ES384), Use: "sig"},
		{Key: &rk.PublicKey, KeyID: "rsa-1", Algorithm: string(jose.RS384), Use: "sig"},
	}}
	now := fixedNow()
	pub, err := json.Marshal(jwks)
	if err != nil {
		t.Fatal(err)
	}
	is, err := ParseIssuer("https://ehr.example", pub)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseIssuer("https://ehr.example", []byte(`{"keys":[]}`)); err == nil {
		t.Error("an empty JWKS was accepted")
	}
	priv, _ := json.Marshal(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: ec, KeyID: "ec-1"}}})
	if _, err := ParseIssuer("https://ehr.example", priv); err == nil {
		t.Error("a JWKS with a private key was accepted")
	}
	_, ts := newServer(t, func(c *Config) { c.Issuers = []Issuer{is} })
	aud := "https://payer.example/crd/cds-services"
	claims := func(mod func(*jwt.Claims)) jwt.Claims {
		c := jwt.Claims{Issuer: "https://ehr.example", Audience: jwt.Audience{aud}, IssuedAt: jwt.NewNumericDate(now), Expiry: jwt.NewNumericDate(now.Add(time.Minute)), ID: "jti-" + t.Name()}
		if mod != nil {
			mod(&c)
		}
		return c
	}
	n := 0
	fresh := func(mod func(*jwt.Claims)) jwt.Claims {
		n++
		return claims(func(c *jwt.Claims) {
			c.ID = c.ID + string(rune('a'+n))
			if mod != nil {
				mod(c)
			}
		})
	}
	hmac := signer{"ec-1", jose.HS256, []byte("0123456789abcdef0123456789abcdef")}
	replayed := es.token(t, fresh(nil), "JWT")
	tests := []struct {
		name   string
		token  string
		status int
		want   string
	}{
		{"ES384", es.token(t, fresh(nil), "JWT"), 200, ""},
		{"RS384", rs.token(t, fresh(nil), ""), 200, ""},
		{"first use", replayed, 200, ""},
		{"replayed jti", replayed, 401, "already used"},
		{"no token", "", 401, "missing bearer token"},
		{"HMAC", hmac.token(t, fresh(nil), "JWT"), 401, "bad token"},
		{"wrong audience", es.token(t, fresh(func(c *jwt.Claims) { c.Audience = jwt.Audience{"https://payer.example/crd/cds-services/other"} }), "JWT"), 401, "audience must be"},
		{"expired", es.token(t, fresh(func(c *jwt.Claims) { c.Expiry = jwt.NewNumericDate(now.Add(-time.Minute)) }), "JWT"), 401, "token rejected"},
		{"unknown issuer", es.token(t, fresh(func(c *jwt.Claims) { c.Issuer = "https://evil.example" }), "JWT"), 401, "not a known CDS client"},
		{"unknown kid", signer{"ec-9", jose.ES384, ec}.token(t, fresh(nil), "JWT"), 401, "ec-9"},
		{"wrong key", signer{"rsa-1", jose.ES384, ec}.token(t, fresh(nil), "JWT"), 401, "does not verify"},
		{"no jti", es.token(t, fresh(func(c *jwt.Claims) { c.ID = "" }), "JWT"), 401, "needs exp, iat and jti"},
		{"old token", es.token(t, fresh(func(c *jwt.Claims) { c.IssuedAt = jwt.NewNumericDate(now.Add(-time.Hour)) }), "JWT"), 401, "ago; at most"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, ts.URL+"/cds-services", nil)
			if tt.token != "" {
				req.Header.Set("Authorization", "Bearer "+tt.token)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var b strings.Builder
			buf := make([]byte, 4096)
			for {
				k, err := res.Body.Read(buf)
				b.Write(buf[:k])
				if err != nil {
					break
				}
			}
			if res.StatusCode != tt.status || !strings.Contains(b.String(), tt.want) {
				t.Errorf("status %d body %s, want %d containing %q", res.StatusCode, b.String(), tt.status, tt.want)
			}
		})
	}
}
