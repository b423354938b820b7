package dev.vswitch.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The alerting rules (helm/vswitch/prometheus/vswitch-rules.yaml): promtool checks them and runs their unit tests
 * (vswitch-rules_test.yaml), a broken expectation makes promtool fail, and the chart's PrometheusRule holds the
 * same rules, narrowed to the release.
 */
class PrometheusRulesTest {

    private static final Path RULES = Repo.chart().resolve("prometheus/vswitch-rules.yaml");
    private static final Path RULE_TESTS = Repo.chart().resolve("prometheus/vswitch-rules_test.yaml");
    private static final List<String> ALERTS = List.of("VswitchDown", "VswitchHandshakeRefusalsSpiking", "VswitchPacketDropsSpiking",
            "VswitchFrameDropsSpiking", "VswitchMacTableNearlyFull", "VswitchMacTableFull", "VswitchPortsNearlyExhausted",
            "VswitchReplicaPeerDown", "VswitchEventLoopLag");

    @Test
    void promtoolChecksTheRulesAndPassesTheirUnitTests() throws Exception {
        String promtool = ExternalTool.require("promtool", "prometheus");
        Result check = run(RULES.getParent(), promtool, "check", "rules", RULES.getFileName().toString());
        assertEquals(0, check.code(), "promtool check rules:\n" + check.output());
        assertTrue(check.output().contains("SUCCESS: " + ALERTS.size() + " rules found"), check.output());
        Result tests = run(RULE_TESTS.getParent(), promtool, "test", "rules", RULE_TESTS.getFileName().toString());
        assertEquals(0, tests.code(), "promtool test rules:\n" + tests.output());
        assertTrue(tests.output().contains("SUCCESS"), tests.output());
    }

    @Test
    void everyAlertHasAUnitTestThatExpectsItToFire() throws IOException {
        String tests = Files.readString(RULE_TESTS);
        for (String alert : ALERTS) {
            assertTrue(tests.contains("alertname: " + alert + "\n        exp_alerts:\n          - exp_labels:"),
                    alert + " has no test that expects it to fire");
        }
    }

    @Test
    void promtoolFailsWhenAnExpectationIsWrong() throws Exception {
        String promtool = ExternalTool.require("promtool", "prometheus");
        Path dir = Files.createTempDirectory("vswitch-rules");
        try {
            Files.copy(RULES, dir.resolve("vswitch-rules.yaml"));
            String broken = Files.readString(RULE_TESTS).replace("values: '1 1 0 0 0 0 0'", "values: '1 1 1 1 1 1 1'");
            assertNotEquals(Files.readString(RULE_TESTS), broken);
            Files.writeString(dir.resolve("broken_test.yaml"), broken);
            Result result = run(dir, promtool, "test", "rules", "broken_test.yaml");
            assertNotEquals(0, result.code(), "promtool passed a test whose switch never went down:\n" + result.output());
            assertTrue(result.output().contains("VswitchDown"), result.output());
        } finally {
            try (var files = Files.list(dir)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    Files.delete(file);
                }
            }
            Files.delete(dir);
        }
    }

    @Test
    void theChartsPrometheusRuleHoldsTheSameRulesForItsRelease() throws IOException {
        Manifests manifests = Manifests.validate(Chart.render("""
                prometheusRule: {enabled: true, namespace: monitoring, labels: {release: kube-prometheus-stack}}
                """).objects(), null);
        PrometheusRule rule = manifests.only(PrometheusRule.class);
        assertEquals("monitoring", rule.getMetadata().getNamespace());
        assertEquals("kube-prometheus-stack", rule.getMetadata().getLabels().get("release"));
        JsonNode rendered = Chart.YAML.valueToTree(rule.getSpec().getGroups());
        String scoped = Files.readString(RULES).replace("job=\"vswitch\"", "job=\"vswitch\", namespace=\"net\"");
        JsonNode expected = Chart.YAML.readTree(scoped).path("groups");
        assertEquals(normalise(expected), normalise(rendered), "the chart's rules are the file's, scoped to namespace net");
        List<String> alerts = new ArrayList<>();
        rendered.path(0).path("rules").forEach(r -> alerts.add(r.path("alert").asText()));
        assertEquals(ALERTS, alerts);

        PrometheusRule bigger = Manifests.validate(Chart.render("""
                prometheusRule: {enabled: true}
                switch: {config: {vswitch.max-mac-entries: 1000000, vswitch.max-ports: 100}}
                """).objects(), null).only(PrometheusRule.class);
        String text = Chart.YAML.writeValueAsString(bigger.getSpec());
        assertTrue(text.contains("0.9 * 1000000"), text);
        assertTrue(text.contains("0.9 * 100\n") || text.contains("0.9 * 100\""), text);
        assertTrue(Manifests.validate(Chart.render("{}").objects(), null).all(PrometheusRule.class).isEmpty(), "off by default");
    }

    /** The rules as JSON with every string's whitespace runs made one space (YAML folding differs, meaning not). */
    private static JsonNode normalise(JsonNode node) throws IOException {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        return json.readTree(json.writeValueAsString(node).replace("\\n", " ").replaceAll(" +", " "));
    }

    private record Result(int code, String output) {
    }

    private static Result run(Path dir, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "promtool finished");
        return new Result(process.exitValue(), output);
    }
}
