package dev.vswitch.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.Endpoint;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static dev.vswitch.deploy.ChartDefaultsTest.assertKey;
import static dev.vswitch.deploy.ChartDefaultsTest.decode;
import static dev.vswitch.deploy.ChartDefaultsTest.properties;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Non-default values: each rendering is validated against the API types and rules, then checked for what was asked. */
class ChartValuesTest {

    @Test
    void loadBalancerAnnotationsAddressAndSourceRanges() throws IOException {
        Manifests manifests = Manifests.validate(Chart.render("""
                service:
                  annotations:
                    service.beta.kubernetes.io/aws-load-balancer-type: nlb
                    metallb.universe.tf/address-pool: public
                  loadBalancerIP: 203.0.113.7
                  loadBalancerSourceRanges: [198.51.100.0/24, "2001:db8::/32"]
                  loadBalancerClass: example.com/udp-lb
                  port: 443
                """).objects(), null);
        Service udp = manifests.named(Service.class, Chart.FULLNAME);
        assertEquals(Map.of("service.beta.kubernetes.io/aws-load-balancer-type", "nlb", "metallb.universe.tf/address-pool", "public"),
                udp.getMetadata().getAnnotations());
        assertEquals("203.0.113.7", udp.getSpec().getLoadBalancerIP());
        assertEquals(List.of("198.51.100.0/24", "2001:db8::/32"), udp.getSpec().getLoadBalancerSourceRanges());
        assertEquals("example.com/udp-lb", udp.getSpec().getLoadBalancerClass());
        assertEquals("Local", udp.getSpec().getExternalTrafficPolicy());
        ServicePort port = udp.getSpec().getPorts().get(0);
        assertEquals(443, port.getPort(), "the public port");
        assertEquals("udp", port.getTargetPort().getStrVal(), "still the pod's 9999");
        assertEquals("UDP", port.getProtocol());
        Properties settings = settings(manifests);
        assertEquals("203.0.113.7:443", settings.getProperty("vswitch.public-endpoint"), "tokens name the fixed address");
        assertTrue(manifests.named(Service.class, Chart.FULLNAME + "-http").getMetadata().getAnnotations().isEmpty(),
                "the HTTP Service does not get the load balancer's annotations");
    }

    @Test
    void nodePortFallback() {
        Manifests manifests = Manifests.validate(Chart.render("""
                service:
                  type: NodePort
                  nodePort: 31999
                  externalTrafficPolicy: Cluster
                  loadBalancerIP: 203.0.113.7
                  loadBalancerSourceRanges: [198.51.100.0/24]
                """).objects(), null);
        Service udp = manifests.named(Service.class, Chart.FULLNAME);
        assertEquals("NodePort", udp.getSpec().getType());
        assertEquals(31999, udp.getSpec().getPorts().get(0).getNodePort());
        assertEquals("UDP", udp.getSpec().getPorts().get(0).getProtocol());
        assertEquals("Cluster", udp.getSpec().getExternalTrafficPolicy());
        assertNull(udp.getSpec().getLoadBalancerIP(), "load balancer fields are left out of a NodePort Service");
        assertTrue(udp.getSpec().getLoadBalancerSourceRanges().isEmpty());
        assertNull(settings(manifests).getProperty("vswitch.public-endpoint"));
    }

    @Test
    void clusterIpLeavesOutTheExternalFields() {
        Manifests manifests = Manifests.validate(Chart.render("service: {type: ClusterIP}").objects(), null);
        Service udp = manifests.named(Service.class, Chart.FULLNAME);
        assertEquals("ClusterIP", udp.getSpec().getType());
        assertNull(udp.getSpec().getExternalTrafficPolicy(), "the API refuses externalTrafficPolicy on ClusterIP");
    }

    @Test
    void existingSecretIsUsedAndNoneIsGenerated() {
        FakeKubernetesApi.get().clear();
        Chart.Rendered rendered = Chart.render("keys: {mode: existingSecret}\nexistingSecret: my-vswitch-keys");
        Manifests manifests = Manifests.validate(rendered.objects(), "my-vswitch-keys");
        assertTrue(manifests.all(Secret.class).isEmpty(), "no Secret of the chart's own");
        var pod = manifests.deployment().getSpec().getTemplate();
        var secretVolume = pod.getSpec().getVolumes().stream().filter(v -> v.getSecret() != null).findFirst().orElseThrow();
        assertEquals("my-vswitch-keys", secretVolume.getSecret().getSecretName());
        assertEquals("vswitch-secret.properties", secretVolume.getSecret().getItems().get(0).getKey());
        assertFalse(pod.getMetadata().getAnnotations().containsKey("checksum/secret"));
        assertTrue(FakeKubernetesApi.get().requests().stream().noneMatch(r -> r.contains("my-vswitch-keys")),
                "the user's Secret is not even looked at");
    }

    @Test
    void serviceMonitorAndDashboard() throws IOException {
        Chart.Rendered rendered = Chart.render("""
                serviceMonitor:
                  enabled: true
                  namespace: monitoring
                  labels: {release: kube-prometheus-stack}
                  interval: 15s
                  scrapeTimeout: 5s
                grafanaDashboard:
                  enabled: true
                  namespace: monitoring
                  annotations: {grafana_folder: vswitch}
                """);
        Manifests manifests = Manifests.validate(rendered.objects(), null);

        ServiceMonitor monitor = manifests.only(ServiceMonitor.class);
        assertEquals("monitoring", monitor.getMetadata().getNamespace());
        assertEquals("kube-prometheus-stack", monitor.getMetadata().getLabels().get("release"));
        assertEquals(List.of(Chart.NAMESPACE), monitor.getSpec().getNamespaceSelector().getMatchNames());
        Endpoint endpoint = monitor.getSpec().getEndpoints().get(0);
        assertEquals("http", endpoint.getPort());
        assertEquals("/q/metrics", endpoint.getPath());
        assertEquals("15s", endpoint.getInterval());
        assertEquals("5s", endpoint.getScrapeTimeout());
        Service http = manifests.named(Service.class, Chart.FULLNAME + "-http");
        assertTrue(ApiRules.selects(monitor.getSpec().getSelector().getMatchLabels(), http.getMetadata().getLabels()));
        assertFalse(ApiRules.selects(monitor.getSpec().getSelector().getMatchLabels(),
                manifests.named(Service.class, Chart.FULLNAME).getMetadata().getLabels()), "not the UDP Service");

        ConfigMap dashboard = manifests.named(ConfigMap.class, Chart.FULLNAME + "-dashboard");
        assertEquals("monitoring", dashboard.getMetadata().getNamespace());
        assertEquals("1", dashboard.getMetadata().getLabels().get("grafana_dashboard"), "the sidecar's default label");
        assertEquals("vswitch", dashboard.getMetadata().getAnnotations().get("grafana_folder"));
        assertEquals(List.of("vswitch.json"), List.copyOf(dashboard.getData().keySet()));
        byte[] expected = Files.readAllBytes(Repo.dashboard());
        assertArrayEquals(expected, dashboard.getData().get("vswitch.json").getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "the dashboard in the chart is byte for byte helm/vswitch/dashboards/vswitch.json");
    }

    @Test
    void dashboardSidecarLabelIsConfigurable() {
        Manifests manifests = Manifests.validate(Chart.render("""
                grafanaDashboard:
                  enabled: true
                  labels: {grafana_dashboard: "", team: net}
                """).objects(), null);
        ConfigMap dashboard = manifests.named(ConfigMap.class, Chart.FULLNAME + "-dashboard");
        assertEquals("", dashboard.getMetadata().getLabels().get("grafana_dashboard"));
        assertEquals("net", dashboard.getMetadata().getLabels().get("team"));
        assertEquals(Chart.NAMESPACE, dashboard.getMetadata().getNamespace());
    }

    @Test
    void networksWithDottedNamesAllowListsAndGivenKeys() throws IOException {
        String labKey = "MqzkkyANJWj5D5IeF7V5EvnDuxOuMC7qiF7VQ94Ey58=";
        String client = "U3AmIQ/kPmBhPOXddIhyYmWdscoHLJV4kYy+7mHESEA=";
        Manifests manifests = Manifests.validate(Chart.render("""
                networks:
                  - name: lab.one
                    key: %s
                    allowedClients: [%s, 3WymrbsITfFndW1HOmAooeFradxlo2bozDHbzSuCeUM=]
                  - name: office_2
                switch:
                  publicEndpoint: vpn.example.org:9999
                  config:
                    vswitch.safety.max-macs-per-port: 64
                    vswitch.mac-aging-time: 600s
                    vswitch.max-mac-entries: 1000000
                    vswitch.handshakes.per-source-per-second: 2.5
                """.formatted(labKey, client)).objects(), null);
        Properties settings = settings(manifests);
        assertEquals(client + ",3WymrbsITfFndW1HOmAooeFradxlo2bozDHbzSuCeUM=", settings.getProperty("vswitch.networks.\"lab.one\".allowed-clients"));
        assertNull(settings.getProperty("vswitch.networks.\"office_2\".allowed-clients"));
        assertEquals("vpn.example.org:9999", settings.getProperty("vswitch.public-endpoint"));
        assertEquals("64", settings.getProperty("vswitch.safety.max-macs-per-port"));
        assertEquals("600s", settings.getProperty("vswitch.mac-aging-time"));
        assertEquals("1000000", settings.getProperty("vswitch.max-mac-entries"), "no 1e+06");
        assertEquals("2.5", settings.getProperty("vswitch.handshakes.per-source-per-second"));

        Secret secret = manifests.only(Secret.class);
        Properties keys = properties(decode(secret.getData().get("vswitch-secret.properties")));
        assertEquals(labKey, keys.getProperty("vswitch.networks.\"lab.one\".key"), "a given key is used as given");
        assertKey(keys.getProperty("vswitch.networks.\"office_2\".key"));
        assertEquals(labKey, decode(secret.getData().get("network.lab.one.key")));
        assertFalse(keys.containsKey("vswitch.networks.\"default\".key"), "only the networks asked for");
    }

    @Test
    void legacyPortIsOptIn() {
        Manifests manifests = Manifests.validate(Chart.render("""
                switch: {legacyPort: 9998}
                service: {type: NodePort, nodePort: 31999, legacyNodePort: 31998}
                """).objects(), null);
        Service udp = manifests.named(Service.class, Chart.FULLNAME);
        assertEquals(2, udp.getSpec().getPorts().size());
        ServicePort legacy = udp.getSpec().getPorts().get(1);
        assertEquals("UDP", legacy.getProtocol());
        assertEquals(9998, legacy.getPort());
        assertEquals(31998, legacy.getNodePort());
        assertEquals("udp-legacy", legacy.getTargetPort().getStrVal());
        assertEquals("9998", settings(manifests).getProperty("vswitch.legacy-port"));
        assertEquals(9998, ChartDefaultsTest.port(manifests.container(), "udp-legacy").getContainerPort());
    }

    @Test
    void otherPortsImageAndScheduling() {
        Manifests manifests = Manifests.validate(Chart.render("""
                image:
                  registry: images.example.internal:5000
                  tag: "1.2.3"
                  pullPolicy: Always
                imagePullSecrets: [{name: pull}]
                switch: {port: 51820, httpPort: 9080}
                httpService: {port: 80}
                podDisruptionBudget: {minAvailable: 1, maxUnavailable: null}
                nodeSelector: {kubernetes.io/os: linux}
                tolerations: [{key: dedicated, operator: Equal, value: vpn, effect: NoSchedule}]
                priorityClassName: system-cluster-critical
                podAnnotations: {example.com/note: hi}
                resources: {requests: {cpu: 1, memory: 1Gi}, limits: {memory: 2Gi}}
                probes: {startup: {enabled: false}}
                """).objects(), null);
        Deployment deployment = manifests.deployment();
        assertEquals("images.example.internal:5000/vswitch/switch:1.2.3", manifests.container().getImage());
        assertEquals("pull", deployment.getSpec().getTemplate().getSpec().getImagePullSecrets().get(0).getName());
        assertEquals(51820, ChartDefaultsTest.port(manifests.container(), "udp").getContainerPort());
        assertEquals(9080, ChartDefaultsTest.port(manifests.container(), "http").getContainerPort());
        assertEquals(80, manifests.named(Service.class, Chart.FULLNAME + "-http").getSpec().getPorts().get(0).getPort());
        assertEquals("51820", settings(manifests).getProperty("vswitch.port"));
        assertEquals("9080", settings(manifests).getProperty("quarkus.http.port"));
        assertEquals(1, manifests.only(PodDisruptionBudget.class).getSpec().getMinAvailable().getIntVal());
        assertNull(manifests.only(PodDisruptionBudget.class).getSpec().getMaxUnavailable());
        assertNull(manifests.container().getStartupProbe());
        assertEquals("hi", deployment.getSpec().getTemplate().getMetadata().getAnnotations().get("example.com/note"));
        assertEquals("linux", deployment.getSpec().getTemplate().getSpec().getNodeSelector().get("kubernetes.io/os"));
    }

    @Test
    void imageDigestWinsOverTag() {
        String digest = "sha256:" + "ab".repeat(32);
        Manifests manifests = Manifests.validate(Chart.render("image: {digest: \"" + digest + "\", tag: \"9\"}").objects(), null);
        assertEquals("vswitch/switch@" + digest, manifests.container().getImage());
    }

    @Test
    void noDisruptionBudgetNoServiceAccountWhenSwitchedOff() {
        Manifests manifests = Manifests.validate(Chart.render("""
                podDisruptionBudget: {enabled: false}
                serviceAccount: {create: false}
                """).objects(), null);
        assertTrue(manifests.all(PodDisruptionBudget.class).isEmpty());
        assertTrue(manifests.all(io.fabric8.kubernetes.api.model.ServiceAccount.class).isEmpty());
        assertEquals("default", manifests.deployment().getSpec().getTemplate().getSpec().getServiceAccountName());
    }

    @Test
    void longReleaseNamesStayWithinKubernetesLimits() {
        String release = "long-" + "x".repeat(48);
        assertEquals(53, release.length(), "Helm's longest release name");
        Manifests manifests = Manifests.validate(Chart.render(release, "{}").objects(), null);
        for (Service service : manifests.all(Service.class)) {
            assertTrue(service.getMetadata().getName().length() <= 63, service.getMetadata().getName());
        }
    }

    private static Properties settings(Manifests manifests) {
        try {
            return properties(manifests.named(ConfigMap.class, manifests.deployment().getMetadata().getName())
                    .getData().get("vswitch.properties"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
