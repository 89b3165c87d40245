// Package pilotpod builds, for every engine, what puts a pilot into a database pod
// (ARCHITECTURE.md D5): an init container from the pilot image copies navigator-pilot into an
// emptyDir, and the database container, from the unchanged upstream image, runs
// `/navigator/navigator-pilot <engine> [flags] -- <upstream command>`, with the kubelet's probes
// pointing at the pilot. It also builds the per-cluster ServiceAccount and Role of the pilots.
// Everything here is pure: objects in, objects out.
package pilotpod

import (
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
)

// Names and places shared by the pod and the pilot's command line.
const (
	// VolumeName is the emptyDir that carries the pilot binary.
	VolumeName = "navigator-pilot"
	// MountPath is where the database container sees that volume.
	MountPath = "/navigator"
	// Binary is the pilot's path inside the database container.
	Binary = MountPath + "/navigator-pilot"
	// InitContainerName installs the pilot.
	InitContainerName = "install-pilot"
	// PortName and Port serve /livez, /readyz and /metrics.
	PortName = "pilot"
	Port     = 9110
	// ClusterEnv carries the cluster's name to the pilot.
	ClusterEnv = "NAVIGATOR_CLUSTER"
	// gracePeriodMargin is what the kubelet allows beyond the pilot's own stop deadline, so
	// that the pilot, not the kubelet, decides when the database is killed.
	gracePeriodMargin = 15 * time.Second
)

// Injection describes how a database pod gets its pilot.
type Injection struct {
	// Engine is the pilot subcommand: elasticsearch, cassandra (or a test engine).
	Engine string
	// Image and PullPolicy of the pilot image.
	Image      string
	PullPolicy corev1.PullPolicy
	// Cluster is the name of the cluster resource.
	Cluster string
	// ServiceAccount the pod runs as: the cluster's pilot ServiceAccount.
	ServiceAccount string
	// StopTimeout is the pilot's graceful stop deadline.
	StopTimeout time.Duration
	// Args are engine flags, placed before `--`.
	Args []string
}

// Inject rewrites spec so that the container named container runs under the pilot. That
// container's Command and Args must hold the upstream command: an image's entrypoint is not
// visible from the API, so engines state the command they run.
func Inject(spec *corev1.PodSpec, container string, in Injection) error {
	idx := -1
	for i := range spec.Containers {
		if spec.Containers[i].Name == container {
			idx = i
		}
	}
	if idx < 0 {
		return fmt.Errorf("no container %q in the pod spec", container)
	}
	c := &spec.Containers[idx]
	upstream := append(append([]string{}, c.Command...), c.Args...)
	if len(upstream) == 0 {
		return fmt.Errorf("container %q states no command for the pilot to run", container)
	}
	if in.StopTimeout <= 0 {
		return fmt.Errorf("injection for %q: StopTimeout must be positive", container)
	}
	cmd := []string{Binary, in.Engine, fmt.Sprintf("--stop-timeout=%s", in.StopTimeout)}
	cmd = append(cmd, in.Args...)
	c.Command = append(append(cmd, "--"), upstream...)
	c.Args = nil
	c.Env = append(c.Env,
		fieldEnv("POD_NAME", "metadata.name"),
		fieldEnv("POD_NAMESPACE", "metadata.namespace"),
		fieldEnv("POD_IP", "status.podIP"),
		corev1.EnvVar{Name: ClusterEnv, Value: in.Cluster},
	)
	c.Ports = append(c.Ports, corev1.ContainerPort{Name: PortName, ContainerPort: Port, Protocol: corev1.ProtocolTCP})
	c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: VolumeName, MountPath: MountPath, ReadOnly: true})
	// Live answers as soon as the pilot runs, even behind the start gate; Ready only once the
	// database serves and has joined. So the kubelet never restarts a node that waits its turn.
	// Readiness every second: the controller counts a node ready only once the kubelet does
	// (Services and disruption budgets go by the pod's condition), so the probe's period is
	// added to every join and every step of a roll (2.5 s on average at 5 s). Three failures
	// in a row make the pod unready, within 3 s.
	c.LivenessProbe = httpProbe("/livez", 10, 6)
	c.ReadinessProbe = httpProbe("/readyz", 1, 3)

	spec.InitContainers = append(spec.InitContainers, corev1.Container{
		Name:            InitContainerName,
		Image:           in.Image,
		ImagePullPolicy: in.PullPolicy,
		Command:         []string{"/navigator-pilot", "install", Binary},
		VolumeMounts:    []corev1.VolumeMount{{Name: VolumeName, MountPath: MountPath}},
		Resources: corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("10m"), corev1.ResourceMemory: resource.MustParse("16Mi")},
			Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("64Mi")},
		},
		SecurityContext: &corev1.SecurityContext{
			AllowPrivilegeEscalation: ptr.To(false),
			ReadOnlyRootFilesystem:   ptr.To(true),
			RunAsNonRoot:             ptr.To(true),
			Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
		},
	})
	spec.Volumes = append(spec.Volumes, corev1.Volume{
		Name:         VolumeName,
		VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{SizeLimit: ptr.To(resource.MustParse("128Mi"))}},
	})
	spec.ServiceAccountName = in.ServiceAccount
	spec.AutomountServiceAccountToken = ptr.To(true)
	spec.TerminationGracePeriodSeconds = ptr.To(int64((in.StopTimeout + gracePeriodMargin).Seconds()))
	return nil
}

func fieldEnv(name, path string) corev1.EnvVar {
	return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: path}}}
}

func httpProbe(path string, period, failures int32) *corev1.Probe {
	return &corev1.Probe{
		ProbeHandler:     corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: path, Port: intstr.FromString(PortName)}},
		PeriodSeconds:    period,
		TimeoutSeconds:   5,
		FailureThreshold: failures,
	}
}
