{{- /*
  The switch's keys. Each one is, in this order: the value given in values; in keys.mode generate, the one
  already in this Secret (so an upgrade keeps the keys, and every join token already handed out stays valid), or
  32 fresh random bytes on the first install. keys.mode values takes values only (validate made sure they are
  all there): nothing is looked up and nothing is random, so every rendering is the same.
  An upgrade that finds no Secret fails rather than make new keys: lookup finds nothing when the Secret was
  deleted, and also whenever Helm does not look (helm template --is-upgrade, helm upgrade --dry-run without
  =server), which is how GitOps tools would otherwise make new keys on every sync.
*/}}
{{/* The Secret's data: the keys, as entries and as the switch's properties file. */}}
{{- define "vswitch.secretData" -}}
{{- $name := include "vswitch.fullname" . }}
{{- $existing := dict }}
{{- if eq .Values.keys.mode "generate" }}
{{- $found := lookup "v1" "Secret" .Release.Namespace $name }}
{{- if and $found $found.data }}
{{- $existing = $found.data }}
{{- else if and .Release.IsUpgrade (not .Values.keys.allowRegenerate) }}
{{- fail (printf "keys: this upgrade found no Secret %s in namespace %s to take the switch's keys from, and will not make new ones: new keys would void every join token handed out. If the Secret is there, Helm could not look it up: use `helm upgrade` (or --dry-run=server), not helm template or --dry-run; with Argo CD or Flux use keys.mode=existingSecret or values (README \"Keys\"). If it was deleted, restore it from a backup. To start over with new keys, upgrade once with keys.allowRegenerate=true." $name .Release.Namespace) }}
{{- end }}
{{- end }}
{{- $privateKey := .Values.secret.privateKey }}
{{- if not $privateKey }}
{{- if hasKey $existing "switch.key" }}
{{- $privateKey = index $existing "switch.key" | b64dec }}
{{- else }}
{{- $privateKey = randBytes 32 }}
{{- end }}
{{- end }}
{{- $apiToken := .Values.secret.apiToken }}
{{- if not $apiToken }}
{{- if hasKey $existing "api.token" }}
{{- $apiToken = index $existing "api.token" | b64dec }}
{{- else }}
{{- $apiToken = randBytes 32 | replace "+" "-" | replace "/" "_" | trimSuffix "=" }}
{{- end }}
{{- end }}
{{- /* The secret the replicas share: given, kept, or made on the first render with replicaCount > 1; once made,
       kept even with one replica, so that scaling out again does not change it. */}}
{{- $clusterSecret := .Values.secret.clusterSecret }}
{{- if not $clusterSecret }}
{{- if hasKey $existing "cluster.secret" }}
{{- $clusterSecret = index $existing "cluster.secret" | b64dec }}
{{- else if include "vswitch.clustered" . }}
{{- $clusterSecret = randBytes 32 }}
{{- end }}
{{- end }}
{{- $networkKeys := dict }}
{{- range .Values.networks }}
{{- $entry := printf "network.%s.key" .name }}
{{- $key := .key }}
{{- if not $key }}
{{- if hasKey $existing $entry }}
{{- $key = index $existing $entry | b64dec }}
{{- else }}
{{- $key = randBytes 32 }}
{{- end }}
{{- end }}
{{- $_ := set $networkKeys .name $key }}
{{- end }}
{{- /* The same keys twice: one entry each, for people and for the next upgrade, and the properties file that
       the switch reads (SMALLRYE_CONFIG_LOCATIONS). */}}
switch.key: {{ $privateKey | b64enc | quote }}
api.token: {{ $apiToken | b64enc | quote }}
{{- with $clusterSecret }}
cluster.secret: {{ . | b64enc | quote }}
{{- end }}
{{- range .Values.networks }}
{{ printf "network.%s.key" .name }}: {{ get $networkKeys .name | b64enc | quote }}
{{- end }}
{{- $properties := list (printf "vswitch.private-key=%s" $privateKey) (printf "vswitch.api-token=%s" $apiToken) }}
{{- with $clusterSecret }}
{{- $properties = append $properties (printf "vswitch.cluster.secret=%s" .) }}
{{- end }}
{{- range .Values.networks }}
{{- $properties = append $properties (printf "%s.key=%s" (include "vswitch.networkProperty" .name) (get $networkKeys .name)) }}
{{- end }}
vswitch-secret.properties: {{ printf "%s\n" (join "\n" $properties) | b64enc | quote }}
{{- end }}
