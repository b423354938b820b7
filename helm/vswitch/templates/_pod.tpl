{{/* The switch's pod: the same for the Deployment (one replica) and the StatefulSet (a cluster). */}}
{{- define "vswitch.podTemplate" -}}
metadata:
  labels:
    {{- include "vswitch.labels" . | nindent 4 }}
    {{- with .Values.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  annotations:
    # A changed setting or key restarts the switch.
    checksum/config: {{ include (print $.Template.BasePath "/configmap.yaml") . | sha256sum }}
    {{- if not .Values.existingSecret }}
    checksum/secret: {{ include (print $.Template.BasePath "/secret.yaml") . | sha256sum }}
    {{- end }}
    {{- with .Values.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  serviceAccountName: {{ include "vswitch.serviceAccountName" . }}
  automountServiceAccountToken: false
  # No Docker-link variables: a Service named "vswitch" would otherwise set VSWITCH_PORT=udp://..., which the
  # switch reads as its vswitch.port setting and fails to start.
  enableServiceLinks: false
  {{- with .Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.priorityClassName }}
  priorityClassName: {{ . }}
  {{- end }}
  terminationGracePeriodSeconds: {{ .Values.terminationGracePeriodSeconds }}
  securityContext:
    {{- toYaml .Values.podSecurityContext | nindent 4 }}
  containers:
    - name: switch
      image: {{ include "vswitch.image" . | quote }}
      imagePullPolicy: {{ .Values.image.pullPolicy }}
      securityContext:
        {{- toYaml .Values.securityContext | nindent 8 }}
      env:
        # The settings, then the keys; quarkus.http.port and vswitch.port are in the first file.
        - name: SMALLRYE_CONFIG_LOCATIONS
          value: /etc/vswitch/config/vswitch.properties,/etc/vswitch/secret/vswitch-secret.properties
        {{- with .Values.switch.javaToolOptions }}
        - name: JAVA_TOOL_OPTIONS
          value: {{ . | quote }}
        {{- end }}
        {{- if include "vswitch.clustered" . }}
        # The other replicas: every address of the peer Service, looked up again every 10 s. The cluster
        # secret is in the Secret's properties file, with the other keys.
        - name: VSWITCH_CLUSTER_DNS
          value: {{ include "vswitch.peerServiceFqdn" . | quote }}
        {{- end }}
        {{- with .Values.switch.extraEnv }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      ports:
        - name: udp
          containerPort: {{ .Values.switch.port }}
          protocol: UDP
        {{- with .Values.switch.legacyPort }}
        - name: udp-legacy
          containerPort: {{ . }}
          protocol: UDP
        {{- end }}
        - name: http
          containerPort: {{ .Values.switch.httpPort }}
          protocol: TCP
      {{- with .Values.probes.startup }}
      {{- if .enabled }}
      startupProbe:
        httpGet:
          path: /q/health/started
          port: http
        initialDelaySeconds: {{ .initialDelaySeconds }}
        periodSeconds: {{ .periodSeconds }}
        timeoutSeconds: {{ .timeoutSeconds }}
        failureThreshold: {{ .failureThreshold }}
      {{- end }}
      {{- end }}
      {{- with .Values.probes.liveness }}
      {{- if .enabled }}
      livenessProbe:
        httpGet:
          path: /q/health/live
          port: http
        initialDelaySeconds: {{ .initialDelaySeconds }}
        periodSeconds: {{ .periodSeconds }}
        timeoutSeconds: {{ .timeoutSeconds }}
        failureThreshold: {{ .failureThreshold }}
      {{- end }}
      {{- end }}
      {{- with .Values.probes.readiness }}
      {{- if .enabled }}
      readinessProbe:
        httpGet:
          path: /q/health/ready
          port: http
        initialDelaySeconds: {{ .initialDelaySeconds }}
        periodSeconds: {{ .periodSeconds }}
        timeoutSeconds: {{ .timeoutSeconds }}
        failureThreshold: {{ .failureThreshold }}
      {{- end }}
      {{- end }}
      {{- with .Values.resources }}
      resources:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      volumeMounts:
        - name: config
          mountPath: /etc/vswitch/config
          readOnly: true
        - name: secret
          mountPath: /etc/vswitch/secret
          readOnly: true
        # The root filesystem is read-only: the join tokens and the JVM's temporary files go here.
        - name: keys
          mountPath: {{ .Values.switch.keyDir }}
        - name: tmp
          mountPath: /tmp
  volumes:
    - name: config
      configMap:
        name: {{ include "vswitch.fullname" . }}
    - name: secret
      secret:
        secretName: {{ include "vswitch.secretName" . }}
        # Only the properties file, readable by the pod's group (fsGroup) and no one else.
        items:
          - key: vswitch-secret.properties
            path: vswitch-secret.properties
        defaultMode: 0440
    - name: keys
      emptyDir:
        medium: Memory
        sizeLimit: 1Mi
    - name: tmp
      emptyDir:
        sizeLimit: 64Mi
  {{- with .Values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with include "vswitch.affinity" . }}
  affinity:
    {{- . | nindent 4 }}
  {{- end }}
  {{- with .Values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.topologySpreadConstraints }}
  topologySpreadConstraints:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
