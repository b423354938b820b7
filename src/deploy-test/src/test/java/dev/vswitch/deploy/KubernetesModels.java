package dev.vswitch.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.kustomize.v1beta1.Kustomization;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;

import java.util.Map;

/**
 * Offline validation against the Kubernetes API types: each object is read into fabric8's typed model of its
 * apiVersion and kind, generated from the Kubernetes OpenAPI schema (and the Prometheus Operator's CRD for
 * ServiceMonitor). Those models keep unknown fields in an "additional properties" map; here that map is switched
 * off and unknown properties fail, as are strings where the API wants numbers or booleans. So a misspelt field, a
 * field at the wrong level or a quoted port fails with the JSON path of the culprit.
 */
final class KubernetesModels {

    static final Map<String, Class<? extends HasMetadata>> TYPES = Map.of(
            "v1/ConfigMap", ConfigMap.class,
            "v1/Secret", Secret.class,
            "v1/Service", Service.class,
            "v1/ServiceAccount", ServiceAccount.class,
            "apps/v1/Deployment", Deployment.class,
            "apps/v1/StatefulSet", StatefulSet.class,
            "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
            "monitoring.coreos.com/v1/ServiceMonitor", ServiceMonitor.class);

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
        return read(object, model, type + " " + object.path("metadata").path("name").asText());
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
