package pki

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"strings"
	"time"
)

// Covers checks that cert names every one of names, DNS names or IP addresses, as a peer
// connecting by that name checks it. The error names the first it does not cover and what the
// certificate names instead.
func Covers(cert *x509.Certificate, names ...string) error {
	for _, name := range names {
		if err := cert.VerifyHostname(name); err != nil {
			var has []string
			has = append(has, cert.DNSNames...)
			for _, ip := range cert.IPAddresses {
				has = append(has, ip.String())
			}
			return fmt.Errorf("the certificate of %q does not cover %s: it names %s", cert.Subject.CommonName, name, strings.Join(has, ", "))
		}
	}
	return nil
}

// Verify checks that cert chains to one of roots at now, and may serve both ends of a TLS
// connection, as node certificates must.
func Verify(cert *x509.Certificate, roots []*x509.Certificate, now time.Time) error {
	pool := x509.NewCertPool()
	for _, r := range roots {
		pool.AddCert(r)
	}
	for _, usage := range []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth} {
		if _, err := cert.Verify(x509.VerifyOptions{Roots: pool, CurrentTime: now, KeyUsages: []x509.ExtKeyUsage{usage}}); err != nil {
			return fmt.Errorf("the certificate of %q: %w", cert.Subject.CommonName, err)
		}
	}
	return nil
}

// RenewAt is when cert is due for renewal: once fraction of its lifetime has passed (two thirds
// by default, issue 18), which leaves a third of it to renew in, however long it is.
func RenewAt(cert *x509.Certificate, fraction float64) time.Time {
	life := cert.NotAfter.Sub(cert.NotBefore)
	return cert.NotBefore.Add(time.Duration(float64(life) * fraction))
}

// Bundle is the PEM trust bundle of cas, each once, in the order given. While a CA rotates it
// holds the old CA and the new, so that every node trusts a peer whichever of the two signed the
// peer's certificate at that moment.
func Bundle(cas ...*x509.Certificate) []byte {
	var out []byte
	var seen [][]byte
	for _, ca := range cas {
		dup := false
		for _, raw := range seen {
			dup = dup || bytes.Equal(raw, ca.Raw)
		}
		if !dup {
			seen = append(seen, ca.Raw)
			out = append(out, encodeCertificate(ca.Raw)...)
		}
	}
	return out
}
