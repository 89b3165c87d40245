package workload

import (
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
)

// DataClaims returns a pool's volume claim templates and claim retention policy, or, without
// persistence, an emptyDir volume in their place (data lives as long as the pod).
func DataClaims(p *navv1alpha1.PersistenceSpec, volume string, labels map[string]string) ([]corev1.PersistentVolumeClaim, *appsv1.StatefulSetPersistentVolumeClaimRetentionPolicy, []corev1.Volume) {
	retention := &appsv1.StatefulSetPersistentVolumeClaimRetentionPolicy{
		WhenDeleted: appsv1.RetainPersistentVolumeClaimRetentionPolicyType,
		WhenScaled:  appsv1.RetainPersistentVolumeClaimRetentionPolicyType,
	}
	if p == nil {
		return nil, retention, []corev1.Volume{{Name: volume, VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}}
	}
	// An empty class name means the cluster's default class, as the API documents it; passed on
	// as "", it would ask for no class at all, which turns dynamic provisioning off for the
	// claim (it then waits for a volume made by hand).
	class := p.StorageClassName
	if class != nil && *class == "" {
		class = nil
	}
	claims := []corev1.PersistentVolumeClaim{{
		ObjectMeta: metav1.ObjectMeta{Name: volume, Labels: labels},
		Spec: corev1.PersistentVolumeClaimSpec{
			AccessModes:      []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			StorageClassName: class,
			Resources:        corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: p.Size}},
		},
	}}
	// The StatefulSet controller applies the declared policy: on scale in (only after the
	// node's data has moved away) and when the cluster, and with it the StatefulSet, is deleted.
	retention.WhenScaled = retentionType(p.RetentionPolicy.WhenScaled)
	retention.WhenDeleted = retentionType(p.RetentionPolicy.WhenDeleted)
	return claims, retention, nil
}

func retentionType(a navv1alpha1.PVCRetentionAction) appsv1.PersistentVolumeClaimRetentionPolicyType {
	if a == navv1alpha1.PVCDelete {
		return appsv1.DeletePersistentVolumeClaimRetentionPolicyType
	}
	return appsv1.RetainPersistentVolumeClaimRetentionPolicyType
}
