package workload

import (
	"testing"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/utils/ptr"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
)

// TestStorageClassName: a class named is asked for; none, or an empty name, leaves the claim to
// the cluster's default class (an empty class on a claim would turn dynamic provisioning off).
func TestStorageClassName(t *testing.T) {
	for _, tc := range []struct {
		class *string
		want  *string
	}{
		{nil, nil},
		{ptr.To(""), nil},
		{ptr.To("fast"), ptr.To("fast")},
	} {
		claims, _, _ := DataClaims(&navv1alpha1.PersistenceSpec{Size: resource.MustParse("1Gi"), StorageClassName: tc.class}, "data", nil)
		if got := claims[0].Spec.StorageClassName; !ptr.Equal(got, tc.want) {
			t.Errorf("storageClassName %v: the claim asks for %v, want %v", ptr.Deref(tc.class, "<nil>"), ptr.Deref(got, "<nil>"), ptr.Deref(tc.want, "<nil>"))
		}
	}
}
