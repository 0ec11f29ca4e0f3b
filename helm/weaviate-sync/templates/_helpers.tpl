{{- define "weaviate-sync.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "weaviate-sync.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "weaviate-sync.labels" -}}
app.kubernetes.io/name: {{ include "weaviate-sync.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "weaviate-sync.selector" -}}
app.kubernetes.io/name: {{ include "weaviate-sync.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/*
The DLQ Job's pods: labels the workload's selector does not match. With the workload's labels, a
PodDisruptionBudget would count the Job's pod (kept for a day after it ends), find no scalable
controller for it and allow no disruption at all, blocking node drains.
*/}}
{{- define "weaviate-sync.dlqSelector" -}}
app.kubernetes.io/name: {{ include "weaviate-sync.name" . }}-dlq
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* The verify CronJob's pods: labels of their own, for the same reason as the DLQ Job's. */}}
{{- define "weaviate-sync.verifySelector" -}}
app.kubernetes.io/name: {{ include "weaviate-sync.name" . }}-verify
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* The CronJob's name: at most 52 characters, as Kubernetes appends 11 to name its Jobs. */}}
{{- define "weaviate-sync.verifyName" -}}
{{- printf "%s-verify" (include "weaviate-sync.fullname" . | trunc 45 | trimSuffix "-") -}}
{{- end -}}

{{- define "weaviate-sync.secretName" -}}
{{- if .Values.secrets.existingSecret -}}{{ .Values.secrets.existingSecret }}{{- else -}}{{ include "weaviate-sync.fullname" . }}{{- end -}}
{{- end -}}

{{/* Refuse contradictory values before rendering anything. */}}
{{- define "weaviate-sync.validate" -}}
{{- if gt (int .Values.replicas) (int .Values.partitions) -}}
{{- fail (printf "replicas (%d) must not exceed partitions (%d): extra replicas would sit idle" (int .Values.replicas) (int .Values.partitions)) -}}
{{- end -}}
{{- if and .Values.autoscaling.hpa.enabled .Values.autoscaling.keda.enabled -}}
{{- fail "autoscaling.hpa and autoscaling.keda cannot both be enabled" -}}
{{- end -}}
{{- if and .Values.autoscaling.hpa.enabled (gt (int .Values.autoscaling.hpa.maxReplicas) (int .Values.partitions)) -}}
{{- fail "autoscaling.hpa.maxReplicas must not exceed partitions" -}}
{{- end -}}
{{- if and .Values.autoscaling.keda.enabled (gt (int .Values.autoscaling.keda.maxReplicas) (int .Values.partitions)) -}}
{{- fail "autoscaling.keda.maxReplicas must not exceed partitions" -}}
{{- end -}}
{{- if and .Values.secrets.existingSecret .Values.secrets.weaviateApiKey -}}
{{- fail "give the Weaviate API key either inline (secrets.weaviateApiKey) or in secrets.existingSecret, not both" -}}
{{- end -}}
{{- if or (hasKey .Values.config "weaviate.api.key") (hasKey .Values.kafka "sasl.jaas.config") -}}
{{- fail "secrets do not belong in config/kafka: use secrets.weaviateApiKey / secrets.existingSecret and kafkaSecurity.sasl" -}}
{{- end -}}
{{- if and .Values.statefulSet.enabled (or .Values.autoscaling.hpa.enabled .Values.autoscaling.keda.enabled) -}}
{{- fail "statefulSet with autoscaling is not supported: scale the StatefulSet by hand (replicas)" -}}
{{- end -}}
{{- end -}}

{{- define "weaviate-sync.image" -}}
{{ .Values.image.repository }}:{{ default .Chart.AppVersion .Values.image.tag }}{{ with .Values.image.digest }}@{{ . }}{{ end }}
{{- end -}}

{{/* The Weaviate API key, for the worker and the verify CronJob (the DLQ Job never calls Weaviate). */}}
{{- define "weaviate-sync.weaviateApiKeyEnv" -}}
{{- if or .Values.secrets.existingSecret .Values.secrets.weaviateApiKey }}
- name: WEAVIATE_SYNC_WEAVIATE_API_KEY
  valueFrom:
    secretKeyRef: {name: {{ include "weaviate-sync.secretName" . }}, key: weaviate-api-key, optional: true}
{{- end }}
{{- end -}}

{{/* Where the Kafka truststore Secret is mounted (read-only). */}}
{{- define "weaviate-sync.truststoreDir" -}}/etc/weaviate-sync/kafka-truststore{{- end -}}

{{/*
Kafka settings and their secrets, the same for the worker and the DLQ Job: every kafka.<setting> as
KAFKA_<SETTING>, then the SASL credentials and the truststore from their Secrets. Secret values only
ever come in through secretKeyRef; KAFKA_SASL_JAAS_CONFIG is composed in the pod from SASL_USERNAME and
SASL_PASSWORD with Kubernetes' $(VAR) expansion, which only sees variables defined above it.
*/}}
{{- define "weaviate-sync.kafkaEnv" -}}
{{- range $k, $v := .Values.kafka }}
- name: {{ printf "KAFKA_%s" ($k | replace "." "_" | upper) }}
  value: {{ $v | quote }}
{{- end }}
{{- $sasl := .Values.kafkaSecurity.sasl }}
{{- if $sasl.existingSecret }}
- name: SASL_USERNAME
  valueFrom:
    secretKeyRef: {name: {{ $sasl.existingSecret }}, key: {{ $sasl.usernameKey }}}
- name: SASL_PASSWORD
  valueFrom:
    secretKeyRef: {name: {{ $sasl.existingSecret }}, key: {{ $sasl.passwordKey }}}
- name: KAFKA_SASL_JAAS_CONFIG
  value: {{ printf "%s required username=\"$(SASL_USERNAME)\" password=\"$(SASL_PASSWORD)\";" (include "weaviate-sync.saslLoginModule" .) | quote }}
{{- else if .Values.secrets.existingSecret }}
{{- /* A complete JAAS config under the key kafka-sasl-jaas-config; required when SASL is on. */}}
- name: KAFKA_SASL_JAAS_CONFIG
  valueFrom:
    secretKeyRef: {name: {{ .Values.secrets.existingSecret }}, key: kafka-sasl-jaas-config, optional: {{ not (include "weaviate-sync.saslOn" .) }}}
{{- end }}
{{- $ts := .Values.kafkaSecurity.truststore }}
{{- if $ts.existingSecret }}
- name: KAFKA_SSL_TRUSTSTORE_LOCATION
  value: {{ printf "%s/%s" (include "weaviate-sync.truststoreDir" .) $ts.key | quote }}
- name: KAFKA_SSL_TRUSTSTORE_TYPE
  value: {{ $ts.type | quote }}
{{- if $ts.passwordKey }}
- name: KAFKA_SSL_TRUSTSTORE_PASSWORD
  valueFrom:
    secretKeyRef: {name: {{ default $ts.existingSecret $ts.passwordSecret }}, key: {{ $ts.passwordKey }}}
{{- end }}
{{- end }}
{{- end -}}

{{- define "weaviate-sync.saslOn" -}}
{{- if hasPrefix "SASL_" (index .Values.kafka "security.protocol" | default "") -}}true{{- end -}}
{{- end -}}

{{- define "weaviate-sync.saslLoginModule" -}}
{{- if eq (index .Values.kafka "sasl.mechanism") "PLAIN" -}}
org.apache.kafka.common.security.plain.PlainLoginModule
{{- else -}}
org.apache.kafka.common.security.scram.ScramLoginModule
{{- end -}}
{{- end -}}

{{- define "weaviate-sync.kafkaVolumeMounts" -}}
{{- if .Values.kafkaSecurity.truststore.existingSecret }}
- name: kafka-truststore
  mountPath: {{ include "weaviate-sync.truststoreDir" . }}
  readOnly: true
{{- end }}
{{- end -}}

{{- define "weaviate-sync.kafkaVolumes" -}}
{{- with .Values.kafkaSecurity.truststore }}
{{- if .existingSecret }}
- name: kafka-truststore
  secret:
    secretName: {{ .existingSecret }}
    # Only the store itself, never the password that may sit in the same Secret. 0440: readable by
    # the pod's fsGroup (10001), which the worker runs in.
    items: [{key: {{ .key | quote }}, path: {{ .key | quote }}}]
    defaultMode: 288
{{- end }}
{{- end }}
{{- end -}}

{{/* The pod and container security settings both pod templates share. */}}
{{- define "weaviate-sync.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "weaviate-sync.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: ["ALL"]
{{- end -}}

{{/* Pull secrets and scheduling, the same for the worker and the DLQ Job. */}}
{{- define "weaviate-sync.podPlacement" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets: {{ toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector: {{ toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations: {{ toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity: {{ toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{- define "weaviate-sync.podSpec" -}}
terminationGracePeriodSeconds: {{ add .Values.shutdownGraceSeconds 15 }}
# Kubernetes would otherwise inject <SERVICE>_PORT, <SERVICE>_SERVICE_HOST, ... for every Service in
# the namespace; a release named weaviate-sync makes them WEAVIATE_SYNC_*, our settings' prefix.
enableServiceLinks: false
# The worker never calls the Kubernetes API: no service account token in the pod.
automountServiceAccountToken: false
securityContext: {{- include "weaviate-sync.podSecurityContext" . | nindent 2 }}
containers:
  - name: worker
    image: {{ include "weaviate-sync.image" . | quote }}
    imagePullPolicy: {{ .Values.image.pullPolicy }}
    args: ["run"]
    env:
      - name: JAVA_TOOL_OPTIONS
        value: {{ .Values.javaOpts | quote }}
      - name: KAFKA_STATE_DIR
        value: /var/lib/weaviate-sync/state
      - name: WEAVIATE_SYNC_ADMIN_PORT
        value: {{ .Values.admin.port | quote }}
      - name: WEAVIATE_SYNC_SHUTDOWN_GRACE_MS
        value: {{ mul .Values.shutdownGraceSeconds 1000 | quote }}
      {{- range $k, $v := .Values.config }}
      - name: {{ printf "WEAVIATE_SYNC_%s" ($k | replace "." "_" | replace "-" "_" | upper) }}
        value: {{ $v | quote }}
      {{- end }}
      {{- with include "weaviate-sync.weaviateApiKeyEnv" . | trim }}{{ . | nindent 6 }}{{ end }}
      {{- with include "weaviate-sync.kafkaEnv" . | trim }}{{ . | nindent 6 }}{{ end }}
    ports:
      - name: admin
        containerPort: {{ .Values.admin.port }}
    livenessProbe:
      httpGet: {path: /healthz, port: admin}
      {{- toYaml .Values.probes.liveness | nindent 6 }}
    readinessProbe:
      httpGet: {path: /readyz, port: admin}
      {{- toYaml .Values.probes.readiness | nindent 6 }}
    resources: {{ toYaml .Values.resources | nindent 6 }}
    securityContext: {{- include "weaviate-sync.containerSecurityContext" . | nindent 6 }}
    volumeMounts:
      - name: state
        mountPath: /var/lib/weaviate-sync/state
      - name: tmp
        mountPath: /tmp
      {{- with include "weaviate-sync.kafkaVolumeMounts" . | trim }}{{ . | nindent 6 }}{{ end }}
volumes:
  {{- if not .Values.statefulSet.enabled }}
  - name: state
    emptyDir: {}
  {{- end }}
  - name: tmp
    emptyDir: {}
  {{- with include "weaviate-sync.kafkaVolumes" . | trim }}{{ . | nindent 2 }}{{ end }}
{{- with include "weaviate-sync.podPlacement" . | trim }}{{ . | nindent 0 }}{{ end }}
{{- end -}}
