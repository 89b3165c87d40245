// Package pki issues the certificates of a cluster's TLS: a certificate authority per cluster,
// and a certificate per node naming every address peers and clients reach it by, each with its
// key. It reads them back from PEM, checks that a certificate (Navigator's or a user's) covers a
// node's names and chains to a trusted CA, says when one is due for renewal, and makes the trust
// bundle that holds an old and a new CA while a CA rotates (issue 18).
//
// Keys are ECDSA P-256 in PKCS#8 PEM ("PRIVATE KEY"), which every engine Navigator runs reads:
// Elasticsearch and OpenSearch (PemKeyConfig), and Cassandra 5.0 (PEMBasedSslContextFactory).
// Node certificates are for both TLS servers and clients, since the transport and gossip
// protocols authenticate both ends with one certificate. The package writes no Kubernetes
// object: the controller keeps what it issues in Secrets.
package pki
