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

{{- define "metallb.memberlistSecretName" -}}
{{- default (printf "%s-memberlist" (include "metallb.fullname" .)) .Values.speaker.memberlist.secretName -}}
{{- end -}}

{{- define "metallb.image" -}}
{{- printf "%s:%s" .image.repository (default .appVersion (toString .image.tag)) -}}
{{- end -}}

{{/* Fixed names: the product looks them up (as upstream does), so they do not follow the release name. */}}
{{- define "metallb.webhookServiceName" -}}metallb-webhook-service{{- end -}}
{{- define "metallb.webhookConfigurationName" -}}metallb-webhook-configuration{{- end -}}
{{- define "metallb.webhookCertSecretName" -}}metallb-webhook-cert{{- end -}}
{{- define "metallb.excludeL2ConfigMapName" -}}metallb-excludel2{{- end -}}

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

{{/* Label matchers appended to each alert selector. */}}
{{- define "metallb.alertSelector" -}}
{{- with .Values.prometheus.prometheusRule.metricSelector -}}{{ printf "{%s}" . }}{{- end -}}
{{- end -}}
