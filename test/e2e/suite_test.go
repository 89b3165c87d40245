//go:build e2e

// Package e2e runs Navigator end to end on a real Kubernetes: the Helm chart installs it, and
// tests check what a user would see. hack/e2e.sh provides the cluster and the images; on
// failure the suite saves pod logs, events and Navigator's resources under $E2E_ARTIFACTS.
package e2e

import (
	"context"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/navigator-dbaas/navigator/internal/controller/manager"
)

// controllerNamespace is where the suite installs Navigator, with Pod Security "restricted"
// enforced, so that every test also proves the controller runs under it.
const controllerNamespace = "navigator-e2e"

// failpointNamespaces are the failpoint sweep's, one per engine: the chart's controller leaves
// them to the controllers the sweep runs and crashes (failpoint_test.go).
var failpointNamespaces = map[string]string{
	"cassandra":     "e2e-failpoints-cassandra",
	"elasticsearch": "e2e-failpoints-elasticsearch",
	"opensearch":    "e2e-failpoints-opensearch",
}

var (
	kube      kubernetes.Interface
	k8s       client.Client
	helm      string
	chart     string
	kubeconf  string
	artifacts string
	// restConfig reaches the cluster as the suite's administrator.
	restConfig *rest.Config
)

func TestMain(m *testing.M) {
	code, err := run(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		code = 1
	}
	os.Exit(code)
}

func run(m *testing.M) (int, error) {
	kubeconf, helm, chart, artifacts = os.Getenv("KUBECONFIG"), os.Getenv("E2E_HELM"), os.Getenv("E2E_CHART"), os.Getenv("E2E_ARTIFACTS")
	if kubeconf == "" || helm == "" || chart == "" {
		return 1, fmt.Errorf("KUBECONFIG, E2E_HELM and E2E_CHART must be set: run this tier with `make test-e2e` (hack/e2e.sh)")
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconf)
	if err != nil {
		return 1, fmt.Errorf("loading %s: %w", kubeconf, err)
	}
	// The tests poll the API server and reach the databases through its proxy; client-go's
	// default limit (5 requests a second) made them wait on themselves, not on the cluster.
	cfg.QPS, cfg.Burst = 50, 100
	restConfig = cfg
	if kube, err = kubernetes.NewForConfig(cfg); err != nil {
		return 1, err
	}
	scheme, err := manager.Scheme()
	if err != nil {
		return 1, err
	}
	if k8s, err = client.New(cfg, client.Options{Scheme: scheme}); err != nil {
		return 1, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := install(ctx); err != nil {
		saveArtifacts("install")
		return 1, err
	}
	code := m.Run()
	if code != 0 {
		saveArtifacts("suite")
	}
	if keep() {
		fmt.Fprintln(os.Stderr, "e2e: E2E_KEEP is set: leaving Navigator and the test namespaces in place")
		return code, nil
	}
	if err := uninstall(); err != nil {
		return 1, err
	}
	return code, nil
}

// keep reports whether E2E_KEEP asks to leave what the suite made, for debugging or measuring.
func keep() bool { return os.Getenv("E2E_KEEP") != "" }

// install creates the restricted namespace and installs the chart with two controller replicas,
// then waits until the Deployment is Available.
func install(ctx context.Context) error {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{
		Name: controllerNamespace,
		Labels: map[string]string{
			"pod-security.kubernetes.io/enforce": "restricted",
			"pod-security.kubernetes.io/warn":    "restricted",
		},
	}}
	if err := k8s.Create(ctx, ns); client.IgnoreAlreadyExists(err) != nil {
		return fmt.Errorf("creating namespace %s: %w", controllerNamespace, err)
	}
	if err := applyCRDs(ctx); err != nil {
		return err
	}
	args := []string{"upgrade", "--install", "navigator", chart, "--namespace", controllerNamespace,
		"--set", "image.repository=" + os.Getenv("E2E_IMAGE_REPO") + "/navigator-controller",
		"--set", "image.tag=" + os.Getenv("E2E_IMAGE_TAG"),
		"--set", "pilotImage.repository=" + os.Getenv("E2E_IMAGE_REPO") + "/navigator-pilot",
		"--set", "pilotImage.tag=" + os.Getenv("E2E_IMAGE_TAG"), "--set", "pilotImage.pullPolicy=Never",
		"--set", "replicaCount=2", "--set", "logLevel=debug", "--set", "excludeNamespaces={" + strings.Join(slices.Sorted(maps.Values(failpointNamespaces)), ",") + "}",
		"--wait", "--timeout", "3m"}
	if out, err := exec.CommandContext(ctx, helm, args...).CombinedOutput(); err != nil {
		return fmt.Errorf("helm %v: %w\n%s", args, err, out)
	}
	return nil
}

// applyCRDs applies the chart's CRDs before Helm runs: Helm installs a chart's CRDs on its first
// install only and never upgrades them, and a local cluster kept from an earlier run would
// otherwise serve the schemas of then, pruning the fields added since.
func applyCRDs(ctx context.Context) error {
	files, err := filepath.Glob(filepath.Join(chart, "crds", "*.yaml"))
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("no CRDs in %s/crds", chart)
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		crd := &unstructured.Unstructured{}
		if err := yaml.Unmarshal(raw, &crd.Object); err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		if err := k8s.Apply(ctx, client.ApplyConfigurationFromUnstructured(crd), client.FieldOwner("navigator-e2e"), client.ForceOwnership); err != nil {
			return fmt.Errorf("applying %s: %w", f, err)
		}
	}
	return nil
}

func uninstall() error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, helm, "uninstall", "navigator", "--namespace", controllerNamespace, "--wait").CombinedOutput(); err != nil {
		return fmt.Errorf("helm uninstall: %w\n%s", err, out)
	}
	return client.IgnoreNotFound(k8s.Delete(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: controllerNamespace}}))
}
