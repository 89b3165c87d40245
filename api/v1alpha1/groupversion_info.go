// Package v1alpha1 holds Navigator's API: the ElasticsearchCluster, CassandraCluster and
// OpenSearchCluster kinds that users write, and the Pilot kind that is the contract between
// navigator-controller and the pilot in every database pod
// (docs/design/0002-controller-pilot-contract.md).
//
// Validation lives in the CRD schema: OpenAPI constraints and CEL rules (x-kubernetes-validations),
// including transition rules on oldSelf for the upgrade paths of ARCHITECTURE.md D7. The rules use
// the CEL semver library, so the CRDs need Kubernetes 1.33 or later.
//
// +kubebuilder:object:generate=true
// +groupName=navigator.dev
package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var (
	// GroupVersion is the group and version of every Navigator kind.
	GroupVersion = schema.GroupVersion{Group: "navigator.dev", Version: "v1alpha1"}

	// SchemeBuilder registers Navigator's kinds with a runtime.Scheme. It is apimachinery's, not
	// controller-runtime's, so that importing the API pulls in no controller machinery.
	SchemeBuilder = runtime.NewSchemeBuilder(addKnownTypes)

	// AddToScheme adds Navigator's kinds to a runtime.Scheme.
	AddToScheme = SchemeBuilder.AddToScheme
)

func addKnownTypes(s *runtime.Scheme) error {
	s.AddKnownTypes(GroupVersion,
		&ElasticsearchCluster{}, &ElasticsearchClusterList{},
		&CassandraCluster{}, &CassandraClusterList{},
		&OpenSearchCluster{}, &OpenSearchClusterList{},
		&Pilot{}, &PilotList{},
	)
	metav1.AddToGroupVersion(s, GroupVersion)
	return nil
}
