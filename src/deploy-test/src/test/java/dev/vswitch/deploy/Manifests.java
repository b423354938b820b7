package dev.vswitch.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A set of objects that go into one namespace together (a chart rendering, the k8s/ base): each validated against
 * its API type and the API server's rules, then checked as a whole: every Service, budget and monitor selects the
 * switch's pods or Service, every port and volume reference resolves, a StatefulSet's Service is there and headless.
 */
final class Manifests {

    final List<HasMetadata> objects;

    private Manifests(List<HasMetadata> objects) {
        this.objects = objects;
    }

    /** Validates each object (typed model, API rules) and their wiring; {@code externalSecret} is a Secret managed outside. */
    static Manifests validate(List<JsonNode> documents, String externalSecret) {
        List<HasMetadata> typed = new ArrayList<>();
        for (JsonNode document : documents) {
            typed.add(KubernetesModels.validate(document));
        }
        List<String> problems = new ArrayList<>(ApiRules.check(typed));
        Manifests manifests = new Manifests(typed);
        problems.addAll(manifests.wiring(externalSecret));
        assertTrue(problems.isEmpty(), "the manifests would be refused or broken:\n" + String.join("\n", problems));
        return manifests;
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
    }

    <T extends HasMetadata> T only(Class<T> type) {
        List<T> found = all(type);
        assertEquals(1, found.size(), "expected one " + type.getSimpleName());
        return found.get(0);
    }

    <T extends HasMetadata> T named(Class<T> type, String name) {
        return all(type).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
    }

    Deployment deployment() {
        return only(Deployment.class);
    }

    StatefulSet statefulSet() {
        return only(StatefulSet.class);
    }

    /** The switch's pod: of the Deployment (one replica) or of the StatefulSet (a cluster), whichever there is. */
    PodTemplateSpec podTemplate() {
        List<PodTemplateSpec> templates = podTemplates();
        assertEquals(1, templates.size(), "one Deployment or StatefulSet");
        return templates.get(0);
    }

    Container container() {
        List<Container> containers = podTemplate().getSpec().getContainers();
        assertEquals(1, containers.size(), "one container");
        return containers.get(0);
    }

    private List<PodTemplateSpec> podTemplates() {
        List<PodTemplateSpec> templates = new ArrayList<>();
        all(Deployment.class).forEach(deployment -> templates.add(deployment.getSpec().getTemplate()));
        all(StatefulSet.class).forEach(statefulSet -> templates.add(statefulSet.getSpec().getTemplate()));
        return templates;
    }

    /** The problems of the references between the objects. */
    private List<String> wiring(String externalSecret) {
        List<String> problems = new ArrayList<>();
        List<PodTemplateSpec> templates = podTemplates();
        if (templates.size() != 1) {
            problems.add("expected one Deployment or StatefulSet, found " + templates.size());
            return problems;
        }
        Map<String, String> podLabels = templates.get(0).getMetadata().getLabels();
        var pod = templates.get(0).getSpec();
        Set<String> configMaps = names(ConfigMap.class);
        Set<String> secrets = names(Secret.class);
        if (externalSecret != null) {
            secrets.add(externalSecret);
        }
        for (Volume volume : pod.getVolumes()) {
            if (volume.getConfigMap() != null && !configMaps.contains(volume.getConfigMap().getName())) {
                problems.add("volume " + volume.getName() + " uses ConfigMap " + volume.getConfigMap().getName() + ", which is not there");
            }
            if (volume.getSecret() != null) {
                String name = volume.getSecret().getSecretName();
                if (!secrets.contains(name)) {
                    problems.add("volume " + volume.getName() + " uses Secret " + name + ", which is not there");
                } else if (volume.getSecret().getItems() != null) {
                    all(Secret.class).stream().filter(s -> name.equals(s.getMetadata().getName())).findFirst().ifPresent(secret -> {
                        for (var item : volume.getSecret().getItems()) {
                            boolean present = (secret.getData() != null && secret.getData().containsKey(item.getKey()))
                                    || (secret.getStringData() != null && secret.getStringData().containsKey(item.getKey()));
                            if (!present) {
                                problems.add("volume " + volume.getName() + " wants key " + item.getKey() + ", which Secret " + name + " lacks");
                            }
                        }
                    });
                }
            }
        }
        String account = pod.getServiceAccountName();
        if (account != null && !"default".equals(account) && !names(ServiceAccount.class).contains(account)) {
            problems.add("the pod runs as ServiceAccount " + account + ", which is not there");
        }
        Map<String, ContainerPort> containerPorts = pod.getContainers().stream()
                .flatMap(c -> c.getPorts().stream()).filter(p -> p.getName() != null)
                .collect(Collectors.toMap(ContainerPort::getName, p -> p));
        for (Service service : all(Service.class)) {
            if (!ApiRules.selects(service.getSpec().getSelector(), podLabels)) {
                problems.add("Service " + service.getMetadata().getName() + " selects " + service.getSpec().getSelector()
                        + ", not the switch's pods " + podLabels);
            }
            for (ServicePort port : service.getSpec().getPorts()) {
                String target = port.getTargetPort() == null ? null : port.getTargetPort().getStrVal();
                if (target == null) {
                    continue;
                }
                ContainerPort containerPort = containerPorts.get(target);
                String protocol = port.getProtocol() == null ? "TCP" : port.getProtocol();
                if (containerPort == null) {
                    problems.add("Service " + service.getMetadata().getName() + " port " + port.getName() + " targets '" + target + "', no port of the pod");
                } else if (!protocol.equals(containerPort.getProtocol() == null ? "TCP" : containerPort.getProtocol())) {
                    problems.add("Service " + service.getMetadata().getName() + " port " + port.getName() + " is " + protocol
                            + " but the pod's port " + target + " is " + (containerPort.getProtocol() == null ? "TCP" : containerPort.getProtocol()));
                }
            }
        }
        for (StatefulSet statefulSet : all(StatefulSet.class)) {
            String governing = statefulSet.getSpec().getServiceName();
            Service service = governing == null ? null : all(Service.class).stream()
                    .filter(s -> governing.equals(s.getMetadata().getName())).findFirst().orElse(null);
            if (service == null) {
                problems.add("StatefulSet " + statefulSet.getMetadata().getName() + " names Service " + governing + ", which is not there");
            } else if (!"None".equals(service.getSpec().getClusterIP())) {
                problems.add("StatefulSet " + statefulSet.getMetadata().getName() + " names Service " + governing
                        + ", which is not headless (clusterIP: None): its pods get no DNS names");
            }
        }
        for (PodDisruptionBudget budget : all(PodDisruptionBudget.class)) {
            if (!ApiRules.selects(budget.getSpec().getSelector().getMatchLabels(), podLabels)) {
                problems.add("PodDisruptionBudget does not select the switch's pods");
            }
        }
        for (ServiceMonitor monitor : all(ServiceMonitor.class)) {
            List<Service> selected = all(Service.class).stream()
                    .filter(s -> ApiRules.selects(monitor.getSpec().getSelector().getMatchLabels(), s.getMetadata().getLabels()))
                    .collect(Collectors.toList());
            if (selected.size() != 1) {
                problems.add("ServiceMonitor selects " + selected.size() + " Services, not exactly the HTTP one");
                continue;
            }
            Set<String> portNames = selected.get(0).getSpec().getPorts().stream().map(ServicePort::getName).collect(Collectors.toSet());
            monitor.getSpec().getEndpoints().forEach(endpoint -> {
                if (!portNames.contains(endpoint.getPort())) {
                    problems.add("ServiceMonitor scrapes port " + endpoint.getPort() + ", which Service " + selected.get(0).getMetadata().getName() + " lacks");
                }
            });
            var namespaces = monitor.getSpec().getNamespaceSelector();
            String serviceNamespace = selected.get(0).getMetadata().getNamespace();
            if (serviceNamespace != null && !serviceNamespace.equals(monitor.getMetadata().getNamespace())
                    && (namespaces == null || namespaces.getMatchNames() == null || !namespaces.getMatchNames().contains(serviceNamespace))) {
                problems.add("ServiceMonitor in another namespace does not look in " + serviceNamespace);
            }
        }
        for (HasMetadata object : objects) {
            if (object instanceof io.fabric8.kubernetes.api.model.GenericKubernetesResource policy && "NetworkPolicy".equals(policy.getKind())) {
                com.fasterxml.jackson.databind.JsonNode selector = new com.fasterxml.jackson.databind.ObjectMapper()
                        .valueToTree(policy.getAdditionalProperties().get("spec")).path("podSelector").path("matchLabels");
                Map<String, String> labels = new java.util.HashMap<>();
                selector.fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
                if (!ApiRules.selects(labels, podLabels)) {
                    problems.add("NetworkPolicy " + policy.getMetadata().getName() + " does not select the switch's pods");
                }
            }
        }
        return problems;
    }

    /** The object of this kind (a NetworkPolicy, read without a typed model) as JSON. */
    com.fasterxml.jackson.databind.JsonNode generic(String kind) {
        List<HasMetadata> found = objects.stream().filter(o -> kind.equals(o.getKind())).collect(Collectors.toList());
        assertEquals(1, found.size(), "expected one " + kind);
        return new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(found.get(0));
    }

    private Set<String> names(Class<? extends HasMetadata> type) {
        return all(type).stream().map(o -> o.getMetadata().getName()).collect(Collectors.toCollection(java.util.HashSet::new));
    }
}
