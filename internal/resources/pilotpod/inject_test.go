package pilotpod

import (
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	navv1alpha1 "github.com/navigator-dbaas/navigator/api/v1alpha1"
)

func injection() Injection {
	return Injection{
		Engine: "elasticsearch", Image: "navigator.local/navigator-pilot:dev", PullPolicy: corev1.PullIfNotPresent,
		Cluster: "search", ServiceAccount: "search-pilot", StopTimeout: 60 * time.Second, Args: []string{"--log-level=debug"},
	}
}

func podSpec() *corev1.PodSpec {
	return &corev1.PodSpec{Containers: []corev1.Container{
		{Name: "sidecar", Image: "busybox", Command: []string{"sleep", "inf"}},
		{Name: "elasticsearch", Image: "docker.elastic.co/elasticsearch/elasticsearch:8.15.3",
			Command: []string{"/bin/tini", "--"}, Args: []string{"/usr/local/bin/docker-entrypoint.sh", "eswrapper"}},
	}}
}

func TestInjectWrapsTheDatabaseContainer(t *testing.T) {
	spec := podSpec()
	if err := Inject(spec, "elasticsearch", injection()); err != nil {
		t.Fatal(err)
	}
	c := spec.Containers[1]
	want := []string{Binary, "elasticsearch", "--stop-timeout=1m0s", "--log-level=debug", "--",
		"/bin/tini", "--", "/usr/local/bin/docker-entrypoint.sh", "eswrapper"}
	if !slices.Equal(c.Command, want) || c.Args != nil {
		t.Errorf("command = %q args = %q, want %q and no args", c.Command, c.Args, want)
	}
	if c.Image != "docker.elastic.co/elasticsearch/elasticsearch:8.15.3" {
		t.Errorf("the database image changed to %q; it must stay the upstream image", c.Image)
	}
	for path, probe := range map[string]*corev1.Probe{"/livez": c.LivenessProbe, "/readyz": c.ReadinessProbe} {
		if probe == nil || probe.HTTPGet == nil || probe.HTTPGet.Path != path || probe.HTTPGet.Port != intstr.FromString(PortName) {
			t.Errorf("probe %s: %+v", path, probe)
		}
	}
	env := map[string]string{}
	for _, e := range c.Env {
		if e.ValueFrom != nil {
			env[e.Name] = e.ValueFrom.FieldRef.FieldPath
		} else {
			env[e.Name] = e.Value
		}
	}
	for name, value := range map[string]string{"POD_NAME": "metadata.name", "POD_NAMESPACE": "metadata.namespace", "POD_IP": "status.podIP", ClusterEnv: "search"} {
		if env[name] != value {
			t.Errorf("env %s = %q, want %q", name, env[name], value)
		}
	}
	if !slices.ContainsFunc(c.VolumeMounts, func(m corev1.VolumeMount) bool { return m.Name == VolumeName && m.MountPath == MountPath && m.ReadOnly }) {
		t.Errorf("the database container does not mount the pilot read-only: %+v", c.VolumeMounts)
	}
	if spec.Containers[0].Command[0] != "sleep" {
		t.Error("another container was rewritten")
	}
}

func TestInjectAddsInstallerVolumeAndIdentity(t *testing.T) {
	spec := podSpec()
	if err := Inject(spec, "elasticsearch", injection()); err != nil {
		t.Fatal(err)
	}
	if len(spec.InitContainers) != 1 {
		t.Fatalf("init containers: %+v", spec.InitContainers)
	}
	ic := spec.InitContainers[0]
	if ic.Image != "navigator.local/navigator-pilot:dev" || !slices.Equal(ic.Command, []string{"/navigator-pilot", "install", Binary}) {
		t.Errorf("installer: image %q command %q", ic.Image, ic.Command)
	}
	if len(spec.Volumes) != 1 || spec.Volumes[0].EmptyDir == nil || spec.Volumes[0].Name != VolumeName {
		t.Errorf("volumes: %+v", spec.Volumes)
	}
	if spec.ServiceAccountName != "search-pilot" || spec.AutomountServiceAccountToken == nil || !*spec.AutomountServiceAccountToken {
		t.Errorf("service account %q automount %v", spec.ServiceAccountName, spec.AutomountServiceAccountToken)
	}
	// The kubelet's grace period must outlast the pilot's own stop deadline.
	if g := spec.TerminationGracePeriodSeconds; g == nil || *g <= 60 {
		t.Errorf("terminationGracePeriodSeconds = %v, want more than the 60s stop timeout", g)
	}
}

func TestInjectRefuses(t *testing.T) {
	cases := map[string]struct {
		container string
		change    func(*corev1.PodSpec, *Injection)
		want      string
	}{
		"unknown container": {container: "cassandra", want: `no container "cassandra"`},
		"no upstream command": {container: "elasticsearch", change: func(s *corev1.PodSpec, _ *Injection) {
			s.Containers[1].Command, s.Containers[1].Args = nil, nil
		}, want: "states no command"},
		"no stop timeout": {container: "elasticsearch", change: func(_ *corev1.PodSpec, in *Injection) { in.StopTimeout = 0 }, want: "StopTimeout"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			spec, in := podSpec(), injection()
			if tc.change != nil {
				tc.change(spec, &in)
			}
			err := Inject(spec, tc.container, in)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Inject() error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestRBAC(t *testing.T) {
	sa, role, binding := RBAC("ns", "ring", navv1alpha1.EngineCassandra, map[string]string{"a": "b"})
	if sa.Name != "ring-pilot" || role.Name != sa.Name || binding.Subjects[0].Name != sa.Name || binding.RoleRef.Name != role.Name {
		t.Fatalf("names: sa %q role %q binding %+v", sa.Name, role.Name, binding)
	}
	var canWriteSpec, canWriteStatus, readsCluster bool
	for _, r := range role.Rules {
		for _, res := range r.Resources {
			switch {
			case res == "pilots" && (slices.Contains(r.Verbs, "update") || slices.Contains(r.Verbs, "patch")):
				canWriteSpec = true
			case res == "pilots/status" && slices.Contains(r.Verbs, "patch"):
				canWriteStatus = true
			case res == "cassandraclusters" && slices.Equal(r.ResourceNames, []string{"ring"}):
				readsCluster = true
			}
		}
		if slices.Contains(r.Verbs, "*") || slices.Contains(r.Resources, "*") {
			t.Errorf("wildcard in %+v", r)
		}
	}
	if canWriteSpec || !canWriteStatus || !readsCluster {
		t.Errorf("pilot rights: write spec %v (want false), write status %v, read own cluster %v", canWriteSpec, canWriteStatus, readsCluster)
	}
}
