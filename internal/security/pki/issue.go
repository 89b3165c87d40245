package pki

import (
	"crypto"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"net"
	"time"
)

// Request says whom a certificate is for: the node's name, and every name peers and clients
// reach it by (its DNS names in the headless and client Services, and its IP where an engine
// checks the address).
type Request struct {
	CommonName string
	DNSNames   []string
	IPs        []net.IP
	Validity   time.Duration
}

// Leaf is an issued certificate and its key.
type Leaf struct {
	Cert *x509.Certificate
	Key  crypto.Signer
}

// Issue signs a certificate for req, valid from now for req.Validity but never past the CA's
// own expiry: a peer would refuse it then anyway, and the renewal that follows the CA's must not
// find a certificate that seems to have time left. It serves both ends of a TLS connection.
func (ca *CA) Issue(req Request, now time.Time) (*Leaf, error) {
	switch {
	case req.CommonName == "":
		return nil, errors.New("a certificate needs a common name")
	case len(req.DNSNames) == 0 && len(req.IPs) == 0:
		return nil, fmt.Errorf("the certificate of %s names no DNS name and no IP address to be reached at", req.CommonName)
	case req.Validity <= 0:
		return nil, fmt.Errorf("the certificate of %s needs a positive validity, got %s", req.CommonName, req.Validity)
	case !now.Before(ca.Cert.NotAfter):
		return nil, fmt.Errorf("the CA %q expired at %s", ca.Cert.Subject.CommonName, ca.Cert.NotAfter.UTC().Format(time.RFC3339))
	}
	notAfter := now.Add(req.Validity)
	if notAfter.After(ca.Cert.NotAfter) {
		notAfter = ca.Cert.NotAfter
	}
	cert, key, err := sign(&x509.Certificate{
		Subject:     pkix.Name{CommonName: req.CommonName, Organization: []string{organization}},
		DNSNames:    req.DNSNames,
		IPAddresses: req.IPs,
		NotBefore:   now.Add(-backdate),
		NotAfter:    notAfter,
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}, ca.Cert, ca.Key)
	if err != nil {
		return nil, err
	}
	return &Leaf{Cert: cert, Key: key}, nil
}

// PEM returns the certificate and its key in PEM.
func (l *Leaf) PEM() (cert, key []byte, err error) {
	key, err = encodePrivateKey(l.Key)
	return encodeCertificate(l.Cert.Raw), key, err
}
