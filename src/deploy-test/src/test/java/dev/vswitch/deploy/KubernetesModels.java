package dev.vswitch.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.kustomize.v1beta1.Kustomization;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Offline validation against the Kubernetes API types: each object is read into fabric8's typed model of its
 * apiVersion and kind, generated from the Kubernetes OpenAPI schema (and the Prometheus Operator's CRD for
 * ServiceMonitor). Those models keep unknown fields in an "additional properties" map; here that map is switched
 * off and unknown properties fail, as are strings where the API wants numbers or booleans. So a misspelt field, a
 * field at the wrong level or a quoted port fails with the JSON path of the culprit.
 */
final class KubernetesModels {

    static final Map<String, Class<? extends HasMetadata>> TYPES = Map.ofEntries(
            Map.entry("v1/Pod", Pod.class),
            Map.entry("monitoring.coreos.com/v1/PrometheusRule", PrometheusRule.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", GenericKubernetesResource.class),
            Map.entry("v1/ConfigMap", ConfigMap.class),
            Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/Service", Service.class),
            Map.entry("v1/ServiceAccount", ServiceAccount.class),
            Map.entry("apps/v1/Deployment", Deployment.class),
            Map.entry("apps/v1/StatefulSet", StatefulSet.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("monitoring.coreos.com/v1/ServiceMonitor", ServiceMonitor.class));

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .annotationIntrospector(new JacksonAnnotationIntrospector() {
                @Override
                public Boolean hasAnySetter(Annotated annotated) {
                    return Boolean.FALSE;
                }

                @Override
                public Boolean hasAnyGetter(Annotated annotated) {
                    return Boolean.FALSE;
                }
            })
            .build();

    private KubernetesModels() {
    }

    /** The object as its typed model; an AssertionError naming the object and the offending path otherwise. */
    static HasMetadata validate(JsonNode object) {
        String type = object.path("apiVersion").asText() + "/" + object.path("kind").asText();
        Class<? extends HasMetadata> model = TYPES.get(type);
        if (model == null) {
            throw new AssertionError("unexpected object type " + type + " (known: " + TYPES.keySet() + ")");
        }
        if (model == GenericKubernetesResource.class) {
            // No typed model of networking.k8s.io offline: the NetworkPolicy's fields are checked against its API here.
            List<String> unknown = new java.util.ArrayList<>();
            fields(object, NETWORK_POLICY, "", unknown);
            if (!unknown.isEmpty()) {
                throw new AssertionError(type + " " + object.path("metadata").path("name").asText()
                        + " does not match the API schema of NetworkPolicy: unknown or misplaced " + unknown);
            }
            try {
                return new ObjectMapper().treeToValue(object, GenericKubernetesResource.class);
            } catch (Exception e) {
                throw new AssertionError(type + ": " + e.getMessage(), e);
            }
        }
        return read(object, model, type + " " + object.path("metadata").path("name").asText());
    }

    /**
     * The fields of networking.k8s.io/v1 NetworkPolicy (Kubernetes API reference), as nested maps: a name maps to
     * its own fields, or to LEAF for a value (metadata and label maps are not descended into).
     */
    private static final Map<String, Object> LEAF = Map.of();
    private static final Map<String, Object> LABEL_SELECTOR = Map.of("matchLabels", LEAF, "matchExpressions", LEAF);
    private static final Map<String, Object> PEER = Map.of("podSelector", LABEL_SELECTOR, "namespaceSelector", LABEL_SELECTOR,
            "ipBlock", Map.of("cidr", LEAF, "except", LEAF));
    private static final Map<String, Object> PORT = Map.of("protocol", LEAF, "port", LEAF, "endPort", LEAF);
    private static final Map<String, Object> NETWORK_POLICY = Map.of("apiVersion", LEAF, "kind", LEAF, "metadata", LEAF,
            "spec", Map.of("podSelector", LABEL_SELECTOR, "policyTypes", LEAF,
                    "ingress", Map.of("from", PEER, "ports", PORT), "egress", Map.of("to", PEER, "ports", PORT)));

    @SuppressWarnings("unchecked")
    private static void fields(JsonNode node, Map<String, Object> allowed, String path, List<String> unknown) {
        if (allowed == LEAF) {
            return;
        }
        if (node.isArray()) {
            for (JsonNode item : node) {
                fields(item, allowed, path + "[]", unknown);
            }
            return;
        }
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            Object inner = allowed.get(name);
            if (inner == null) {
                unknown.add(path + "." + name);
            } else {
                fields(node.get(name), (Map<String, Object>) inner, path + "." + name, unknown);
            }
        }
    }

    /** kustomization.yaml as kustomize's own type. */
    static Kustomization kustomization(JsonNode document) {
        return read(document, Kustomization.class, "kustomization.yaml");
    }

    private static <T> T read(JsonNode node, Class<T> model, String what) {
        try {
            return STRICT.treeToValue(node, model);
        } catch (Exception e) {
            throw new AssertionError(what + " does not match the API schema of " + model.getSimpleName() + ": "
                    + e.getMessage(), e);
        }
    }
}
