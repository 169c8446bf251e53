{{/*
Names. The base name defaults to "metallb" (not the chart name) so that object names and labels match
an upstream MetalLB install: release "metallb" gives metallb-controller and metallb-speaker.
*/}}
{{- define "metallb.name" -}}
{{- default "metallb" .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "metallb.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := include "metallb.name" . -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "metallb.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "metallb.labels" -}}
helm.sh/chart: {{ include "metallb.chart" . }}
app.kubernetes.io/name: {{ include "metallb.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "metallb.selectorLabels" -}}
app.kubernetes.io/name: {{ include "metallb.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Component labels; `component` is kept too so `kubectl get pods -l component=speaker` works as with the operator. */}}
{{- define "metallb.componentLabels" -}}
app.kubernetes.io/component: {{ .component }}
component: {{ .component }}
{{- end -}}

{{- define "metallb.controllerServiceAccountName" -}}
{{- if .Values.controller.serviceAccount.create -}}
{{- default (printf "%s-controller" (include "metallb.fullname" .)) .Values.controller.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.controller.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "metallb.speakerServiceAccountName" -}}
{{- if .Values.speaker.serviceAccount.create -}}
{{- default (printf "%s-speaker" (include "metallb.fullname" .)) .Values.speaker.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.speaker.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The memberlist Secret the controller creates and owns at run time; upstream's speaker.secretName. */}}
{{- define "metallb.memberlistSecretName" -}}
{{- default (printf "%s-memberlist" (include "metallb.fullname" .)) .Values.speaker.secretName | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
"repository:tag". A null or empty tag means the chart's appVersion (null must not become "<nil>").
Upstream's image repositories, found in copied upstream values files, mean metallb-ts's images.
*/}}
{{- define "metallb.image" -}}
{{- $ours := dict "quay.io/metallb/controller" "ghcr.io/metallb-ts/controller" "quay.io/metallb/speaker" "ghcr.io/metallb-ts/speaker" -}}
{{- $repository := get $ours (toString .image.repository) | default .image.repository -}}
{{- $tag := .image.tag | default .appVersion | toString -}}
{{- printf "%s:%s" $repository $tag -}}
{{- end -}}

{{/* The port of /healthz and /readyz (--health-probe-port): one server serves both probes. */}}
{{- define "metallb.healthPort" -}}
{{- $live := .values.livenessProbe.port | default 17472 | int -}}
{{- $ready := .values.readinessProbe.port | default 17472 | int -}}
{{- if ne $live $ready -}}
{{- fail (printf "%s.readinessProbe.port=%d differs from %s.livenessProbe.port=%d: metallb-ts serves /healthz and /readyz on one port (--health-probe-port); set both to the same port" .component $ready .component $live) -}}
{{- end -}}
{{- $live -}}
{{- end -}}

{{/* Name of the metrics container port: upstream's metricshttps, or monitoring for plain HTTP. */}}
{{- define "metallb.metricsPortName" -}}
{{- if .Values.prometheus.metricsInsecure -}}monitoring{{- else -}}metricshttps{{- end -}}
{{- end -}}

{{/* Metrics flags of a role: port, scheme and the optional serving certificate. */}}
{{- define "metallb.metricsArgs" -}}
- --port={{ .root.Values.prometheus.metricsPort }}
{{- if .root.Values.prometheus.metricsInsecure }}
- --metrics-insecure
{{- else if .tlsSecret }}
- --metrics-cert-dir=/etc/metrics
{{- end }}
{{- end -}}

{{/* Fixed names: the product looks them up (as upstream does), so they do not follow the release name. */}}
{{- define "metallb.webhookServiceName" -}}metallb-webhook-service{{- end -}}
{{- define "metallb.webhookConfigurationName" -}}metallb-webhook-configuration{{- end -}}
{{- define "metallb.webhookCertSecretName" -}}metallb-webhook-cert{{- end -}}
{{- define "metallb.excludeL2ConfigMapName" -}}metallb-excludel2{{- end -}}

{{- define "metallb.memberlistEnabled" -}}
{{- if and .Values.speaker.enabled .Values.speaker.memberlist.enabled -}}true{{- end -}}
{{- end -}}

{{- define "metallb.webhooksEnabled" -}}
{{- if and .Values.controller.enabled (ne .Values.controller.webhookMode "disabled") -}}true{{- end -}}
{{- end -}}

{{/* Probe block shared by controller and speaker: /healthz or /readyz on the health port. */}}
{{- define "metallb.httpProbe" -}}
httpGet:
  path: {{ .path }}
  port: {{ .port }}
  {{- if .host }}
  host: {{ .host }}
  {{- end }}
initialDelaySeconds: {{ .probe.initialDelaySeconds }}
periodSeconds: {{ .probe.periodSeconds }}
timeoutSeconds: {{ .probe.timeoutSeconds }}
successThreshold: {{ .probe.successThreshold }}
failureThreshold: {{ .probe.failureThreshold }}
{{- end -}}

{{/* Label matchers of an alert selector: metricSelector, plus pool!~"<excludePools>" when given. */}}
{{- define "metallb.alertSelector" -}}
{{- $m := list -}}
{{- with .root.Values.prometheus.prometheusRule.metricSelector -}}{{- $m = append $m . -}}{{- end -}}
{{- with .excludePools -}}{{- $m = append $m (printf "pool!~%s" (toJson .)) -}}{{- end -}}
{{- if $m -}}{{ printf "{%s}" (join "," $m) }}{{- end -}}
{{- end -}}
