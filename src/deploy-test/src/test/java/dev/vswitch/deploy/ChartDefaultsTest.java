package dev.vswitch.deploy;

import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `helm lint` and `helm template` with the chart's own values: what `helm install vswitch ./helm/vswitch` creates. */
class ChartDefaultsTest {

    private static Chart.Rendered rendered;
    private static Manifests manifests;

    @BeforeAll
    static void render() {
        rendered = Chart.render("{}");
        manifests = Manifests.validate(rendered.objects(), null);
    }

    @Test
    void lintsCleanInStrictMode() {
        LintResult result = Chart.lint();
        assertFalse(result.isFailed(), "helm lint --strict: " + result.getMessages());
        List<String> serious = result.getMessages().stream()
                .filter(m -> m.contains("[WARNING]") || m.contains("[ERROR]")).collect(Collectors.toList());
        assertTrue(serious.isEmpty(), "helm lint --strict: " + serious);
    }

    @Test
    void rendersTheExpectedObjects() {
        Set<String> kinds = manifests.objects.stream().map(o -> o.getKind() + " " + o.getMetadata().getName()).collect(Collectors.toSet());
        assertEquals(Set.of("Deployment demo-vswitch", "Service demo-vswitch", "Service demo-vswitch-http",
                "Secret demo-vswitch", "ConfigMap demo-vswitch", "ServiceAccount demo-vswitch",
                "PodDisruptionBudget demo-vswitch"), kinds, "no ServiceMonitor or dashboard unless asked for");
        for (HasMetadata object : manifests.objects) {
            assertEquals(Chart.NAMESPACE, object.getMetadata().getNamespace(), object.getKind() + " in the release namespace");
            assertEquals(Chart.RELEASE, object.getMetadata().getLabels().get("app.kubernetes.io/instance"));
        }
        assertEquals(1, manifests.deployment().getSpec().getReplicas());
    }

    @Test
    void udpServiceIsAPublicLoadBalancerKeepingClientAddresses() {
        Service udp = manifests.named(Service.class, Chart.FULLNAME);
        assertEquals("LoadBalancer", udp.getSpec().getType());
        assertEquals("Local", udp.getSpec().getExternalTrafficPolicy());
        assertEquals(1, udp.getSpec().getPorts().size());
        ServicePort port = udp.getSpec().getPorts().get(0);
        assertEquals("UDP", port.getProtocol());
        assertEquals(9999, port.getPort());
        assertEquals("udp", port.getTargetPort().getStrVal());
        assertNull(port.getNodePort(), "Kubernetes picks the node port");
        assertNull(udp.getSpec().getLoadBalancerIP());
        assertTrue(udp.getSpec().getLoadBalancerSourceRanges().isEmpty());

        ContainerPort containerPort = port(manifests.container(), "udp");
        assertEquals("UDP", containerPort.getProtocol());
        assertEquals(9999, containerPort.getContainerPort());
    }

    @Test
    void httpServiceIsClusterInternal() {
        Service http = manifests.named(Service.class, Chart.FULLNAME + "-http");
        assertEquals("ClusterIP", http.getSpec().getType());
        assertNull(http.getSpec().getExternalTrafficPolicy());
        ServicePort port = http.getSpec().getPorts().get(0);
        assertEquals("TCP", port.getProtocol());
        assertEquals(8080, port.getPort());
        assertEquals("http", port.getTargetPort().getStrVal());
        assertEquals(8080, port(manifests.container(), "http").getContainerPort());
        assertEquals("TCP", port(manifests.container(), "http").getProtocol());
    }

    @Test
    void probesUseSmallRyeHealthOnTheHttpPort() {
        Container container = manifests.container();
        assertProbe(container.getStartupProbe(), "/q/health/started");
        assertProbe(container.getLivenessProbe(), "/q/health/live");
        assertProbe(container.getReadinessProbe(), "/q/health/ready");
        assertTrue(container.getStartupProbe().getPeriodSeconds() * container.getStartupProbe().getFailureThreshold() >= 60,
                "at least a minute to start");
    }

    @Test
    void runsHardened() {
        var pod = manifests.deployment().getSpec().getTemplate().getSpec();
        PodSecurityContext podContext = pod.getSecurityContext();
        assertEquals(Boolean.TRUE, podContext.getRunAsNonRoot());
        assertTrue(podContext.getRunAsUser() > 0);
        assertEquals("RuntimeDefault", podContext.getSeccompProfile().getType());
        assertEquals(Boolean.FALSE, pod.getAutomountServiceAccountToken(), "no API token in the pod");
        assertEquals(Boolean.FALSE, pod.getEnableServiceLinks(), "no VSWITCH_PORT=udp://... from a Service named vswitch");

        SecurityContext context = manifests.container().getSecurityContext();
        assertEquals(Boolean.TRUE, context.getRunAsNonRoot());
        assertEquals(Boolean.FALSE, context.getAllowPrivilegeEscalation());
        assertEquals(Boolean.FALSE, context.getPrivileged());
        assertEquals(Boolean.TRUE, context.getReadOnlyRootFilesystem());
        assertEquals(List.of("ALL"), context.getCapabilities().getDrop());
        assertTrue(context.getCapabilities().getAdd() == null || context.getCapabilities().getAdd().isEmpty(), "no NET_ADMIN, nothing");
        assertEquals("RuntimeDefault", context.getSeccompProfile().getType());

        ServiceAccount account = manifests.only(ServiceAccount.class);
        assertEquals(account.getMetadata().getName(), pod.getServiceAccountName());
        assertEquals(Boolean.FALSE, account.getAutomountServiceAccountToken());
    }

    @Test
    void writablePlacesAreEmptyDirsAndSecretsAreGroupReadableOnly() {
        var pod = manifests.deployment().getSpec().getTemplate().getSpec();
        Map<String, Volume> volumes = pod.getVolumes().stream().collect(Collectors.toMap(Volume::getName, v -> v));
        Map<String, String> mounts = manifests.container().getVolumeMounts().stream()
                .collect(Collectors.toMap(VolumeMount::getMountPath, VolumeMount::getName));
        assertNotNull(volumes.get(mounts.get("/var/lib/vswitch")).getEmptyDir(), "key dir (tokens) is an emptyDir");
        assertEquals("Memory", volumes.get(mounts.get("/var/lib/vswitch")).getEmptyDir().getMedium(), "tokens never touch the node's disk");
        assertNotNull(volumes.get(mounts.get("/tmp")).getEmptyDir(), "/tmp is an emptyDir");
        Volume secret = volumes.get(mounts.get("/etc/vswitch/secret"));
        assertEquals(Chart.FULLNAME, secret.getSecret().getSecretName());
        assertEquals(0440, secret.getSecret().getDefaultMode(), "read by owner and the pod's group only");
        for (VolumeMount mount : manifests.container().getVolumeMounts()) {
            if (mount.getMountPath().startsWith("/etc/vswitch")) {
                assertEquals(Boolean.TRUE, mount.getReadOnly(), mount.getMountPath());
            }
        }
    }

    @Test
    void switchReadsItsSettingsAndKeysFromTheMountedFiles() throws IOException {
        Map<String, String> env = manifests.container().getEnv().stream()
                .collect(Collectors.toMap(e -> e.getName(), e -> e.getValue() == null ? "" : e.getValue()));
        assertEquals("/etc/vswitch/config/vswitch.properties,/etc/vswitch/secret/vswitch-secret.properties",
                env.get("SMALLRYE_CONFIG_LOCATIONS"));

        Properties settings = properties(manifests.named(ConfigMap.class, Chart.FULLNAME).getData().get("vswitch.properties"));
        assertEquals("9999", settings.getProperty("vswitch.port"));
        assertEquals("8080", settings.getProperty("quarkus.http.port"));
        assertEquals("/var/lib/vswitch", settings.getProperty("vswitch.key-dir"));
        assertNull(settings.getProperty("vswitch.legacy-port"), "no plaintext port by default");
        assertNull(settings.getProperty("vswitch.public-endpoint"));

        Secret secret = manifests.named(Secret.class, Chart.FULLNAME);
        Properties keys = properties(decode(secret.getData().get("vswitch-secret.properties")));
        assertKey(keys.getProperty("vswitch.private-key"));
        assertKey(keys.getProperty("vswitch.networks.\"default\".key"));
        assertTrue(keys.getProperty("vswitch.api-token").matches("[A-Za-z0-9_-]{43}"), "URL-safe 32-byte token");
        assertEquals(keys.getProperty("vswitch.private-key"), decode(secret.getData().get("switch.key")));
        assertEquals(keys.getProperty("vswitch.api-token"), decode(secret.getData().get("api.token")));
        assertEquals(keys.getProperty("vswitch.networks.\"default\".key"), decode(secret.getData().get("network.default.key")));
        assertEquals(3, keys.size(), "nothing else in the secret file: " + keys.keySet());
    }

    @Test
    void imageHasNoRegistryHostAndTheChartsVersion() {
        assertEquals("vswitch/switch:0.1.0", manifests.container().getImage());
        assertEquals("IfNotPresent", manifests.container().getImagePullPolicy());
    }

    @Test
    void resourcesAreSet() {
        var resources = manifests.container().getResources();
        assertNotNull(resources.getRequests().get("cpu"));
        assertNotNull(resources.getRequests().get("memory"));
        assertNotNull(resources.getLimits().get("memory"));
    }

    @Test
    void disruptionBudgetLetsTheSinglePodBeDrained() {
        PodDisruptionBudget budget = manifests.only(PodDisruptionBudget.class);
        assertEquals(1, budget.getSpec().getMaxUnavailable().getIntVal());
        assertNull(budget.getSpec().getMinAvailable());
    }

    @Test
    void podRestartsWhenSettingsOrKeysChange() {
        Map<String, String> annotations = manifests.deployment().getSpec().getTemplate().getMetadata().getAnnotations();
        assertTrue(annotations.get("checksum/config").matches("[0-9a-f]{64}"));
        assertTrue(annotations.get("checksum/secret").matches("[0-9a-f]{64}"));
    }

    static ContainerPort port(Container container, String name) {
        return container.getPorts().stream().filter(p -> name.equals(p.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no container port " + name));
    }

    static void assertProbe(Probe probe, String path) {
        assertNotNull(probe, path);
        assertEquals(path, probe.getHttpGet().getPath());
        assertEquals("http", probe.getHttpGet().getPort().getStrVal(), path + " on the HTTP port");
    }

    static Properties properties(String text) throws IOException {
        Properties properties = new Properties();
        properties.load(new StringReader(text));
        return properties;
    }

    static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }

    /** A key as the switch reads it: standard base64 of 32 bytes. */
    static void assertKey(String key) {
        assertNotNull(key);
        assertEquals(32, Base64.getDecoder().decode(key).length, "32-byte key: " + key);
        assertEquals(44, key.length());
    }
}
