{{/* The switch's pod: the same for the Deployment (one replica) and the StatefulSet (a cluster). */}}
{{- define "vswitch.podTemplate" -}}
metadata:
  labels:
    {{- include "vswitch.podLabels" . | nindent 4 }}
    {{- with .Values.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  annotations:
    # A changed setting or key restarts the switch (the data only: a new chart version alone does not).
    checksum/config: {{ include "vswitch.properties" . | sha256sum }}
    {{- if ne .Values.keys.mode "existingSecret" }}
    checksum/secret: {{ include "vswitch.secretData" . | sha256sum }}
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
  # The preStop wait, the switch's drain after SIGTERM, and time to close (values "drain").
  terminationGracePeriodSeconds: {{ include "vswitch.terminationGracePeriodSeconds" . }}
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
        # After SIGTERM the switch reports not ready at once and keeps forwarding this long (drain.seconds).
        - name: VSWITCH_SHUTDOWN_DRAIN
          value: "{{ int .Values.drain.seconds }}s"
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
        {{- if not (kindIs "invalid" .Values.switch.managementPort) }}
        - name: management
          containerPort: {{ .Values.switch.managementPort }}
          protocol: TCP
        {{- end }}
      {{- if gt (int .Values.drain.preStopSeconds) 0 }}
      lifecycle:
        # Kubernetes has taken the pod out of the Services when this starts; the wait lets kube-proxy and the
        # cloud's load balancer (its health check on /q/health/ready) catch up before SIGTERM starts the drain.
        preStop:
          exec:
            command: ["sleep", "{{ int .Values.drain.preStopSeconds }}"]
      {{- end }}
      {{- with .Values.probes.startup }}
      {{- if .enabled }}
      startupProbe:
        httpGet:
          path: /q/health/started
          port: {{ include "vswitch.healthPortName" $ }}
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
          port: {{ include "vswitch.healthPortName" $ }}
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
          port: {{ include "vswitch.healthPortName" $ }}
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
