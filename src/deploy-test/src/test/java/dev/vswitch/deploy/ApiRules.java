package dev.vswitch.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The checks of the API server's validation that a typed model does not make: required fields, names and label
 * syntax, port ranges and names, references inside a pod (probe ports, volume mounts), and field combinations
 * that the API refuses (a node port on a ClusterIP Service, both minAvailable and maxUnavailable, ...). Each
 * failure is a line naming the object and the field.
 */
final class ApiRules {

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS_1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
    private static final Pattern QUALIFIED_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final Pattern CONFIG_KEY = Pattern.compile("[-._a-zA-Z0-9]+");
    private static final Pattern PORT_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern ENV_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");
    private static final Pattern CIDR = Pattern.compile("([0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*/[0-9]{1,3})");
    private static final Set<String> PROTOCOLS = Set.of("TCP", "UDP", "SCTP");
    private static final Set<String> SERVICE_TYPES = Set.of("ClusterIP", "NodePort", "LoadBalancer", "ExternalName");

    private final List<String> problems = new ArrayList<>();
    private String where = "";

    private ApiRules() {
    }

    /** Every problem found in these objects; empty when the API server would accept them. */
    static List<String> check(List<HasMetadata> objects) {
        ApiRules rules = new ApiRules();
        for (HasMetadata object : objects) {
            rules.where = object.getApiVersion() + " " + object.getKind() + " " + object.getMetadata().getName() + ": ";
            rules.metadata(object);
            if (object instanceof Deployment deployment) {
                rules.deployment(deployment);
            } else if (object instanceof StatefulSet statefulSet) {
                rules.statefulSet(statefulSet);
            } else if (object instanceof Service service) {
                rules.service(service);
            } else if (object instanceof Secret secret) {
                rules.keys(secret.getData(), "data");
                rules.keys(secret.getStringData(), "stringData");
            } else if (object instanceof ConfigMap configMap) {
                rules.keys(configMap.getData(), "data");
                rules.keys(configMap.getBinaryData(), "binaryData");
            } else if (object instanceof PodDisruptionBudget budget) {
                rules.budget(budget);
            } else if (object instanceof ServiceMonitor monitor) {
                rules.monitor(monitor);
            } else if (object instanceof io.fabric8.kubernetes.api.model.Pod pod) {
                rules.require(pod.getSpec() != null, "spec is required");
                if (pod.getSpec() != null) {
                    rules.require(Set.of("Always", "OnFailure", "Never").contains(String.valueOf(pod.getSpec().getRestartPolicy())),
                            "spec.restartPolicy must be Always, OnFailure or Never");
                    rules.podSpec(pod.getSpec());
                }
            } else if (object instanceof io.fabric8.kubernetes.api.model.GenericKubernetesResource generic
                    && "NetworkPolicy".equals(generic.getKind())) {
                rules.networkPolicy(generic);
            } else if (object instanceof io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule rule) {
                rules.require(rule.getSpec() != null && rule.getSpec().getGroups() != null && !rule.getSpec().getGroups().isEmpty(),
                        "spec.groups is required");
            }
        }
        return rules.problems;
    }

    private void problem(String text) {
        problems.add(where + text);
    }

    private void require(boolean condition, String text) {
        if (!condition) {
            problem(text);
        }
    }

    private void metadata(HasMetadata object) {
        ObjectMeta meta = object.getMetadata();
        require(meta != null, "metadata is required");
        if (meta == null) {
            return;
        }
        String name = meta.getName();
        require(name != null && !name.isEmpty(), "metadata.name is required");
        if (name != null) {
            Pattern pattern = object instanceof Service ? DNS_1035_LABEL : DNS_SUBDOMAIN;
            int max = object instanceof Service ? 63 : 253;
            require(pattern.matcher(name).matches() && name.length() <= max, "metadata.name '" + name + "' is not a valid name");
        }
        if (meta.getNamespace() != null) {
            require(DNS_LABEL.matcher(meta.getNamespace()).matches(), "metadata.namespace is not a DNS label");
        }
        labels(meta.getLabels(), "metadata.labels");
        if (meta.getAnnotations() != null) {
            meta.getAnnotations().forEach((key, value) -> {
                qualifiedName(key, "metadata.annotations");
                require(value != null, "metadata.annotations." + key + " must be a string");
            });
        }
    }

    private void labels(Map<String, String> labels, String field) {
        if (labels == null) {
            return;
        }
        labels.forEach((key, value) -> {
            qualifiedName(key, field);
            require(value != null && value.length() <= 63 && LABEL_VALUE.matcher(value).matches(),
                    field + "." + key + ": '" + value + "' is not a valid label value");
        });
    }

    private void qualifiedName(String key, String field) {
        String name = key;
        int slash = key.indexOf('/');
        if (slash >= 0) {
            String prefix = key.substring(0, slash);
            name = key.substring(slash + 1);
            require(prefix.length() <= 253 && DNS_SUBDOMAIN.matcher(prefix).matches(), field + ": bad prefix in key '" + key + "'");
        }
        require(name.length() <= 63 && QUALIFIED_NAME.matcher(name).matches(), field + ": bad key '" + key + "'");
    }

    private void keys(Map<String, String> data, String field) {
        if (data == null) {
            return;
        }
        data.keySet().forEach(key -> require(key.length() <= 253 && CONFIG_KEY.matcher(key).matches(),
                field + ": bad key '" + key + "'"));
    }

    private void deployment(Deployment deployment) {
        var spec = deployment.getSpec();
        require(spec != null, "spec is required");
        if (spec != null) {
            workload(spec.getReplicas(), spec.getSelector(), spec.getTemplate());
        }
    }

    private void statefulSet(StatefulSet statefulSet) {
        var spec = statefulSet.getSpec();
        require(spec != null, "spec is required");
        if (spec == null) {
            return;
        }
        require(spec.getServiceName() == null || DNS_1035_LABEL.matcher(spec.getServiceName()).matches(),
                "spec.serviceName '" + spec.getServiceName() + "' is not a Service name");
        require(spec.getPodManagementPolicy() == null || Set.of("OrderedReady", "Parallel").contains(spec.getPodManagementPolicy()),
                "bad spec.podManagementPolicy " + spec.getPodManagementPolicy());
        if (spec.getUpdateStrategy() != null && spec.getUpdateStrategy().getType() != null) {
            require(Set.of("RollingUpdate", "OnDelete").contains(spec.getUpdateStrategy().getType()),
                    "bad spec.updateStrategy.type " + spec.getUpdateStrategy().getType());
        }
        // The pods' label controller-revision-hash is NAME-HASH, up to 11 characters longer than the name.
        String name = statefulSet.getMetadata().getName();
        require(name == null || name.length() <= 52, "metadata.name '" + name + "' is too long for its pods' controller-revision-hash label (52 at most)");
        workload(spec.getReplicas(), spec.getSelector(), spec.getTemplate());
    }

    /** What a Deployment and a StatefulSet have in common: replicas, a selector of the pod template's labels, the pod. */
    private void workload(Integer replicas, LabelSelector selector, PodTemplateSpec template) {
        require(replicas == null || replicas >= 0, "spec.replicas must not be negative");
        require(selector != null, "spec.selector is required");
        require(template != null && template.getSpec() != null, "spec.template.spec is required");
        if (selector == null || template == null || template.getSpec() == null) {
            return;
        }
        Map<String, String> podLabels = template.getMetadata() == null ? null : template.getMetadata().getLabels();
        labels(podLabels, "spec.template.metadata.labels");
        Map<String, String> matchLabels = selector.getMatchLabels();
        require(matchLabels != null && !matchLabels.isEmpty(), "spec.selector.matchLabels is required here");
        if (matchLabels != null && podLabels != null) {
            matchLabels.forEach((key, value) -> require(value.equals(podLabels.get(key)),
                    "spec.selector.matchLabels." + key + " does not match the pod template's labels"));
        }
        podSpec(template.getSpec());
    }

    private void podSpec(PodSpec pod) {
        List<Container> containers = pod.getContainers();
        require(containers != null && !containers.isEmpty(), "spec.template.spec.containers is required");
        Set<String> volumes = new HashSet<>();
        if (pod.getVolumes() != null) {
            for (Volume volume : pod.getVolumes()) {
                require(volume.getName() != null && DNS_LABEL.matcher(volume.getName()).matches(), "volume name '" + volume.getName() + "' is invalid");
                require(volumes.add(volume.getName()), "volume " + volume.getName() + " appears twice");
                int sources = 0;
                sources += volume.getSecret() != null ? 1 : 0;
                sources += volume.getConfigMap() != null ? 1 : 0;
                sources += volume.getEmptyDir() != null ? 1 : 0;
                sources += volume.getPersistentVolumeClaim() != null ? 1 : 0;
                sources += volume.getProjected() != null ? 1 : 0;
                require(sources == 1, "volume " + volume.getName() + " needs exactly one source");
                if (volume.getSecret() != null) {
                    require(volume.getSecret().getSecretName() != null, "volume " + volume.getName() + ": secretName is required");
                    Integer mode = volume.getSecret().getDefaultMode();
                    require(mode == null || (mode >= 0 && mode <= 0777), "volume " + volume.getName() + ": defaultMode " + mode + " is not a file mode");
                }
                if (volume.getConfigMap() != null) {
                    require(volume.getConfigMap().getName() != null, "volume " + volume.getName() + ": configMap name is required");
                }
            }
        }
        if (pod.getSecurityContext() != null && pod.getSecurityContext().getSeccompProfile() != null) {
            seccomp(pod.getSecurityContext().getSeccompProfile().getType(), "pod");
        }
        Set<String> containerNames = new HashSet<>();
        for (Container container : containers == null ? List.<Container>of() : containers) {
            String name = container.getName();
            require(name != null && DNS_LABEL.matcher(name).matches() && name.length() <= 63, "container name '" + name + "' is invalid");
            require(containerNames.add(name), "container " + name + " appears twice");
            require(container.getImage() != null && !container.getImage().isBlank(), "container " + name + ": image is required");
            require(container.getImagePullPolicy() == null || Set.of("Always", "IfNotPresent", "Never").contains(container.getImagePullPolicy()),
                    "container " + name + ": bad imagePullPolicy " + container.getImagePullPolicy());
            Set<String> portNames = new HashSet<>();
            Set<String> tcpPortNames = new HashSet<>();
            Set<String> portsAndProtocols = new HashSet<>();
            for (ContainerPort port : container.getPorts() == null ? List.<ContainerPort>of() : container.getPorts()) {
                require(port.getContainerPort() != null && port.getContainerPort() >= 1 && port.getContainerPort() <= 65535,
                        "container " + name + ": containerPort " + port.getContainerPort() + " is out of 1..65535");
                String protocol = port.getProtocol() == null ? "TCP" : port.getProtocol();
                require(PROTOCOLS.contains(protocol), "container " + name + ": bad protocol " + protocol);
                require(portsAndProtocols.add(port.getContainerPort() + "/" + protocol), "container " + name + ": port " + port.getContainerPort() + "/" + protocol + " appears twice");
                if (port.getName() != null) {
                    portName(port.getName(), "container " + name + " port");
                    require(portNames.add(port.getName()), "container " + name + ": port name " + port.getName() + " appears twice");
                    if ("TCP".equals(protocol)) {
                        tcpPortNames.add(port.getName());
                    }
                }
            }
            probe(container.getStartupProbe(), "startupProbe", name, tcpPortNames);
            probe(container.getLivenessProbe(), "livenessProbe", name, tcpPortNames);
            probe(container.getReadinessProbe(), "readinessProbe", name, tcpPortNames);
            Set<String> envNames = new HashSet<>();
            for (EnvVar env : container.getEnv() == null ? List.<EnvVar>of() : container.getEnv()) {
                require(env.getName() != null && ENV_NAME.matcher(env.getName()).matches(), "container " + name + ": bad env name " + env.getName());
                require(envNames.add(env.getName()), "container " + name + ": env " + env.getName() + " appears twice");
                require(env.getValue() == null || env.getValueFrom() == null, "container " + name + ": env " + env.getName() + " has both value and valueFrom");
            }
            Set<String> mountPaths = new HashSet<>();
            for (VolumeMount mount : container.getVolumeMounts() == null ? List.<VolumeMount>of() : container.getVolumeMounts()) {
                require(volumes.contains(mount.getName()), "container " + name + ": volumeMount " + mount.getName() + " names no volume");
                require(mount.getMountPath() != null && mount.getMountPath().startsWith("/"), "container " + name + ": mountPath of " + mount.getName() + " must be absolute");
                require(mountPaths.add(mount.getMountPath()), "container " + name + ": mountPath " + mount.getMountPath() + " appears twice");
            }
            if (container.getSecurityContext() != null && container.getSecurityContext().getSeccompProfile() != null) {
                seccomp(container.getSecurityContext().getSeccompProfile().getType(), "container " + name);
            }
            if (container.getSecurityContext() != null && Boolean.TRUE.equals(container.getSecurityContext().getPrivileged())) {
                require(!Boolean.FALSE.equals(container.getSecurityContext().getAllowPrivilegeEscalation()),
                        "container " + name + ": privileged needs allowPrivilegeEscalation");
            }
        }
    }

    private void seccomp(String type, String what) {
        require(Set.of("RuntimeDefault", "Localhost", "Unconfined").contains(type), what + ": bad seccompProfile.type " + type);
    }

    private void probe(Probe probe, String field, String container, Set<String> tcpPortNames) {
        if (probe == null) {
            return;
        }
        int handlers = (probe.getHttpGet() != null ? 1 : 0) + (probe.getTcpSocket() != null ? 1 : 0)
                + (probe.getExec() != null ? 1 : 0) + (probe.getGrpc() != null ? 1 : 0);
        require(handlers == 1, "container " + container + ": " + field + " needs exactly one handler");
        HTTPGetAction http = probe.getHttpGet();
        if (http != null) {
            require(http.getPath() == null || http.getPath().startsWith("/"), "container " + container + ": " + field + " path must start with /");
            IntOrString port = http.getPort();
            require(port != null, "container " + container + ": " + field + ".httpGet.port is required");
            if (port != null && port.getStrVal() != null) {
                require(tcpPortNames.contains(port.getStrVal()), "container " + container + ": " + field + " port '" + port.getStrVal() + "' names no TCP port of the container");
            } else if (port != null) {
                require(port.getIntVal() >= 1 && port.getIntVal() <= 65535, "container " + container + ": " + field + " port out of range");
            }
        }
        positive(probe.getPeriodSeconds(), field + ".periodSeconds", container);
        positive(probe.getTimeoutSeconds(), field + ".timeoutSeconds", container);
        positive(probe.getFailureThreshold(), field + ".failureThreshold", container);
        require(probe.getInitialDelaySeconds() == null || probe.getInitialDelaySeconds() >= 0, "container " + container + ": " + field + ".initialDelaySeconds must not be negative");
        if ("livenessProbe".equals(field) || "startupProbe".equals(field)) {
            require(probe.getSuccessThreshold() == null || probe.getSuccessThreshold() == 1, "container " + container + ": " + field + ".successThreshold must be 1");
        }
    }

    private void positive(Integer value, String field, String container) {
        require(value == null || value >= 1, "container " + container + ": " + field + " must be at least 1");
    }

    private void portName(String name, String what) {
        require(name.length() <= 15 && PORT_NAME.matcher(name).matches() && !name.contains("--") && name.chars().anyMatch(Character::isLetter),
                what + " name '" + name + "' is not an IANA service name (15 lower-case letters, digits, '-')");
    }

    private void service(Service service) {
        ServiceSpec spec = service.getSpec();
        require(spec != null, "spec is required");
        if (spec == null) {
            return;
        }
        String type = spec.getType() == null ? "ClusterIP" : spec.getType();
        require(SERVICE_TYPES.contains(type), "bad spec.type " + type);
        boolean external = "NodePort".equals(type) || "LoadBalancer".equals(type);
        if (spec.getExternalTrafficPolicy() != null) {
            require(external, "spec.externalTrafficPolicy is only for NodePort and LoadBalancer Services");
            require(Set.of("Local", "Cluster").contains(spec.getExternalTrafficPolicy()), "bad spec.externalTrafficPolicy " + spec.getExternalTrafficPolicy());
        }
        if (!"LoadBalancer".equals(type)) {
            require(spec.getLoadBalancerIP() == null, "spec.loadBalancerIP is only for LoadBalancer Services");
            require(spec.getLoadBalancerSourceRanges() == null || spec.getLoadBalancerSourceRanges().isEmpty(), "spec.loadBalancerSourceRanges is only for LoadBalancer Services");
            require(spec.getLoadBalancerClass() == null, "spec.loadBalancerClass is only for LoadBalancer Services");
        }
        if ("None".equals(spec.getClusterIP())) {
            require("ClusterIP".equals(type), "a headless Service (clusterIP: None) must be of type ClusterIP");
        }
        require(spec.getSessionAffinity() == null || Set.of("None", "ClientIP").contains(spec.getSessionAffinity()),
                "bad spec.sessionAffinity " + spec.getSessionAffinity());
        if (spec.getLoadBalancerSourceRanges() != null) {
            spec.getLoadBalancerSourceRanges().forEach(range -> require(CIDR.matcher(range).matches(), "loadBalancerSourceRanges: '" + range + "' is not a CIDR"));
        }
        List<ServicePort> ports = spec.getPorts();
        require(ports != null && !ports.isEmpty(), "spec.ports is required");
        Set<String> names = new HashSet<>();
        Set<String> portsAndProtocols = new HashSet<>();
        for (ServicePort port : ports == null ? List.<ServicePort>of() : ports) {
            require(port.getPort() != null && port.getPort() >= 1 && port.getPort() <= 65535, "port " + port.getPort() + " is out of 1..65535");
            String protocol = port.getProtocol() == null ? "TCP" : port.getProtocol();
            require(PROTOCOLS.contains(protocol), "bad protocol " + protocol);
            require(portsAndProtocols.add(port.getPort() + "/" + protocol), "port " + port.getPort() + "/" + protocol + " appears twice");
            if (ports.size() > 1) {
                require(port.getName() != null, "each port needs a name when there are several");
            }
            if (port.getName() != null) {
                require(DNS_LABEL.matcher(port.getName()).matches() && port.getName().length() <= 63, "port name '" + port.getName() + "' is not a DNS label");
                require(names.add(port.getName()), "port name " + port.getName() + " appears twice");
            }
            if (port.getNodePort() != null) {
                require(external, "nodePort is only for NodePort and LoadBalancer Services");
                require(port.getNodePort() >= 1 && port.getNodePort() <= 65535, "nodePort " + port.getNodePort() + " is out of range");
            }
            if (port.getTargetPort() != null && port.getTargetPort().getStrVal() != null) {
                portName(port.getTargetPort().getStrVal(), "targetPort");
            }
        }
    }

    private void budget(PodDisruptionBudget budget) {
        var spec = budget.getSpec();
        require(spec != null, "spec is required");
        if (spec == null) {
            return;
        }
        require(spec.getMinAvailable() == null || spec.getMaxUnavailable() == null, "minAvailable and maxUnavailable cannot both be set");
        require(spec.getSelector() != null, "spec.selector is required here");
    }

    private void monitor(ServiceMonitor monitor) {
        var spec = monitor.getSpec();
        require(spec != null, "spec is required");
        if (spec == null) {
            return;
        }
        require(spec.getSelector() != null, "spec.selector is required");
        require(spec.getEndpoints() != null && !spec.getEndpoints().isEmpty(), "spec.endpoints is required");
        if (spec.getEndpoints() != null) {
            spec.getEndpoints().forEach(endpoint -> {
                require(endpoint.getPort() != null || endpoint.getTargetPort() != null, "an endpoint needs port or targetPort");
                require(endpoint.getPath() == null || endpoint.getPath().startsWith("/"), "endpoint path must start with /");
                require(endpoint.getScheme() == null || Set.of("http", "https", "HTTP", "HTTPS").contains(endpoint.getScheme()), "bad endpoint scheme");
            });
        }
    }

    /** networking.k8s.io/v1 NetworkPolicy: peers with one kind of selector each, CIDRs, ports and protocols. */
    private void networkPolicy(io.fabric8.kubernetes.api.model.GenericKubernetesResource policy) {
        com.fasterxml.jackson.databind.JsonNode spec = new com.fasterxml.jackson.databind.ObjectMapper()
                .valueToTree(policy.getAdditionalProperties().get("spec"));
        require(spec != null && spec.has("podSelector"), "spec.podSelector is required");
        if (spec == null) {
            return;
        }
        for (com.fasterxml.jackson.databind.JsonNode type : spec.path("policyTypes")) {
            require(Set.of("Ingress", "Egress").contains(type.asText()), "bad spec.policyTypes " + type);
        }
        for (com.fasterxml.jackson.databind.JsonNode rule : spec.path("ingress")) {
            if (rule.has("from")) {
                require(!rule.path("from").isEmpty(), "an ingress rule with an empty from lets everyone in: leave from out or name peers");
            }
            for (com.fasterxml.jackson.databind.JsonNode peer : rule.path("from")) {
                boolean ipBlock = peer.has("ipBlock");
                require(ipBlock ? peer.size() == 1 : (peer.has("podSelector") || peer.has("namespaceSelector")),
                        "a peer is an ipBlock alone, or pod and/or namespace selectors: " + peer);
                if (ipBlock) {
                    require(CIDR.matcher(peer.path("ipBlock").path("cidr").asText()).matches(), "ipBlock.cidr '" + peer.path("ipBlock").path("cidr").asText() + "' is not a CIDR");
                }
                for (String selector : List.of("podSelector", "namespaceSelector")) {
                    if (peer.has(selector)) {
                        Map<String, String> labels = new java.util.HashMap<>();
                        peer.path(selector).path("matchLabels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
                        labels(labels, selector + ".matchLabels");
                    }
                }
            }
            for (com.fasterxml.jackson.databind.JsonNode port : rule.path("ports")) {
                require(PROTOCOLS.contains(port.path("protocol").asText("TCP")), "bad protocol " + port.path("protocol"));
                require(port.path("port").isInt() ? port.path("port").asInt() >= 1 && port.path("port").asInt() <= 65535 : PORT_NAME.matcher(port.path("port").asText()).matches(),
                        "bad port " + port.path("port"));
            }
        }
    }

    /** Labels of a selector are all among these labels. */
    static boolean selects(Map<String, String> selector, Map<String, String> labels) {
        return selector != null && !selector.isEmpty() && labels != null
                && selector.entrySet().stream().allMatch(e -> Objects.equals(labels.get(e.getKey()), e.getValue()));
    }
}
