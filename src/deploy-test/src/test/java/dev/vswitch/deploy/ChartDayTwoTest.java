package dev.vswitch.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static dev.vswitch.deploy.ChartDefaultsTest.properties;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Day two: graceful rollouts, dual-stack, the management port, the NetworkPolicy, and the small fixes of issue 20. */
class ChartDayTwoTest {

    @Test
    void drainTimeSetsPreStopGracePeriodAndTheSwitchsSetting() {
        Manifests defaults = Manifests.validate(Chart.render("{}").objects(), null);
        var pod = defaults.podTemplate().getSpec();
        Container container = defaults.container();
        assertEquals(List.of("sleep", "5"), container.getLifecycle().getPreStop().getExec().getCommand());
        assertEquals(35L, pod.getTerminationGracePeriodSeconds(), "5 s preStop + 15 s drain + 15 s to close");
        assertEquals("15s", env(container, "VSWITCH_SHUTDOWN_DRAIN"));

        Manifests longer = Manifests.validate(Chart.render("drain: {seconds: 60, preStopSeconds: 10}\nreplicaCount: 3").objects(), null);
        assertEquals(List.of("sleep", "10"), longer.container().getLifecycle().getPreStop().getExec().getCommand());
        assertEquals(85L, longer.podTemplate().getSpec().getTerminationGracePeriodSeconds());
        assertEquals("60s", env(longer.container(), "VSWITCH_SHUTDOWN_DRAIN"));

        Manifests none = Manifests.validate(Chart.render("drain: {seconds: 0, preStopSeconds: 0}\nterminationGracePeriodSeconds: 5").objects(), null);
        assertNull(none.container().getLifecycle(), "no preStop hook for 0 s");
        assertEquals(5L, none.podTemplate().getSpec().getTerminationGracePeriodSeconds());
        String tooShort = Chart.rejection("terminationGracePeriodSeconds: 10");
        assertTrue(tooShort.contains("terminationGracePeriodSeconds 10 is shorter than drain.preStopSeconds + drain.seconds (5 + 15)"), tooShort);
    }

    @Test
    void aNewChartVersionAloneDoesNotChangeThePodTemplate() throws IOException {
        Path copy = Files.createTempDirectory("vswitch-chart");
        try {
            copyTree(Repo.chart(), copy);
            Path chartYaml = copy.resolve("Chart.yaml");
            String text = Files.readString(chartYaml);
            String bumped = text.replaceFirst("(?m)^version: .*$", "version: 99.0.0");
            assertFalse(text.equals(bumped));
            Files.writeString(chartYaml, bumped);
            String values = """
                    keys: {mode: values}
                    secret: {privateKey: "X49P/i7e0nzeoS1/54n9UFpEDgy3g2NfwVOVo+WPfkM=", apiToken: an-api-token-not-random}
                    networks: [{name: default, key: "pOQ7ZZGgMu4SHkRqJT6NdXDuNNvl1hF5OPNrO/1cB1c="}]
                    """;
            PodTemplateSpec before = Manifests.validate(Chart.render(values).objects(), null).podTemplate();
            PodTemplateSpec after = Manifests.validate(Chart.renderChart(copy, values).objects(), null).podTemplate();
            assertEquals(before, after, "the pod template changed with the chart's version alone: every session would drop");
            assertFalse(before.getMetadata().getLabels().containsKey("helm.sh/chart"));
            Manifests bumpedObjects = Manifests.validate(Chart.renderChart(copy, values).objects(), null);
            assertEquals("vswitch-99.0.0", bumpedObjects.deployment().getMetadata().getLabels().get("helm.sh/chart"),
                    "the objects themselves keep the chart label");
        } finally {
            try (Stream<Path> files = Files.walk(copy)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void dualStackServicesAndTheSwitchBindsEveryAddress() throws IOException {
        Manifests manifests = Manifests.validate(Chart.render("""
                replicaCount: 3
                service: {ipFamilyPolicy: PreferDualStack, ipFamilies: [IPv6, IPv4]}
                """).objects(), null);
        for (Service service : manifests.all(Service.class)) {
            assertEquals("PreferDualStack", service.getSpec().getIpFamilyPolicy(), service.getMetadata().getName());
            assertEquals(List.of("IPv6", "IPv4"), service.getSpec().getIpFamilies(), service.getMetadata().getName());
        }
        Properties settings = settings(manifests);
        assertEquals("::", settings.getProperty("vswitch.host"));
        assertEquals("::", settings.getProperty("quarkus.http.host"));

        Properties single = settings(Manifests.validate(Chart.render("{}").objects(), null));
        assertNull(single.getProperty("vswitch.host"), "single-stack: the switch's own default");
        assertNull(Manifests.validate(Chart.render("{}").objects(), null).named(Service.class, Chart.FULLNAME).getSpec().getIpFamilyPolicy());
        assertEquals("::", settings(Manifests.validate(Chart.render("service: {ipFamilies: [IPv6]}").objects(), null)).getProperty("vswitch.host"));
        assertEquals("[2001:db8::10]:9999", settings(Manifests.validate(Chart.render(
                "service: {ipFamilies: [IPv6], loadBalancerIP: \"2001:db8::10\"}").objects(), null)).getProperty("vswitch.public-endpoint"));
    }

    @Test
    void managementPortCarriesProbesAndMetrics() throws IOException {
        Manifests manifests = Manifests.validate(Chart.render("""
                switch: {managementPort: 9000}
                serviceMonitor: {enabled: true}
                """).objects(), null);
        Container container = manifests.container();
        assertEquals(9000, ChartDefaultsTest.port(container, "management").getContainerPort());
        for (var probe : List.of(container.getStartupProbe(), container.getLivenessProbe(), container.getReadinessProbe())) {
            assertEquals("management", probe.getHttpGet().getPort().getStrVal());
        }
        assertEquals("management", manifests.only(ServiceMonitor.class).getSpec().getEndpoints().get(0).getPort());
        assertEquals("9000", settings(manifests).getProperty("quarkus.management.port"));
        assertTrue(manifests.named(Service.class, Chart.FULLNAME + "-http").getSpec().getPorts().stream()
                .anyMatch(p -> "management".equals(p.getName()) && p.getPort() == 9000));
    }

    @Test
    void networkPolicyOpensUdpToAllAndHttpOnlyToTheNamedSources() {
        Manifests manifests = Manifests.validate(Chart.render("""
                networkPolicy:
                  enabled: true
                  http: {namespaces: [ops], cidrs: [10.20.0.0/16]}
                  management: {namespaces: [monitoring]}
                """).objects(), null);
        JsonNode spec = manifests.generic("NetworkPolicy").path("spec");
        assertEquals(List.of("Ingress"), List.of(spec.path("policyTypes").get(0).asText()));
        JsonNode ingress = spec.path("ingress");
        assertEquals(2, ingress.size(), ingress.toString());
        JsonNode udp = ingress.get(0);
        assertEquals("UDP", udp.path("ports").get(0).path("protocol").asText());
        assertEquals(9999, udp.path("ports").get(0).path("port").asInt());
        assertTrue(udp.path("from").isMissingNode(), "UDP from anywhere: " + udp);
        JsonNode http = ingress.get(1);
        assertEquals(8080, http.path("ports").get(0).path("port").asInt());
        String from = http.path("from").toString();
        assertTrue(from.contains("{\"namespaceSelector\":{\"matchLabels\":{\"kubernetes.io/metadata.name\":\"ops\"}}}"), from);
        assertTrue(from.contains("{\"ipBlock\":{\"cidr\":\"10.20.0.0/16\"}}"), from);
        assertTrue(from.contains("\"kubernetes.io/metadata.name\":\"monitoring\""), "metrics live on the HTTP port: " + from);
        assertTrue(from.contains("\"app.kubernetes.io/component\":\"helm-test\""), "helm test gets in: " + from);

        JsonNode split = Manifests.validate(Chart.render("""
                switch: {managementPort: 9000}
                tests: {enabled: false}
                networkPolicy: {enabled: true, management: {namespaces: [monitoring]}, udpCidrs: [198.51.100.0/24]}
                """).objects(), null).generic("NetworkPolicy").path("spec").path("ingress");
        assertEquals(2, split.size(), "no HTTP rule at all when nobody is named (an empty from would let everyone in): " + split);
        assertEquals("198.51.100.0/24", split.get(0).path("from").get(0).path("ipBlock").path("cidr").asText());
        assertTrue(split.get(0).path("from").toString().contains("\"app.kubernetes.io/instance\":\"demo\""), "the replicas reach each other");
        assertEquals(9000, split.get(1).path("ports").get(0).path("port").asInt());
        assertFalse(split.get(1).path("from").toString().contains("helm-test"));

        assertTrue(Manifests.validate(Chart.render("{}").objects(), null).objects.stream().noneMatch(o -> "NetworkPolicy".equals(o.getKind())));
    }

    @Test
    void livenessTimeoutOutlastsTheSwitchsOwnLivenessWait() throws IOException {
        String check = Files.readString(Repo.root().resolve("switch-service/src/main/java/dev/vswitch/server/LivenessCheck.java"));
        Matcher stuck = Pattern.compile("STUCK_AFTER = Duration\\.ofSeconds\\((\\d+)\\)").matcher(check);
        assertTrue(stuck.find(), "LivenessCheck's wait not found");
        int waits = Integer.parseInt(stuck.group(1));
        int timeout = Manifests.validate(Chart.render("{}").objects(), null).container().getLivenessProbe().getTimeoutSeconds();
        assertTrue(timeout > waits, "liveness timeout " + timeout + " s is not above LivenessCheck's " + waits + " s");
        String refusal = Chart.rejection("probes: {liveness: {timeoutSeconds: 3}}");
        assertTrue(refusal.contains("probes.liveness.timeoutSeconds must be above 5"), refusal);
    }

    @Test
    void globalImageRegistryIsUsedUnlessTheImageNamesOne() {
        assertEquals("mirror.example.internal/vswitch/switch:0.1.0", Manifests.validate(Chart.render(
                "global: {imageRegistry: mirror.example.internal}").objects(), null).container().getImage());
        assertEquals("own.example.internal/vswitch/switch:0.1.0", Manifests.validate(Chart.render(
                "global: {imageRegistry: mirror.example.internal}\nimage: {registry: own.example.internal}").objects(), null).container().getImage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "node port 80               | service: {type: NodePort, nodePort: 80}            | /service/nodePort            | minimum",
        "node port above the range  | service: {type: NodePort, nodePort: 32768}         | /service/nodePort            | maximum",
        "memory in words            | resources: {limits: {memory: lots}}                | /resources/limits/memory     | oneOf",
        "cpu with a unit typo       | resources: {requests: {cpu: 100mm}}                | /resources/requests/cpu      | oneOf",
        "misspelt resources key     | resources: {limit: {memory: 1Gi}}                  | limit                        | additional properties",
        "global registry with space | `global: {imageRegistry: \"my registry\"}`         | /global/imageRegistry        | pattern",
        "unknown IP family          | service: {ipFamilies: [IPv5]}                      | /service/ipFamilies/0        | IPv4",
        "unknown family policy      | service: {ipFamilyPolicy: DualStack}               | /service/ipFamilyPolicy      | PreferDualStack",
        "NetworkPolicy CIDR typo    | networkPolicy: {udpCidrs: [10.0.0.0]}              | /networkPolicy/udpCidrs/0    | pattern",
        "NetworkPolicy namespace    | networkPolicy: {http: {namespaces: [Ops]}}         | /networkPolicy/http/namespaces/0 | pattern",
        "management port 0          | switch: {managementPort: 0}                        | /switch/managementPort       | minimum",
        "negative drain             | drain: {seconds: -1}                               | /drain/seconds               | minimum",
    })
    void schemaRefusesDayTwoValues(String what, String values, String path, String detail) {
        String message = Chart.rejection(values);
        assertTrue(message.contains("values don't meet the specifications of the schema"), what + ": not the schema: " + message);
        assertTrue(message.contains(path), what + ": the message names " + path + ": " + message);
        assertTrue(message.contains(detail), what + ": the message says " + detail + ": " + message);
    }

    @Test
    void quantitiesKubernetesAcceptsAreAccepted() {
        Manifests.validate(Chart.render("resources: {requests: {cpu: 0.5, memory: 256Mi}, limits: {cpu: 2, memory: 1Gi, ephemeral-storage: 100M}}").objects(), null);
        Manifests.validate(Chart.render("resources: {requests: {cpu: 250m, memory: 1e9}}").objects(), null);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "single stack, two families | service: {ipFamilyPolicy: SingleStack, ipFamilies: [IPv4, IPv6]} | SingleStack takes one of service.ipFamilies",
        "IPv6 but bound to IPv4     | `{service: {ipFamilies: [IPv6]}, switch: {host: 0.0.0.0}}`    | service.ipFamilies has IPv6 but switch.host is 0.0.0.0",
        "management on the API port | switch: {managementPort: 8080}                                 | switch.managementPort must differ",
        "drain setting in config    | `switch: {config: {vswitch.shutdown.drain: 5s}}`              | set vswitch.shutdown.drain through drain.seconds",
        "bind host in config        | `switch: {config: {quarkus.http.host: 0.0.0.0}}`              | set quarkus.http.host through switch.host",
    })
    void chartRefusesDayTwoCombinations(String what, String values, String message) {
        String refusal = Chart.rejection(values);
        assertTrue(refusal.contains(message), what + ": " + refusal);
    }

    static Properties settings(Manifests manifests) throws IOException {
        return properties(manifests.all(ConfigMap.class).stream().filter(c -> c.getData().containsKey("vswitch.properties"))
                .findFirst().orElseThrow().getData().get("vswitch.properties"));
    }

    static String env(Container container, String name) {
        return container.getEnv().stream().filter(e -> name.equals(e.getName())).map(EnvVar::getValue).findFirst()
                .orElseThrow(() -> new AssertionError("no env " + name + " in " + container.getEnv()));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }

}
