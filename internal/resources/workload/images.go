package workload

import (
	"errors"

	corev1 "k8s.io/api/core/v1"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
)

// Images says which pilot image to inject when a cluster does not say.
type Images struct {
	Pilot           string
	PilotPullPolicy corev1.PullPolicy
}

// ImageRef is repository:tag, with defaultTag when the spec names no tag.
func ImageRef(i *navv1alpha1.ImageSpec, defaultTag string) string {
	tag := i.Tag
	if tag == "" {
		tag = defaultTag
	}
	if tag == "" {
		return i.Repository
	}
	return i.Repository + ":" + tag
}

// DatabaseImage is the cluster's spec.image, or the upstream repository, tagged with the version.
func DatabaseImage(i *navv1alpha1.ImageSpec, upstream, version string) string {
	if i == nil {
		return upstream + ":" + version
	}
	return ImageRef(i, version)
}

// PullPolicy is the spec's, IfNotPresent by default.
func PullPolicy(i *navv1alpha1.ImageSpec) corev1.PullPolicy {
	if i == nil || i.PullPolicy == "" {
		return corev1.PullIfNotPresent
	}
	return i.PullPolicy
}

// PilotImage is the cluster's spec.pilotImage, or the controller's default.
func PilotImage(spec *navv1alpha1.ImageSpec, defaults Images) (string, corev1.PullPolicy, error) {
	image, policy := defaults.Pilot, defaults.PilotPullPolicy
	if spec != nil {
		image, policy = ImageRef(spec, spec.Tag), PullPolicy(spec)
	}
	if image == "" {
		return "", "", errors.New("no pilot image: set spec.pilotImage or the controller's --pilot-image")
	}
	return image, policy, nil
}
