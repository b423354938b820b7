package dev.vswitch.server.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vswitch.server.ExternalTool;
import dev.vswitch.server.SwitchService;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Grafana dashboard in helm/vswitch/dashboards: its JSON is a well-formed Grafana 10+ dashboard, and with
 * traffic flowing through the running switch, a real Prometheus scraping /q/metrics answers every panel's query
 * with data.
 */
@QuarkusTest
@TestProfile(DashboardTest.Replica.class)
class DashboardTest {

    /**
     * The switch as a replica of a cluster whose peer list holds the switch's own address, as the addresses of
     * a headless Service do: so the cluster series are there (the peer in state self, trunk handshakes, the
     * per-peer counters of that link) for the dashboard's cluster panels.
     */
    public static class Replica implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            int port;
            try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                port = probe.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of("vswitch.port", String.valueOf(port),
                    "vswitch.cluster.peers", "127.0.0.1:" + port,
                    "vswitch.cluster.secret", "ZGFzaGJvYXJkIHRlc3QgY2x1c3Rlciwgbm90IGEga2U=");
        }
    }

    /** What the test puts for Grafana's variables: every network, and a rate window of many 1 s scrapes. */
    private static final Map<String, String> VARIABLES = Map.of("$network", ".*", "$namespace", ".*", "$job", ".*",
            "$instance", ".*", "$__rate_interval", "15s", "$__interval", "15s");
    private static final Pattern SERIES = Pattern.compile("\\b((?:vswitch|process|jvm)_[a-z0-9_]+|up(?=\\s*\\{))\\s*(\\{[^}]*})?");
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int SCRAPES_BEFORE_QUERYING = 6;

    @Inject
    SwitchService switchService;

    @TestHTTPResource("/q/metrics")
    URL metrics;

    @Test
    void theDashboardPassesTheSchemaCheck() throws Exception {
        JsonNode dashboard = DashboardLint.load();
        List<String> problems = DashboardLint.problems(dashboard);
        assertTrue(problems.isEmpty(), DashboardLint.file() + " has problems:\n  " + String.join("\n  ", problems));
        assertFalse(DashboardLint.targets(dashboard).isEmpty(), "the dashboard has no queries");
    }

    @Test
    void brokenDashboardsFailTheSchemaCheck() throws Exception {
        JsonNode good = DashboardLint.load();
        Map<String, Consumer<ObjectNode>> breakages = new LinkedHashMap<>();
        Map<String, String> expected = new LinkedHashMap<>();
        breakage(breakages, expected, "no title", "title must be", d -> d.remove("title"));
        breakage(breakages, expected, "no uid", "uid must be", d -> d.remove("uid"));
        breakage(breakages, expected, "old schemaVersion", "schemaVersion", d -> d.put("schemaVersion", 27));
        breakage(breakages, expected, "schemaVersion as a string", "schemaVersion", d -> d.put("schemaVersion", "39"));
        breakage(breakages, expected, "panels not an array", "panels must be an array", d -> d.put("panels", "none"));
        breakage(breakages, expected, "no templating", "templating must be an object", d -> d.remove("templating"));
        breakage(breakages, expected, "duplicate panel id", "is used by another panel",
                d -> graph(d, 1).put("id", graph(d, 0).path("id").asInt()));
        breakage(breakages, expected, "unknown panel type", "is not one of", d -> graph(d, 0).put("type", "graph"));
        breakage(breakages, expected, "panel without title", "no title", d -> graph(d, 0).put("title", ""));
        breakage(breakages, expected, "overlapping panels", "overlaps",
                d -> graph(d, 1).set("gridPos", graph(d, 0).get("gridPos").deepCopy()));
        breakage(breakages, expected, "panel wider than the grid", "exceeds the 24 columns",
                d -> ((ObjectNode) graph(d, 0).get("gridPos")).put("x", 20));
        breakage(breakages, expected, "gridPos without h", "gridPos.h", d -> ((ObjectNode) graph(d, 0).get("gridPos")).remove("h"));
        breakage(breakages, expected, "panel with a fixed datasource", "datasource must be",
                d -> graph(d, 0).set("datasource", JsonNodeFactory.instance.objectNode().put("type", "prometheus").put("uid", "P1809F7CD0C75ACF3")));
        breakage(breakages, expected, "target without datasource", "target A datasource",
                d -> ((ObjectNode) graph(d, 0).get("targets").get(0)).remove("datasource"));
        breakage(breakages, expected, "empty expr", "has no expr", d -> ((ObjectNode) graph(d, 0).get("targets").get(0)).put("expr", " "));
        breakage(breakages, expected, "target without refId", "no refId",
                d -> ((ObjectNode) graph(d, 0).get("targets").get(0)).remove("refId"));
        breakage(breakages, expected, "panel without targets", "no targets", d -> graph(d, 0).set("targets", JsonNodeFactory.instance.arrayNode()));
        breakage(breakages, expected, "no datasource variable", "no variable named \"datasource\"", d -> removeVariable(d, "datasource"));
        breakage(breakages, expected, "no network variable", "no variable named \"network\"", d -> removeVariable(d, "network"));
        breakage(breakages, expected, "single-value network variable", "multi-value",
                d -> ((ObjectNode) variable(d, "network")).put("multi", false));
        for (Map.Entry<String, Consumer<ObjectNode>> breakage : breakages.entrySet()) {
            ObjectNode broken = DashboardLint.copy(good);
            breakage.getValue().accept(broken);
            List<String> problems = DashboardLint.problems(broken);
            String want = expected.get(breakage.getKey());
            assertTrue(problems.stream().anyMatch(p -> p.contains(want)),
                    "a dashboard with " + breakage.getKey() + " must fail with a problem saying \"" + want + "\"; got " + problems);
        }
    }

    @Test
    void everyQueryReadsExistingSeriesAndFiltersTheNetworkWhereItCan() throws Exception {
        String scrape = given().header("Accept", "text/plain; version=0.0.4").when().get("/q/metrics").then()
                .statusCode(200).extract().asString();
        Set<String> withNetwork = new TreeSet<>();
        Set<String> present = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            Matcher series = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? ").matcher(line);
            if (series.find()) {
                present.add(series.group(1));
                if (series.group(2) != null && series.group(2).contains("network=\"")) {
                    withNetwork.add(series.group(1));
                }
            }
        }
        List<String> problems = new ArrayList<>();
        for (DashboardLint.Target target : DashboardLint.targets(DashboardLint.load())) {
            Matcher selector = SERIES.matcher(target.expr());
            int found = 0;
            while (selector.find()) {
                found++;
                String name = selector.group(1);
                String labels = selector.group(2) == null ? "" : selector.group(2);
                if (!present.contains(name) && !name.equals("up")) { // up is Prometheus' own series, not the switch's
                    problems.add(target.panel() + "/" + target.refId() + ": " + name + " is not in /q/metrics");
                }
                if (withNetwork.contains(name) && !labels.contains("network=~\"$network\"")) {
                    problems.add(target.panel() + "/" + target.refId() + ": " + name + " has a network label but the query does not filter network=~\"$network\"");
                }
            }
            if (found == 0) {
                problems.add(target.panel() + "/" + target.refId() + ": reads no vswitch, process or jvm series: " + target.expr());
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    @Test
    void aRealPrometheusAnswersEveryPanelWithData() throws Exception {
        String binary = ExternalTool.require("prometheus", "prometheus");
        List<DashboardLint.Target> targets = DashboardLint.targets(DashboardLint.load());
        long started = System.nanoTime();
        String scrapeTarget = metrics.getHost() + ":" + metrics.getPort();
        try (Traffic traffic = Traffic.start(switchService.udpPort(), List.of("lab", "office"));
             PrometheusServer prometheus = PrometheusServer.start(binary, scrapeTarget, metrics.getPath())) {
            String up = "up{job=\"" + PrometheusServer.JOB + "\"} == 1";
            prometheus.awaitQuery("Prometheus to scrape the switch at " + scrapeTarget + " successfully", up,
                    r -> !r.path("data").path("result").isEmpty(), WAIT);
            String scrapes = "count_over_time(up{job=\"" + PrometheusServer.JOB + "\"}[1m])";
            prometheus.awaitQuery(SCRAPES_BEFORE_QUERYING + " scrapes with traffic flowing", scrapes,
                    r -> PrometheusServer.firstValue(r) >= SCRAPES_BEFORE_QUERYING, WAIT);
            traffic.check();
            System.out.printf("Prometheus scraped %s %d times while %d rounds of traffic went through the switch%n",
                    scrapeTarget, (long) PrometheusServer.firstValue(prometheus.query(scrapes)), traffic.rounds());

            double labBits = PrometheusServer.firstValue(prometheus.query("sum(rate(vswitch_received_bytes_total{network=\"lab\"}[15s])) * 8"));
            assertTrue(labBits > 0, "the traffic through network lab reached Prometheus, received bits/s = " + labBits);

            List<String> problems = new ArrayList<>();
            for (DashboardLint.Target target : targets) {
                String expr = substitute(target.expr());
                JsonNode response = prometheus.query(expr);
                JsonNode result = response.path("data").path("result");
                System.out.printf("%3d series (max %-10s) %-36s %s%n", result.size(), maxValue(result),
                        target.panel() + "/" + target.refId(), expr);
                if (!"success".equals(response.path("status").asText())) {
                    problems.add(target.panel() + "/" + target.refId() + ": " + expr + " -> " + response);
                } else if (result.isEmpty()) {
                    problems.add(target.panel() + "/" + target.refId() + ": " + expr + " -> no series (the panel would show no data)");
                }
            }
            traffic.check();
            assertTrue(problems.isEmpty(), "queries without data in Prometheus:\n" + String.join("\n", problems));
        }
        System.out.printf("%d dashboard queries answered with data by a real Prometheus in %.1f s%n", targets.size(),
                (System.nanoTime() - started) / 1e9);
    }

    /** The largest sample value of an instant-vector result, for the log ("-" if none, NaN if all are NaN). */
    private static String maxValue(JsonNode result) {
        double max = Double.NaN;
        for (JsonNode series : result) {
            double value = Double.parseDouble(series.path("value").get(1).asText());
            if (!Double.isNaN(value) && (Double.isNaN(max) || value > max)) {
                max = value;
            }
        }
        return result.isEmpty() ? "-" : String.format(java.util.Locale.ROOT, "%.4g", max);
    }

    /** The expression with Grafana's variables replaced as a query for all networks would have them. */
    private static String substitute(String expr) {
        String result = expr;
        for (Map.Entry<String, String> variable : VARIABLES.entrySet()) {
            result = result.replace(variable.getKey(), variable.getValue());
        }
        assertFalse(result.contains("$"), "an expression uses a variable the test does not know: " + expr);
        return result;
    }

    private static void breakage(Map<String, Consumer<ObjectNode>> breakages, Map<String, String> expected, String name,
                                 String problem, Consumer<ObjectNode> change) {
        breakages.put(name, change);
        expected.put(name, problem);
    }

    /** The n-th panel that is not a row. */
    private static ObjectNode graph(ObjectNode dashboard, int n) {
        return (ObjectNode) DashboardLint.panels(dashboard).stream().filter(p -> !"row".equals(p.path("type").asText()))
                .skip(n).findFirst().orElseThrow();
    }

    private static JsonNode variable(ObjectNode dashboard, String name) {
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (name.equals(variable.path("name").asText())) {
                return variable;
            }
        }
        throw new AssertionError("no variable " + name);
    }

    private static void removeVariable(ObjectNode dashboard, String name) {
        ArrayNode list = (ArrayNode) dashboard.path("templating").path("list");
        for (int i = 0; i < list.size(); i++) {
            if (name.equals(list.get(i).path("name").asText())) {
                list.remove(i);
                return;
            }
        }
    }
}
