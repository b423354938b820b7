package dev.vswitch.server.dashboard;

import static org.awaitility.Awaitility.await;

import org.awaitility.core.ConditionTimeoutException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A real Prometheus, run as a child process on loopback with its own config and TSDB in a temporary directory,
 * scraping one target every second. {@link #close} stops it and deletes the directory.
 */
final class PrometheusServer implements AutoCloseable {

    static final String JOB = "vswitch";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final Path log;
    private final Process process;
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private PrometheusServer(Path dir, Path log, Process process, URI base) {
        this.dir = dir;
        this.log = log;
        this.process = process;
        this.base = base;
    }

    /** Starts {@code binary} scraping {@code target} (host:port) at {@code metricsPath}. */
    static PrometheusServer start(String binary, String target, String metricsPath) throws IOException {
        Path dir = Files.createTempDirectory("vswitch-prometheus");
        try {
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      scrape_interval: 1s
                      scrape_timeout: 1s
                      evaluation_interval: 1s
                    scrape_configs:
                      - job_name: %s
                        metrics_path: %s
                        static_configs:
                          - targets: ['%s']
                    """.formatted(JOB, metricsPath, target));
            Path data = Files.createDirectory(dir.resolve("data"));
            Path log = dir.resolve("prometheus.log");
            int port = freeLoopbackPort();
            Process process = new ProcessBuilder(binary,
                    "--config.file=" + config,
                    "--storage.tsdb.path=" + data,
                    "--web.listen-address=127.0.0.1:" + port,
                    "--log.level=warn")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            return new PrometheusServer(dir, log, process, URI.create("http://127.0.0.1:" + port));
        } catch (IOException | RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
    }

    /** Runs an instant query at the current time; returns the whole response ({@code status}, {@code data}, ...). */
    JsonNode query(String expr) throws IOException, InterruptedException {
        String form = "query=" + java.net.URLEncoder.encode(expr, StandardCharsets.UTF_8)
                + "&time=" + (System.currentTimeMillis() / 1000.0);
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/v1/query")).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("Prometheus answered HTTP " + response.statusCode() + " with no JSON: " + response.body(), e);
        }
    }

    /**
     * Polls {@code expr} every 250 ms until {@code done} holds for its response, for at most {@code timeout};
     * fails naming {@code what} it waited for, with the last answer and Prometheus's log.
     */
    JsonNode awaitQuery(String what, String expr, Predicate<JsonNode> done, Duration timeout) {
        AtomicReference<String> last = new AtomicReference<>("no answer");
        try {
            return await(what).atMost(timeout).pollInterval(Duration.ofMillis(250)).until(() -> {
                if (!process.isAlive()) {
                    throw new AssertionError("Prometheus exited (" + process.exitValue() + ") while waiting for " + what
                            + ":\n" + log());
                }
                try {
                    JsonNode response = query(expr);
                    last.set(response.toString());
                    return response;
                } catch (IOException e) {
                    last.set(e.toString()); // not listening yet
                    return null;
                }
            }, response -> response != null && done.test(response));
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("waited " + timeout.toSeconds() + " s for " + what + " (" + expr + "); last answer: "
                    + last.get() + "\nPrometheus log:\n" + log());
        }
    }

    /** The first sample value of an instant-vector response, NaN if none. */
    static double firstValue(JsonNode response) {
        JsonNode result = response.path("data").path("result");
        return result.isEmpty() ? Double.NaN : Double.parseDouble(result.get(0).path("value").get(1).asText());
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws IOException {
        try {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            deleteTree(dir);
        }
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
