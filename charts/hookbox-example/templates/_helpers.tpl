{{/* SPDX-License-Identifier: MIT */}}
{{/* Names, labels and the pieces every hookbox pod of the chart shares. */}}

{{- define "hookbox-example.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Object names get suffixes ("-test-db"): 52 leaves room for them. */}}
{{- define "hookbox-example.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 52 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 52 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "hookbox-example.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "hookbox-example.selectorLabels" -}}
app.kubernetes.io/name: {{ include "hookbox-example.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "hookbox-example.labels" -}}
helm.sh/chart: {{ include "hookbox-example.chart" . }}
{{ include "hookbox-example.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* The app's pods. The component keeps the Service off the hookbox pods,
     which carry the same name and instance. */}}
{{- define "hookbox-example.appSelectorLabels" -}}
{{ include "hookbox-example.selectorLabels" . }}
app.kubernetes.io/component: app
{{- end }}

{{/* Every hookbox pod: migration, warm-up, tests. The NetworkPolicy
     selects them by this label. */}}
{{- define "hookbox-example.hookboxLabels" -}}
{{ include "hookbox-example.labels" . }}
app.kubernetes.io/component: hookbox
{{- end }}

{{- define "hookbox-example.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{/* The image the migration runs in: migration.image, by default the
     app's. */}}
{{- define "hookbox-example.migrationImage" -}}
{{- $app := .Values.app.image }}
{{- $repo := .Values.migration.image.repository | default $app.repository }}
{{- $tag := .Values.migration.image.tag | default (ternary $app.tag "" (eq $repo $app.repository)) | default .Chart.AppVersion }}
{{- printf "%s:%s" $repo $tag }}
{{- end }}

{{- define "hookbox-example.databaseHost" -}}
{{- required "database.host is required: the PostgreSQL server the app uses" (tpl .Values.database.host .) }}
{{- end }}

{{- define "hookbox-example.databaseURL" -}}
postgres://{{ .Values.database.user }}@{{ include "hookbox-example.databaseHost" . }}:{{ .Values.database.port }}/{{ .Values.database.name }}
{{- end }}

{{- define "hookbox-example.databaseSecret" -}}
{{- .Values.database.existingSecret | default (printf "%s-db" (include "hookbox-example.fullname" .)) }}
{{- end }}

{{- define "hookbox-example.collectorURL" -}}
{{- tpl .Values.collector.url . }}
{{- end }}

{{- define "hookbox-example.collectorSecret" -}}
{{- .Values.collector.existingSecret | default (printf "%s-collector" (include "hookbox-example.fullname" .)) }}
{{- end }}

{{/* The collector's port, for the NetworkPolicy: the URL's, or its
     scheme's. */}}
{{- define "hookbox-example.collectorPort" -}}
{{- $u := urlParse (include "hookbox-example.collectorURL" .) }}
{{- $hp := splitList ":" $u.host }}
{{- if gt (len $hp) 1 }}{{ last $hp }}{{ else if eq $u.scheme "https" }}443{{ else }}80{{ end }}
{{- end }}

{{/* Pod metadata for a hookbox pod. $hook: the hook annotations; they are
     repeated on a Job's pods because the agent reads them there
     (/etc/podinfo/annotations), not on the Job. */}}
{{- define "hookbox-example.hookboxPodMetadata" -}}
labels:
  {{- include "hookbox-example.hookboxLabels" .root | nindent 2 }}
annotations:
  {{- toYaml .hook | nindent 2 }}
{{- end }}

{{/* The agent's flags for delivery: --collector and --token-file. */}}
{{- define "hookbox-example.agentFlags" -}}
{{- if .Values.collector.url -}}
- --collector={{ include "hookbox-example.collectorURL" . }}
- --token-file=/secrets/collector/{{ .Values.collector.tokenKey }}
{{- if .Values.collector.requireDelivery }}
- --require-delivery
{{- end }}
{{- end }}
{{- end }}

{{/* The env every hookbox container gets: who it is, for the report. */}}
{{- define "hookbox-example.agentEnv" -}}
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: POD_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
- name: HOOKBOX_REVISION
  value: {{ .Release.Revision | quote }}
{{- end }}

{{/* The pod-level fields every hookbox pod shares. */}}
{{- define "hookbox-example.hookboxPodSpec" -}}
restartPolicy: Never
automountServiceAccountToken: false
enableServiceLinks: false
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- end }}

{{- define "hookbox-example.agentMounts" -}}
- name: podinfo
  mountPath: /etc/podinfo
  readOnly: true
{{- if .Values.collector.url }}
- name: collector-token
  mountPath: /secrets/collector
  readOnly: true
{{- end }}
{{- end }}

{{/* The downward API files the agent reads: labels (release, job-name)
     and annotations (helm.sh/hook, helm.sh/hook-weight). */}}
{{- define "hookbox-example.agentVolumes" -}}
- name: podinfo
  downwardAPI:
    items:
      - path: labels
        fieldRef:
          fieldPath: metadata.labels
      - path: annotations
        fieldRef:
          fieldPath: metadata.annotations
{{- if .Values.collector.url }}
- name: collector-token
  secret:
    secretName: {{ include "hookbox-example.collectorSecret" . }}
    defaultMode: 0440
    items:
      - key: {{ .Values.collector.tokenKey }}
        path: {{ .Values.collector.tokenKey }}
{{- end }}
{{- end }}

{{- define "hookbox-example.dbPasswordVolume" -}}
- name: db-password
  secret:
    secretName: {{ include "hookbox-example.databaseSecret" . }}
    defaultMode: 0440
    items:
      - key: {{ .Values.database.passwordKey }}
        path: password
{{- end }}
