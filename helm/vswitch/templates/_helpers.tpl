{{/* Chart name, at most 63 characters. */}}
{{- define "vswitch.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: RELEASE-vswitch, or RELEASE when it already contains the chart name; at most 63 characters
     (the HTTP Service adds "-http", so the base name is cut at 58). */}}
{{- define "vswitch.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 58 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 58 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 58 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "vswitch.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every object. */}}
{{- define "vswitch.labels" -}}
helm.sh/chart: {{ include "vswitch.chart" . }}
{{ include "vswitch.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: switch
app.kubernetes.io/part-of: vswitch
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Labels of the pod template: those of every object but helm.sh/chart, which changes with the chart's version
     alone and would restart the switch (and drop every session) on a chart upgrade that changes nothing else. */}}
{{- define "vswitch.podLabels" -}}
{{ include "vswitch.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: switch
app.kubernetes.io/part-of: vswitch
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* The labels that select the switch's pods. */}}
{{- define "vswitch.selectorLabels" -}}
app.kubernetes.io/name: {{ include "vswitch.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "vswitch.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "vswitch.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Secret holding the keys: the user's, or the generated one. */}}
{{- define "vswitch.secretName" -}}
{{- default (include "vswitch.fullname" .) .Values.existingSecret }}
{{- end }}

{{- define "vswitch.httpServiceName" -}}
{{- printf "%s-http" (include "vswitch.fullname" .) }}
{{- end }}

{{/* "true" when the switch runs as a cluster of replicas (replicaCount > 1), else empty. */}}
{{- define "vswitch.clustered" -}}
{{- if gt (int .Values.replicaCount) 1 }}true{{ end }}
{{- end }}

{{/* The StatefulSet of a cluster. Its pods carry the label controller-revision-hash = NAME-HASH (up to 11
     characters more), and a label value ends at 63 characters: so the name is cut at 52. */}}
{{- define "vswitch.statefulSetName" -}}
{{- include "vswitch.fullname" . | trunc 52 | trimSuffix "-" }}
{{- end }}

{{/* The headless Service whose addresses are the replicas (vswitch.cluster.dns). */}}
{{- define "vswitch.peerServiceName" -}}
{{- printf "%s-peer" (include "vswitch.fullname" .) }}
{{- end }}

{{- define "vswitch.peerServiceFqdn" -}}
{{- printf "%s.%s.svc.%s" (include "vswitch.peerServiceName" .) .Release.Namespace .Values.clusterDomain }}
{{- end }}

{{/* The pod's affinity: the value given, plus, in a cluster, anti-affinity between the replicas (unless the
     value has a podAntiAffinity of its own or cluster.podAntiAffinity is none), so that losing one node loses
     one replica. */}}
{{- define "vswitch.affinity" -}}
{{- $affinity := deepCopy .Values.affinity }}
{{- if and (include "vswitch.clustered" .) (ne .Values.cluster.podAntiAffinity "none") (not (hasKey $affinity "podAntiAffinity")) }}
{{- $term := dict "topologyKey" .Values.cluster.topologyKey "labelSelector" (dict "matchLabels" (include "vswitch.selectorLabels" . | fromYaml)) }}
{{- if eq .Values.cluster.podAntiAffinity "required" }}
{{- $_ := set $affinity "podAntiAffinity" (dict "requiredDuringSchedulingIgnoredDuringExecution" (list $term)) }}
{{- else }}
{{- $_ := set $affinity "podAntiAffinity" (dict "preferredDuringSchedulingIgnoredDuringExecution" (list (dict "weight" 100 "podAffinityTerm" $term))) }}
{{- end }}
{{- end }}
{{- with $affinity }}
{{- toYaml . }}
{{- end }}
{{- end }}

{{/* registry/repository:tag, or @digest; the registry is image.registry, else global.imageRegistry, else none. */}}
{{- define "vswitch.image" -}}
{{- $repository := .Values.image.repository }}
{{- $registry := .Values.image.registry }}
{{- if and (not $registry) .Values.global }}
{{- $registry = .Values.global.imageRegistry }}
{{- end }}
{{- if $registry }}
{{- $repository = printf "%s/%s" (trimSuffix "/" $registry) .Values.image.repository }}
{{- end }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" $repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" $repository (default .Chart.AppVersion .Values.image.tag | toString) }}
{{- end }}
{{- end }}

{{/* The address the switch binds to: switch.host, or "::" when the Services are to carry IPv6, or nothing (the
     switch's default). */}}
{{- define "vswitch.host" -}}
{{- if .Values.switch.host }}
{{- .Values.switch.host }}
{{- else if or (has "IPv6" .Values.service.ipFamilies) (has .Values.service.ipFamilyPolicy (list "PreferDualStack" "RequireDualStack")) }}
{{- print "::" }}
{{- end }}
{{- end }}

{{/* The container port that serves health and metrics: "management" with switch.managementPort, else "http". */}}
{{- define "vswitch.healthPortName" -}}
{{- if kindIs "invalid" .Values.switch.managementPort }}http{{ else }}management{{ end }}
{{- end }}

{{/* Seconds Kubernetes waits for the pod to stop: the preStop wait, the drain, and 15 s to close. */}}
{{- define "vswitch.terminationGracePeriodSeconds" -}}
{{- $needed := add (int .Values.drain.preStopSeconds) (int .Values.drain.seconds) 15 }}
{{- if kindIs "invalid" .Values.terminationGracePeriodSeconds }}
{{- $needed }}
{{- else }}
{{- int .Values.terminationGracePeriodSeconds }}
{{- end }}
{{- end }}

{{/* The Services' address families (ipFamilyPolicy, ipFamilies), indented for a Service's spec. */}}
{{- define "vswitch.ipFamilies" -}}
{{- with .Values.service.ipFamilyPolicy }}
ipFamilyPolicy: {{ . }}
{{- end }}
{{- with .Values.service.ipFamilies }}
ipFamilies:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* The switch's settings file (the ConfigMap's vswitch.properties); its hash restarts the pod when it changes. */}}
{{- define "vswitch.properties" -}}
vswitch.port={{ int .Values.switch.port }}
{{- with .Values.switch.legacyPort }}
vswitch.legacy-port={{ int . }}
{{- end }}
{{- with include "vswitch.host" . }}
vswitch.host={{ . }}
quarkus.http.host={{ . }}
{{- end }}
vswitch.key-dir={{ .Values.switch.keyDir }}
{{- /* The chart lists every network with its key in the Secret: a "default" the switch made by itself would get
       another key in each pod. */}}
vswitch.default-network=false
{{- with include "vswitch.publicEndpoint" . }}
vswitch.public-endpoint={{ . }}
{{- end }}
quarkus.http.port={{ int .Values.switch.httpPort }}
{{- if not (kindIs "invalid" .Values.switch.managementPort) }}
quarkus.management.port={{ int .Values.switch.managementPort }}
{{- with include "vswitch.host" . }}
quarkus.management.host={{ . }}
{{- end }}
{{- end }}
{{- range $network := .Values.networks }}
{{- with $network.allowedClients }}
{{ include "vswitch.networkProperty" $network.name }}.allowed-clients={{ join "," . }}
{{- end }}
{{- end }}
{{- range $key, $value := .Values.switch.config }}
{{- if and (kindIs "float64" $value) (eq $value (floor $value)) }}
{{ $key }}={{ int64 $value }}
{{- else }}
{{ $key }}={{ $value }}
{{- end }}
{{- end }}
{{- end }}

{{/* A network name as a SmallRye Config map key: quoted, as names may hold dots. */}}
{{- define "vswitch.networkProperty" -}}
{{- printf "vswitch.networks.\"%s\"" . }}
{{- end }}

{{/* host:port written into join tokens, or nothing (the pod's host name then). */}}
{{- define "vswitch.publicEndpoint" -}}
{{- if .Values.switch.publicEndpoint }}
{{- .Values.switch.publicEndpoint }}
{{- else if and .Values.service.loadBalancerIP (eq .Values.service.type "LoadBalancer") }}
{{- if contains ":" .Values.service.loadBalancerIP }}
{{- printf "[%s]:%v" .Values.service.loadBalancerIP .Values.service.port }}
{{- else }}
{{- printf "%s:%v" .Values.service.loadBalancerIP .Values.service.port }}
{{- end }}
{{- end }}
{{- end }}

{{/* Cross-field checks that values.schema.json cannot state with a clear message. */}}
{{- define "vswitch.validate" -}}
{{- $names := dict }}
{{- range .Values.networks }}
{{- if hasKey $names .name }}
{{- fail (printf "networks: the name %q appears twice; each network needs a name of its own" .name) }}
{{- end }}
{{- $_ := set $names .name true }}
{{- end }}
{{- if and .Values.switch.legacyPort (eq (int .Values.switch.legacyPort) (int .Values.switch.port)) }}
{{- fail "switch.legacyPort must differ from switch.port" }}
{{- end }}
{{- if eq (int .Values.switch.httpPort) (int .Values.switch.port) }}
{{- /* TCP and UDP could share a number, but a clash here is almost certainly a mistake. */}}
{{- fail "switch.httpPort must differ from switch.port" }}
{{- end }}
{{- if and .Values.podDisruptionBudget.enabled (not (kindIs "invalid" .Values.podDisruptionBudget.minAvailable)) (not (kindIs "invalid" .Values.podDisruptionBudget.maxUnavailable)) }}
{{- fail "podDisruptionBudget: set either minAvailable or maxUnavailable, not both (set the other to null)" }}
{{- end }}
{{- if and .Values.podDisruptionBudget.enabled (kindIs "invalid" .Values.podDisruptionBudget.minAvailable) (kindIs "invalid" .Values.podDisruptionBudget.maxUnavailable) }}
{{- fail "podDisruptionBudget: set minAvailable or maxUnavailable (or enabled: false)" }}
{{- end }}
{{- if and (or .Values.service.nodePort .Values.service.legacyNodePort) (eq .Values.service.type "ClusterIP") }}
{{- fail "service.nodePort is for service.type NodePort or LoadBalancer, not ClusterIP" }}
{{- end }}
{{- if and .Values.service.legacyNodePort (not .Values.switch.legacyPort) }}
{{- fail "service.legacyNodePort needs switch.legacyPort" }}
{{- end }}
{{- if and .Values.service.nodePort .Values.service.legacyNodePort (eq (int .Values.service.nodePort) (int .Values.service.legacyNodePort)) }}
{{- fail "service.legacyNodePort must differ from service.nodePort" }}
{{- end }}
{{- if and (include "vswitch.clustered" .) .Values.strategy }}
{{- fail "strategy is the Deployment's, for one replica; with replicaCount > 1 set cluster.updateStrategy (a StatefulSet's)" }}
{{- end }}
{{- if and (eq .Values.keys.mode "existingSecret") (not .Values.existingSecret) }}
{{- fail "keys.mode existingSecret needs existingSecret: the name of your Secret holding vswitch-secret.properties (README \"Keys\")" }}
{{- end }}
{{- if and (ne .Values.keys.mode "existingSecret") .Values.existingSecret }}
{{- fail (printf "existingSecret is set but keys.mode is %s: set keys.mode=existingSecret to use Secret %s (or leave existingSecret empty)" .Values.keys.mode .Values.existingSecret) }}
{{- end }}
{{- if eq .Values.keys.mode "values" }}
{{- $missing := list }}
{{- if not .Values.secret.privateKey }}{{ $missing = append $missing "secret.privateKey" }}{{ end }}
{{- if not .Values.secret.apiToken }}{{ $missing = append $missing "secret.apiToken" }}{{ end }}
{{- if and (include "vswitch.clustered" .) (not .Values.secret.clusterSecret) }}{{ $missing = append $missing "secret.clusterSecret" }}{{ end }}
{{- range .Values.networks }}{{ if not .key }}{{ $missing = append $missing (printf "the key of network %q" .name) }}{{ end }}{{ end }}
{{- if $missing }}
{{- fail (printf "keys.mode values needs every key in values; missing: %s (head -c 32 /dev/urandom | base64 makes a key)" (join ", " $missing)) }}
{{- end }}
{{- end }}
{{- if not (kindIs "invalid" .Values.switch.managementPort) }}
{{- if or (eq (int .Values.switch.managementPort) (int .Values.switch.httpPort)) (eq (int .Values.switch.managementPort) (int .Values.switch.port)) }}
{{- fail "switch.managementPort must differ from switch.httpPort and switch.port" }}
{{- end }}
{{- end }}
{{- if and (has "IPv6" .Values.service.ipFamilies) (eq (include "vswitch.host" .) "0.0.0.0") }}
{{- fail "service.ipFamilies has IPv6 but switch.host is 0.0.0.0 (IPv4 only): leave switch.host empty or set it to ::" }}
{{- end }}
{{- if and (eq .Values.service.ipFamilyPolicy "SingleStack") (gt (len .Values.service.ipFamilies) 1) }}
{{- fail "service.ipFamilyPolicy SingleStack takes one of service.ipFamilies, not two" }}
{{- end }}
{{- if and .Values.probes.liveness.enabled (le (int .Values.probes.liveness.timeoutSeconds) 5) }}
{{- fail "probes.liveness.timeoutSeconds must be above 5: the switch's liveness check waits up to 5 s for the event loop before it answers" }}
{{- end }}
{{- if not (kindIs "invalid" .Values.terminationGracePeriodSeconds) }}
{{- $needed := add (int .Values.drain.preStopSeconds) (int .Values.drain.seconds) 1 }}
{{- if lt (int .Values.terminationGracePeriodSeconds) (int $needed) }}
{{- fail (printf "terminationGracePeriodSeconds %d is shorter than drain.preStopSeconds + drain.seconds (%d + %d): the switch would be killed while draining; leave it null to have it computed" (int .Values.terminationGracePeriodSeconds) (int .Values.drain.preStopSeconds) (int .Values.drain.seconds)) }}
{{- end }}
{{- end }}
{{- $owned := dict "vswitch.port" "switch.port" "vswitch.legacy-port" "switch.legacyPort" "vswitch.key-dir" "switch.keyDir" "vswitch.public-endpoint" "switch.publicEndpoint" "quarkus.http.port" "switch.httpPort" "quarkus.http.host" "switch.host" "vswitch.host" "switch.host" "quarkus.management.port" "switch.managementPort" "quarkus.management.host" "switch.host" "vswitch.shutdown.drain" "drain.seconds" "vswitch.private-key" "secret.privateKey" "vswitch.api-token" "secret.apiToken" "vswitch.cluster.secret" "secret.clusterSecret" "vswitch.cluster.dns" "replicaCount (above 1, it names the peer Service)" }}
{{- range $key, $value := .Values.switch.config }}
{{- if hasKey $owned $key }}
{{- fail (printf "switch.config: set %s through %s" $key (get $owned $key)) }}
{{- end }}
{{- if hasPrefix "vswitch.networks." $key }}
{{- fail (printf "switch.config: network keys and allowed clients go in networks, not %s" $key) }}
{{- end }}
{{- end }}
{{- end }}

{{/* NetworkPolicy peers (a YAML list) for {namespaces: [...], cidrs: [...]}: each namespace by its name label,
     each CIDR as an ipBlock. */}}
{{- define "vswitch.networkPolicyPeers" -}}
{{- $peers := list }}
{{- range .namespaces }}
{{- $peers = append $peers (dict "namespaceSelector" (dict "matchLabels" (dict "kubernetes.io/metadata.name" .))) }}
{{- end }}
{{- range .cidrs }}
{{- $peers = append $peers (dict "ipBlock" (dict "cidr" .)) }}
{{- end }}
{{- toYaml $peers }}
{{- end }}

{{/* Labels of the `helm test` pod: the release's, and no Service selects it. */}}
{{- define "vswitch.testLabels" -}}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: helm-test
{{- end }}
