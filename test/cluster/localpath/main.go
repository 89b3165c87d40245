// Command localpath is the local cluster's dynamic volume provisioner: each PersistentVolumeClaim
// of a StorageClass with provisioner navigator.local/local-path gets a directory under --root on
// the one node, as a `local` PersistentVolume pinned to that node. Deleting the volume (reclaim
// policy Delete) removes the directory.
//
// It exists because the controller-manager's built-in hostpath provisioner creates directories
// that only root may write, while database images run as their own users (Elasticsearch 1000,
// Cassandra 999) and a local volume gets no fsGroup ownership change. Directories here are
// world-writable: this is a single-user test machine.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/klog/v2"
	"sigs.k8s.io/sig-storage-lib-external-provisioner/v13/controller"
)

// Name is the provisioner name StorageClasses refer to.
const Name = "navigator.local/local-path"

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of the cluster")
	root := flag.String("root", "", "directory that holds the volumes")
	node := flag.String("node", "", "name of the node the volumes live on")
	flag.Parse()
	if *kubeconfig == "" || *root == "" || *node == "" {
		fmt.Fprintln(os.Stderr, "localpath: --kubeconfig, --root and --node are required")
		os.Exit(2)
	}
	if err := run(*kubeconfig, *root, *node); err != nil {
		fmt.Fprintln(os.Stderr, "localpath:", err)
		os.Exit(1)
	}
}

func run(kubeconfig, root, node string) error {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return err
	}
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	ctx = klog.NewContext(ctx, klog.Background())
	pc := controller.NewProvisionController(ctx, client, Name, &provisioner{root: root, node: node},
		controller.LeaderElection(false))
	pc.Run(ctx)
	return nil
}

type provisioner struct {
	root string
	node string
}

// Provision makes the volume's directory and describes it as a local PersistentVolume.
func (p *provisioner) Provision(_ context.Context, o controller.ProvisionOptions) (*corev1.PersistentVolume, controller.ProvisioningState, error) {
	dir := filepath.Join(p.root, o.PVName)
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return nil, controller.ProvisioningFinished, err
	}
	// MkdirAll is subject to the umask; the mode must really be 0777.
	if err := os.Chmod(dir, 0o777); err != nil {
		return nil, controller.ProvisioningFinished, err
	}
	reclaim := corev1.PersistentVolumeReclaimDelete
	if o.StorageClass.ReclaimPolicy != nil {
		reclaim = *o.StorageClass.ReclaimPolicy
	}
	return &corev1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{Name: o.PVName},
		Spec: corev1.PersistentVolumeSpec{
			PersistentVolumeReclaimPolicy: reclaim,
			AccessModes:                   o.PVC.Spec.AccessModes,
			VolumeMode:                    o.PVC.Spec.VolumeMode,
			Capacity:                      corev1.ResourceList{corev1.ResourceStorage: o.PVC.Spec.Resources.Requests[corev1.ResourceStorage]},
			PersistentVolumeSource:        corev1.PersistentVolumeSource{Local: &corev1.LocalVolumeSource{Path: dir}},
			NodeAffinity: &corev1.VolumeNodeAffinity{Required: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{
				MatchExpressions: []corev1.NodeSelectorRequirement{{
					Key: corev1.LabelHostname, Operator: corev1.NodeSelectorOpIn, Values: []string{p.node},
				}},
			}}}},
		},
	}, controller.ProvisioningFinished, nil
}

// Delete removes the volume's directory, and refuses any path outside the root.
func (p *provisioner) Delete(_ context.Context, pv *corev1.PersistentVolume) error {
	if pv.Spec.Local == nil {
		return errors.New("not a local volume")
	}
	dir := filepath.Clean(pv.Spec.Local.Path)
	if !strings.HasPrefix(dir, filepath.Clean(p.root)+string(filepath.Separator)) {
		return fmt.Errorf("refusing to delete %s: outside %s", dir, p.root)
	}
	return os.RemoveAll(dir)
}
