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

{{/* registry/repository:tag, or @digest; no registry part when none is configured. */}}
{{- define "vswitch.image" -}}
{{- $repository := .Values.image.repository }}
{{- if .Values.image.registry }}
{{- $repository = printf "%s/%s" (trimSuffix "/" .Values.image.registry) .Values.image.repository }}
{{- end }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" $repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" $repository (default .Chart.AppVersion .Values.image.tag | toString) }}
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
{{- $owned := dict "vswitch.port" "switch.port" "vswitch.legacy-port" "switch.legacyPort" "vswitch.key-dir" "switch.keyDir" "vswitch.public-endpoint" "switch.publicEndpoint" "quarkus.http.port" "switch.httpPort" "vswitch.private-key" "secret.privateKey" "vswitch.api-token" "secret.apiToken" "vswitch.cluster.secret" "secret.clusterSecret" "vswitch.cluster.dns" "replicaCount (above 1, it names the peer Service)" }}
{{- range $key, $value := .Values.switch.config }}
{{- if hasKey $owned $key }}
{{- fail (printf "switch.config: set %s through %s" $key (get $owned $key)) }}
{{- end }}
{{- if hasPrefix "vswitch.networks." $key }}
{{- fail (printf "switch.config: network keys and allowed clients go in networks, not %s" $key) }}
{{- end }}
{{- end }}
{{- end }}
