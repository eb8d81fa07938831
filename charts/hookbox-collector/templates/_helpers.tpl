{{/* SPDX-License-Identifier: MIT */}}
{{/* Names, labels, and the store the collector is given. */}}

{{- define "hookbox-collector.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Object names get suffixes ("-token"): 55 leaves room for them. */}}
{{- define "hookbox-collector.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 55 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 55 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 55 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "hookbox-collector.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "hookbox-collector.selectorLabels" -}}
app.kubernetes.io/name: {{ include "hookbox-collector.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "hookbox-collector.labels" -}}
helm.sh/chart: {{ include "hookbox-collector.chart" . }}
{{ include "hookbox-collector.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "hookbox-collector.tokenSecret" -}}
{{- .Values.token.existingSecret | default (printf "%s-token" (include "hookbox-collector.fullname" .)) }}
{{- end }}

{{- define "hookbox-collector.storeSecret" -}}
{{- .Values.store.postgres.existingSecret | default (printf "%s-store" (include "hookbox-collector.fullname" .)) }}
{{- end }}

{{/* The store, checked here so that every template sees the same
     refusal: an unknown type, or several replicas on one SQLite file. */}}
{{- define "hookbox-collector.storeType" -}}
{{- $t := .Values.store.type }}
{{- if not (has $t (list "sqlite" "postgres")) }}
{{- fail (printf "store.type %q: want sqlite or postgres" $t) }}
{{- end }}
{{- if and (eq $t "sqlite") (gt (int .Values.replicas) 1) }}
{{- fail (printf "replicas=%d needs store.type=postgres: an SQLite store is one file that one replica writes" (int .Values.replicas)) }}
{{- end }}
{{- $t }}
{{- end }}
