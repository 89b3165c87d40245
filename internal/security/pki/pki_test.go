package pki

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"net"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)

const year = 365 * 24 * time.Hour

func newCA(t *testing.T, name string) *CA {
	t.Helper()
	ca, err := NewCA(name, now, 3*year)
	if err != nil {
		t.Fatal(err)
	}
	return ca
}

func nodeRequest() Request {
	return Request{
		CommonName: "ring-r1-0",
		DNSNames:   []string{"ring-r1-0.ring-nodes.shop.svc", "ring-r1-0.ring-nodes.shop.svc.cluster.local", "ring.shop.svc"},
		IPs:        []net.IP{net.ParseIP("10.244.0.7")},
		Validity:   year,
	}
}

// TestANodeCertificateChainsToItsCAAndNamesItsAddresses: a node certificate verifies against its
// CA for servers and clients both, covers the names it was issued for and no other, and is
// refused by another CA and after it expires.
func TestANodeCertificateChainsToItsCAAndNamesItsAddresses(t *testing.T) {
	ca := newCA(t, "ring-ca")
	leaf, err := ca.Issue(nodeRequest(), now)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(leaf.Cert, []*x509.Certificate{ca.Cert}, now); err != nil {
		t.Fatal(err)
	}
	if err := Covers(leaf.Cert, "ring-r1-0.ring-nodes.shop.svc", "ring.shop.svc", "10.244.0.7"); err != nil {
		t.Error(err)
	}
	err = Covers(leaf.Cert, "ring-r1-0.ring-nodes.shop.svc", "ring-r1-1.ring-nodes.shop.svc")
	if err == nil || !strings.Contains(err.Error(), "does not cover ring-r1-1.ring-nodes.shop.svc") || !strings.Contains(err.Error(), "10.244.0.7") {
		t.Errorf("a name it was not issued for: %v", err)
	}
	if err := Verify(leaf.Cert, []*x509.Certificate{newCA(t, "other-ca").Cert}, now); err == nil {
		t.Error("a node certificate verifies against another CA")
	}
	if err := Verify(leaf.Cert, []*x509.Certificate{ca.Cert}, now.Add(year+time.Hour)); err == nil {
		t.Error("an expired node certificate verifies")
	}
	if leaf.Cert.NotBefore.After(now) {
		t.Errorf("valid from %s, after its issue at %s: a node with a slow clock would refuse it", leaf.Cert.NotBefore, now)
	}
}

// TestACertificateNeverOutlivesItsCA: a certificate asked for longer than its CA has left ends
// with the CA.
func TestACertificateNeverOutlivesItsCA(t *testing.T) {
	ca, err := NewCA("short-ca", now, 30*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := ca.Issue(nodeRequest(), now)
	if err != nil {
		t.Fatal(err)
	}
	if !leaf.Cert.NotAfter.Equal(ca.Cert.NotAfter) {
		t.Errorf("the certificate ends %s, its CA %s", leaf.Cert.NotAfter, ca.Cert.NotAfter)
	}
	if _, err := ca.Issue(nodeRequest(), ca.Cert.NotAfter); err == nil || !strings.Contains(err.Error(), "expired") {
		t.Errorf("issued by an expired CA: %v", err)
	}
}

func TestIssueRefusesWhatCannotServe(t *testing.T) {
	ca := newCA(t, "ring-ca")
	for name, req := range map[string]Request{
		"no name":     {DNSNames: []string{"a"}, Validity: year},
		"no address":  {CommonName: "a", Validity: year},
		"no validity": {CommonName: "a", DNSNames: []string{"a"}},
	} {
		if _, err := ca.Issue(req, now); err == nil {
			t.Errorf("%s: issued", name)
		}
	}
}

// TestPEMRoundTrip: what is issued is written as the engines read it (PKCS#8 keys) and reads
// back; a CA read back issues certificates that verify against the original.
func TestPEMRoundTrip(t *testing.T) {
	ca := newCA(t, "ring-ca")
	certPEM, keyPEM, err := ca.PEM()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(keyPEM), "-----BEGIN PRIVATE KEY-----") {
		t.Errorf("the key is not PKCS#8:\n%s", keyPEM)
	}
	loaded, err := LoadCA(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := loaded.Issue(nodeRequest(), now)
	if err != nil {
		t.Fatal(err)
	}
	leafCert, leafKey, err := leaf.PEM()
	if err != nil {
		t.Fatal(err)
	}
	certs, err := ParseCertificates(leafCert)
	if err != nil || len(certs) != 1 {
		t.Fatalf("the node certificate read back: %v %v", certs, err)
	}
	if err := Verify(certs[0], []*x509.Certificate{ca.Cert}, now); err != nil {
		t.Error(err)
	}
	if _, err := tls.X509KeyPair(leafCert, leafKey); err != nil {
		t.Errorf("the node certificate and key do not make a TLS key pair: %v", err)
	}
}

// TestLoadCARefusesWhatIsNotACA: a leaf certificate, a key that is not the CA's, a key in a form
// the engines do not read, and a key where the certificate belongs.
func TestLoadCARefusesWhatIsNotACA(t *testing.T) {
	ca := newCA(t, "ring-ca")
	certPEM, keyPEM, _ := ca.PEM()
	_, otherKey, _ := newCA(t, "other-ca").PEM()
	leafPEM, leafKey, _ := must(ca.Issue(nodeRequest(), now)).PEM()
	ecKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	sec1, _ := x509.MarshalECPrivateKey(ecKey)
	sec1PEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: sec1})
	for name, tc := range map[string]struct {
		cert, key []byte
		want      string
	}{
		"a leaf":                   {leafPEM, leafKey, "is not a CA's"},
		"another CA's key":         {certPEM, otherKey, "is not the key of the certificate"},
		"a SEC 1 key":              {certPEM, sec1PEM, "PKCS#8"},
		"a key as the certificate": {keyPEM, keyPEM, "only certificates belong"},
		"nothing":                  {nil, keyPEM, "no PEM certificate"},
	} {
		if _, err := LoadCA(tc.cert, tc.key); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error saying %q", name, err, tc.want)
		}
	}
}

func TestRenewAtTwoThirds(t *testing.T) {
	ca := newCA(t, "ring-ca")
	leaf := must(ca.Issue(nodeRequest(), now))
	life := leaf.Cert.NotAfter.Sub(leaf.Cert.NotBefore)
	if got, want := RenewAt(leaf.Cert, 2.0/3), leaf.Cert.NotBefore.Add(life*2/3); got.Sub(want).Abs() > time.Second {
		t.Errorf("renew at %s, want %s", got, want)
	}
}

// TestBundleTrustsBothCAsWhileOneRotates: during a CA rotation, certificates of the old CA and
// of the new both verify against the bundle, which holds each CA once.
func TestBundleTrustsBothCAsWhileOneRotates(t *testing.T) {
	old, next := newCA(t, "ring-ca"), newCA(t, "ring-ca")
	bundle := Bundle(old.Cert, next.Cert, old.Cert)
	roots, err := ParseCertificates(bundle)
	if err != nil || len(roots) != 2 {
		t.Fatalf("the bundle holds %d certificates (%v), want the two CAs once each", len(roots), err)
	}
	for name, ca := range map[string]*CA{"old": old, "new": next} {
		if err := Verify(must(ca.Issue(nodeRequest(), now)).Cert, roots, now); err != nil {
			t.Errorf("a certificate of the %s CA against the bundle: %v", name, err)
		}
	}
}

// TestMutualTLSHandshake: two nodes with certificates of one CA complete a TLS 1.3 handshake in
// which each checks the other's certificate, as transport and gossip connections do; a node
// whose certificate another CA signed is refused.
func TestMutualTLSHandshake(t *testing.T) {
	// The handshake checks validity against the wall clock: these CAs are made now.
	wallCA := func(name string) *CA { return must(NewCA(name, time.Now(), year)) }
	ca := wallCA("ring-ca")
	serverReq := nodeRequest()
	clientReq := nodeRequest()
	clientReq.CommonName, clientReq.DNSNames, clientReq.IPs = "ring-r1-1", []string{"ring-r1-1.ring-nodes.shop.svc"}, nil
	handshake := func(clientCA *CA) error {
		server, client := keyPair(t, ca, serverReq), keyPair(t, clientCA, clientReq)
		pool := x509.NewCertPool()
		pool.AddCert(ca.Cert)
		sConn, cConn := net.Pipe()
		defer func() { _, _ = sConn.Close(), cConn.Close() }()
		srv := tls.Server(sConn, &tls.Config{Certificates: []tls.Certificate{server}, ClientCAs: pool, ClientAuth: tls.RequireAndVerifyClientCert, MinVersion: tls.VersionTLS13})
		cli := tls.Client(cConn, &tls.Config{Certificates: []tls.Certificate{client}, RootCAs: pool, ServerName: serverReq.DNSNames[0], MinVersion: tls.VersionTLS13})
		errs := make(chan error, 1)
		go func() { errs <- srv.Handshake(); _ = srv.Close() }()
		err := cli.Handshake()
		if err == nil {
			// TLS 1.3: the client finishes first; the server's verdict on the client's
			// certificate arrives with the first read.
			_, err = cli.Read(make([]byte, 1))
			if err != nil && err.Error() == "EOF" {
				err = nil
			}
		}
		if serr := <-errs; serr != nil {
			return serr
		}
		return err
	}
	if err := handshake(ca); err != nil {
		t.Fatalf("two nodes of one CA: %v", err)
	}
	if err := handshake(wallCA("other-ca")); err == nil {
		t.Error("a node of another CA was accepted")
	}
}

func keyPair(t *testing.T, ca *CA, req Request) tls.Certificate {
	t.Helper()
	req.Validity = year
	certPEM, keyPEM, err := must(ca.Issue(req, time.Now())).PEM()
	if err != nil {
		t.Fatal(err)
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	return pair
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
