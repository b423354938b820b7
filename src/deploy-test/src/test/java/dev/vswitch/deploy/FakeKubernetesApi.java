package dev.vswitch.deploy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * A stand-in for the Kubernetes API on the loopback address, for Helm's {@code lookup}: helm-java's template
 * command looks objects up in the cluster that KUBECONFIG names (the helm CLI's does not). It answers the
 * discovery of the core group and GETs of the objects a test put in, 404 to everything else, and records every
 * request, so a test can show that nothing but look-ups happened. Nothing here leaves 127.0.0.1.
 */
final class FakeKubernetesApi {

    private static final String CORE_RESOURCES = """
            {"kind":"APIResourceList","apiVersion":"v1","groupVersion":"v1","resources":[
             {"name":"secrets","singularName":"secret","namespaced":true,"kind":"Secret","verbs":["get","list"]},
             {"name":"configmaps","singularName":"configmap","namespaced":true,"kind":"ConfigMap","verbs":["get","list"]}]}
            """;
    private static final String VERSION = """
            {"major":"1","minor":"30","gitVersion":"v1.30.0","platform":"linux/amd64"}
            """;
    private static final String CORE_VERSIONS = """
            {"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[]}
            """;
    private static final String NO_GROUPS = """
            {"kind":"APIGroupList","apiVersion":"v1","groups":[]}
            """;
    private static final String NOT_FOUND = """
            {"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","reason":"NotFound","code":404,
             "message":"not found"}
            """;

    private static FakeKubernetesApi instance;

    private final HttpServer server;
    private final Map<String, String> objects = new ConcurrentHashMap<>();
    /** Helm's release records (Secrets of type helm.sh/release.v1), listed by namespace. */
    private final Map<String, List<String>> releases = new ConcurrentHashMap<>();
    private final List<String> requests = new ArrayList<>();

    private FakeKubernetesApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "fake-kubernetes-api");
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
    }

    /**
     * The one instance of this JVM, started on first use, with its kubeconfig written where the KUBECONFIG
     * environment variable (set by the pom before the Helm library loads) points.
     */
    static synchronized FakeKubernetesApi get() {
        if (instance == null) {
            String kubeconfig = System.getenv("KUBECONFIG");
            if (kubeconfig == null || !kubeconfig.endsWith("fake-kubernetes-api.kubeconfig")) {
                throw new IllegalStateException("KUBECONFIG must name target/fake-kubernetes-api.kubeconfig, as the pom sets it,"
                        + " so that Helm's lookup never reaches a real cluster; it is " + kubeconfig);
            }
            try {
                instance = new FakeKubernetesApi();
                Path file = Path.of(kubeconfig);
                Files.createDirectories(file.toAbsolutePath().getParent());
                Files.writeString(file, """
                        apiVersion: v1
                        kind: Config
                        clusters:
                          - name: fake
                            cluster:
                              server: http://127.0.0.1:%d
                        contexts:
                          - name: fake
                            context:
                              cluster: fake
                        current-context: fake
                        users: []
                        """.formatted(instance.server.getAddress().getPort()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    /** Serves {@code json} at {@code path}, e.g. /api/v1/namespaces/NS/secrets/NAME. */
    void put(String path, String json) {
        objects.put(path, json);
    }

    /**
     * Serves Helm's record of a deployed release (its storage driver lists Secrets labelled owner=helm), so that
     * `helm upgrade` finds it: revision 1 of chart vswitch, with no objects.
     */
    void putRelease(String namespace, String name) {
        String release = """
                {"name":"%s","namespace":"%s","version":1,"config":{},"manifest":"",
                 "info":{"status":"deployed","first_deployed":"2026-01-01T00:00:00Z","last_deployed":"2026-01-01T00:00:00Z",
                         "description":"Install complete"},
                 "chart":{"metadata":{"apiVersion":"v2","name":"vswitch","version":"0.2.1","appVersion":"0.1.0"},"values":{}}}
                """.formatted(name, namespace);
        java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(zipped)) {
            gzip.write(release.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
        String stored = b64.encodeToString(b64.encodeToString(zipped.toByteArray()).getBytes(StandardCharsets.US_ASCII));
        String secret = """
                {"apiVersion":"v1","kind":"Secret","type":"helm.sh/release.v1",
                 "metadata":{"name":"sh.helm.release.v1.%s.v1","namespace":"%s",
                             "labels":{"name":"%s","owner":"helm","status":"deployed","version":"1"}},
                 "data":{"release":"%s"}}
                """.formatted(name, namespace, name, stored);
        releases.computeIfAbsent(namespace, n -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(secret);
    }

    void clear() {
        objects.clear();
        releases.clear();
        synchronized (requests) {
            requests.clear();
        }
    }

    /** "METHOD PATH" of each request since the last {@link #clear()}. */
    List<String> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        synchronized (requests) {
            requests.add(method + " " + path);
        }
        String body = NOT_FOUND;
        int status = 404;
        java.util.regex.Matcher secretList = java.util.regex.Pattern.compile("/api/v1/namespaces/([^/]+)/secrets").matcher(path);
        if ("GET".equals(method) && "/api/v1".equals(path)) {
            body = CORE_RESOURCES;
            status = 200;
        } else if ("GET".equals(method) && "/version".equals(path)) {
            body = VERSION;
            status = 200;
        } else if ("GET".equals(method) && "/api".equals(path)) {
            body = CORE_VERSIONS;
            status = 200;
        } else if ("GET".equals(method) && "/apis".equals(path)) {
            body = NO_GROUPS;
            status = 200;
        } else if ("GET".equals(method) && secretList.matches() && String.valueOf(exchange.getRequestURI().getQuery()).contains("owner=helm")) {
            body = """
                    {"kind":"SecretList","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[%s]}
                    """.formatted(String.join(",", releases.getOrDefault(secretList.group(1), List.of())));
            status = 200;
        } else if ("GET".equals(method) && objects.containsKey(path)) {
            body = objects.get(path);
            status = 200;
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
