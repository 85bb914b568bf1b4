{{/* Names: the release name, with the chart's appended unless it already says gateway. */}}
{{- define "gateway.fullname" -}}
{{- if contains .Chart.Name .Release.Name }}{{ .Release.Name | trunc 50 | trimSuffix "-" }}
{{- else }}{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" }}{{ end }}
{{- end }}

{{- define "gateway.controllerName" -}}{{ include "gateway.fullname" . }}-controller{{- end }}

{{- define "gateway.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}{{ default (include "gateway.fullname" .) .Values.serviceAccount.name }}
{{- else }}{{ default "default" .Values.serviceAccount.name }}{{ end }}
{{- end }}

{{/* Labels every pod of the release carries; the per-Gateway Services select these (plus the component in split mode). */}}
{{- define "gateway.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* No app.kubernetes.io/managed-by: the gateway owns Services carrying it (its per-Gateway Services). */}}
{{- define "gateway.labels" -}}
{{ include "gateway.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end }}

{{/* The gateway pods: all of them, or the proxies in split mode. */}}
{{- define "gateway.proxySelectorLabels" -}}
{{ include "gateway.selectorLabels" . }}
{{- if .Values.split.enabled }}
app.kubernetes.io/component: proxy
{{- end }}
{{- end }}

{{- define "gateway.controllerSelectorLabels" -}}
{{ include "gateway.selectorLabels" . }}
app.kubernetes.io/component: controller
{{- end }}

{{/* key=value,... of the proxy pods' labels: --service-selector. */}}
{{- define "gateway.serviceSelector" -}}
{{- $pairs := list }}
{{- range $key, $value := include "gateway.proxySelectorLabels" . | fromYaml }}{{ $pairs = append $pairs (printf "%s=%s" $key $value) }}{{ end }}
{{- join "," $pairs }}
{{- end }}

{{- define "gateway.image" -}}
{{ .Values.image.repository }}:{{ default .Chart.AppVersion .Values.image.tag }}
{{- end }}

{{- define "gateway.terminationGracePeriodSeconds" -}}
{{ add .Values.shutdown.preStopSleepSeconds .Values.shutdown.drainPeriodSeconds .Values.shutdown.timeoutSeconds 5 }}
{{- end }}

{{- define "gateway.channelHost" -}}
{{ include "gateway.controllerName" . }}.{{ .Release.Namespace }}.svc
{{- end }}

{{- define "gateway.channelSecret" -}}
{{- if eq .side "controller" }}{{ default (printf "%s-channel" (include "gateway.controllerName" .root)) .root.Values.split.tls.controllerSecret }}
{{- else }}{{ default (printf "%s-proxy-channel" (include "gateway.fullname" .root)) .root.Values.split.tls.proxySecret }}{{ end }}
{{- end }}

{{/* Shared by the gateway and controller containers. */}}
{{- define "gateway.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
  add: [NET_BIND_SERVICE]
{{- end }}

{{- define "gateway.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1654
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "gateway.probes" -}}
livenessProbe:
  httpGet: {path: /healthz, port: admin}
  periodSeconds: 10
readinessProbe:
  httpGet: {path: /readyz, port: admin}
  periodSeconds: 5
{{- end }}

{{- define "gateway.podAnnotations" -}}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .Values.adminPort | quote }}
prometheus.io/path: /metrics
{{- with .Values.podAnnotations }}
{{ toYaml . }}
{{- end }}
{{- end }}
