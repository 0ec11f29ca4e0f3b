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

{{- define "weaviate-sync.secretName" -}}
{{- if .Values.secrets.existingSecret -}}{{ .Values.secrets.existingSecret }}{{- else -}}{{ include "weaviate-sync.fullname" . }}{{- end -}}
{{- end -}}

{{- define "weaviate-sync.hasSecret" -}}
{{- if or .Values.secrets.existingSecret .Values.secrets.weaviateApiKey .Values.secrets.kafkaSaslJaasConfig -}}true{{- end -}}
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
{{- if and .Values.secrets.existingSecret (or .Values.secrets.weaviateApiKey .Values.secrets.kafkaSaslJaasConfig) -}}
{{- fail "give secrets either inline (secrets.weaviateApiKey / kafkaSaslJaasConfig) or as secrets.existingSecret, not both" -}}
{{- end -}}
{{- if or (hasKey .Values.config "weaviate.api.key") (hasKey .Values.kafka "sasl.jaas.config") -}}
{{- fail "secrets do not belong in config/kafka: use secrets.weaviateApiKey, secrets.kafkaSaslJaasConfig or secrets.existingSecret" -}}
{{- end -}}
{{- if and .Values.statefulSet.enabled (or .Values.autoscaling.hpa.enabled .Values.autoscaling.keda.enabled) -}}
{{- fail "statefulSet with autoscaling is not supported: scale the StatefulSet by hand (replicas)" -}}
{{- end -}}
{{- end -}}

{{- define "weaviate-sync.podSpec" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets: {{ toYaml . | nindent 2 }}
{{- end }}
terminationGracePeriodSeconds: {{ add .Values.shutdownGraceSeconds 15 }}
# Kubernetes would otherwise inject <SERVICE>_PORT, <SERVICE>_SERVICE_HOST, ... for every Service in
# the namespace; a release named weaviate-sync makes them WEAVIATE_SYNC_*, our settings' prefix.
enableServiceLinks: false
securityContext:
  runAsNonRoot: true
  runAsUser: 10001
  runAsGroup: 10001
  fsGroup: 10001
  seccompProfile:
    type: RuntimeDefault
containers:
  - name: worker
    image: "{{ .Values.image.repository }}:{{ default .Chart.AppVersion .Values.image.tag }}"
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
      {{- range $k, $v := .Values.kafka }}
      - name: {{ printf "KAFKA_%s" ($k | replace "." "_" | upper) }}
        value: {{ $v | quote }}
      {{- end }}
      {{- if or .Values.secrets.existingSecret .Values.secrets.weaviateApiKey }}
      - name: WEAVIATE_SYNC_WEAVIATE_API_KEY
        valueFrom:
          secretKeyRef: {name: {{ include "weaviate-sync.secretName" . }}, key: weaviate-api-key, optional: true}
      {{- end }}
      {{- if or .Values.secrets.existingSecret .Values.secrets.kafkaSaslJaasConfig }}
      - name: KAFKA_SASL_JAAS_CONFIG
        valueFrom:
          secretKeyRef: {name: {{ include "weaviate-sync.secretName" . }}, key: kafka-sasl-jaas-config, optional: true}
      {{- end }}
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
    securityContext:
      allowPrivilegeEscalation: false
      readOnlyRootFilesystem: true
      capabilities:
        drop: ["ALL"]
    volumeMounts:
      - name: state
        mountPath: /var/lib/weaviate-sync/state
      - name: tmp
        mountPath: /tmp
volumes:
  {{- if not .Values.statefulSet.enabled }}
  - name: state
    emptyDir: {}
  {{- end }}
  - name: tmp
    emptyDir: {}
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
