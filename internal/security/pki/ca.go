package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"time"
)

// backdate is how long before its issue a certificate is valid from: a node whose clock runs a
// little behind the controller's accepts it at once.
const backdate = 5 * time.Minute

// organization is the subject organization of what Navigator issues, so that an operator can tell
// its certificates from a user's.
const organization = "Navigator"

// CA is a certificate authority: its certificate and the key it signs with.
type CA struct {
	Cert *x509.Certificate
	Key  crypto.Signer
}

// NewCA makes a self-signed CA named commonName, valid from now for validity. It may sign node
// certificates only, not other CAs.
func NewCA(commonName string, now time.Time, validity time.Duration) (*CA, error) {
	if commonName == "" || validity <= 0 {
		return nil, fmt.Errorf("a CA needs a name and a positive validity, got %q and %s", commonName, validity)
	}
	cert, key, err := sign(&x509.Certificate{
		Subject:               pkix.Name{CommonName: commonName, Organization: []string{organization}},
		NotBefore:             now.Add(-backdate),
		NotAfter:              now.Add(validity),
		IsCA:                  true,
		BasicConstraintsValid: true,
		MaxPathLenZero:        true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
	}, nil, nil)
	if err != nil {
		return nil, err
	}
	return &CA{Cert: cert, Key: key}, nil
}

// LoadCA reads a CA from PEM, Navigator's or a user's: the first certificate must be a CA's
// that may sign certificates, and the key must be its own.
func LoadCA(certPEM, keyPEM []byte) (*CA, error) {
	certs, err := ParseCertificates(certPEM)
	if err != nil {
		return nil, fmt.Errorf("CA certificate: %w", err)
	}
	cert := certs[0]
	if !cert.IsCA || cert.KeyUsage&x509.KeyUsageCertSign == 0 {
		return nil, fmt.Errorf("the certificate of %q is not a CA's that may sign certificates", cert.Subject.CommonName)
	}
	key, err := ParsePrivateKey(keyPEM)
	if err != nil {
		return nil, fmt.Errorf("CA key: %w", err)
	}
	if !samePublicKey(cert.PublicKey, key.Public()) {
		return nil, fmt.Errorf("the CA key is not the key of the certificate of %q", cert.Subject.CommonName)
	}
	return &CA{Cert: cert, Key: key}, nil
}

// PEM returns the CA's certificate and key in PEM.
func (ca *CA) PEM() (cert, key []byte, err error) {
	key, err = encodePrivateKey(ca.Key)
	return encodeCertificate(ca.Cert.Raw), key, err
}

// sign makes a new key and a certificate of tmpl for it, signed by parent's key, or by its own
// when parent is nil (a CA's).
func sign(tmpl, parent *x509.Certificate, parentKey crypto.Signer) (*x509.Certificate, crypto.Signer, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	if tmpl.SerialNumber, err = serialNumber(); err != nil {
		return nil, nil, err
	}
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), parentKey)
	if err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, err
	}
	return cert, key, nil
}

func samePublicKey(a, b crypto.PublicKey) bool {
	k, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && k.Equal(b)
}

// serialNumber is a random 128-bit serial number, as RFC 5280 allows (at most 20 octets) and
// the CA/Browser Forum asks (at least 64 bits of randomness).
func serialNumber() (*big.Int, error) {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, err
	}
	if n.Sign() == 0 {
		return nil, errors.New("a zero serial number")
	}
	return n, nil
}
