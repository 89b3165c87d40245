// Package apiserver starts a real kube-apiserver and etcd (controller-runtime envtest) with
// Navigator's CRDs installed, for the integration tier. The binaries come from
// hack/k8s-binaries.sh through KUBEBUILDER_ASSETS; `make test-integration` sets it.
package apiserver

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
)

// Server is a running API server with Navigator's CRDs.
type Server struct {
	env *envtest.Environment
	// Config reaches the server as an administrator.
	Config *rest.Config
	// Client is a controller-runtime client that knows Navigator's kinds.
	Client client.Client
}

// Start runs kube-apiserver and etcd and installs the CRDs from config/crd/bases. It fails, never
// skips, when the binaries are missing: a tier that silently does not run proves nothing.
func Start() (*Server, error) {
	if os.Getenv("KUBEBUILDER_ASSETS") == "" {
		return nil, errors.New("KUBEBUILDER_ASSETS is not set: run the integration tier with `make test-integration`, " +
			"which builds kube-apiserver and etcd with hack/k8s-binaries.sh and points KUBEBUILDER_ASSETS at them")
	}
	if err := navv1alpha1.AddToScheme(scheme.Scheme); err != nil {
		return nil, fmt.Errorf("registering Navigator's kinds: %w", err)
	}
	env := &envtest.Environment{
		CRDDirectoryPaths:     []string{filepath.Join(repoRoot(), "config", "crd", "bases")},
		ErrorIfCRDPathMissing: true,
	}
	cfg, err := env.Start()
	if err != nil {
		// Start fails after the control plane runs when the CRDs cannot be installed (a rule
		// over its cost budget, say): without Stop, kube-apiserver and etcd outlive the test.
		_ = env.Stop()
		return nil, fmt.Errorf("starting kube-apiserver and etcd from %s: %w", os.Getenv("KUBEBUILDER_ASSETS"), err)
	}
	c, err := client.New(cfg, client.Options{Scheme: scheme.Scheme})
	if err != nil {
		_ = env.Stop()
		return nil, fmt.Errorf("building a client: %w", err)
	}
	return &Server{env: env, Config: cfg, Client: c}, nil
}

// WriteKubeconfig writes a kubeconfig for the server's administrator, for processes the tests
// start (a pilot, for instance). A non-empty through is the host:port on 127.0.0.1 the process
// reaches the server at instead (a loopback.Link that a test can cut); the server's certificate
// names 127.0.0.1, so TLS holds through it.
func (s *Server) WriteKubeconfig(path, through string) error {
	host := s.Config.Host
	if through != "" {
		host = "https://" + through
	}
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["envtest"] = &clientcmdapi.Cluster{Server: host, CertificateAuthorityData: s.Config.CAData}
	cfg.AuthInfos["admin"] = &clientcmdapi.AuthInfo{ClientCertificateData: s.Config.CertData, ClientKeyData: s.Config.KeyData}
	cfg.Contexts["envtest"] = &clientcmdapi.Context{Cluster: "envtest", AuthInfo: "admin"}
	cfg.CurrentContext = "envtest"
	return clientcmd.WriteToFile(*cfg, path)
}

// Addr is the host:port the API server listens on.
func (s *Server) Addr() (string, error) {
	u, _, err := rest.DefaultServerUrlFor(s.Config)
	if err != nil {
		return "", err
	}
	return u.Host, nil
}

// Stop stops the API server and etcd.
func (s *Server) Stop() error {
	return s.env.Stop()
}

// repoRoot finds the repository from this file's location, so tests run from any directory.
func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}
