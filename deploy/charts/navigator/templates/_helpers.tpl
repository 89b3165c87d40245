{{/* Common names and labels. */}}
{{- define "navigator.name" -}}navigator-controller{{- end -}}

{{- define "navigator.labels" -}}
app.kubernetes.io/name: navigator
app.kubernetes.io/component: controller
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "navigator.selectorLabels" -}}
app.kubernetes.io/name: navigator
app.kubernetes.io/component: controller
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "navigator.image" -}}
{{ .repository }}:{{ .tag | default $.appVersion }}
{{- end -}}

{{/* The controller's rules, generated from +kubebuilder:rbac markers (config/rbac/role.yaml). */}}
{{- define "navigator.rules" -}}
{{- (.Files.Get "files/controller-role.yaml" | fromYaml).rules | toYaml }}
{{- end -}}
