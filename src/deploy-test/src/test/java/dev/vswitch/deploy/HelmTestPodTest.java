package dev.vswitch.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The `helm test` hook pod (templates/tests/): its wiring, and its script run for real with bash against a
 * stand-in switch on the loopback address (an HTTP readiness endpoint and a UDP port that answers a handshake
 * initiation as docs/protocol.md says the switch does: a 12-byte refusal, type 6, echoing the sender index).
 */
class HelmTestPodTest {

    @Test
    void theTestPodAsksTheServicesOfTheRelease() {
        Chart.Rendered rendered = Chart.render("{}");
        assertTrue(rendered.objects().stream().noneMatch(o -> "Pod".equals(o.path("kind").asText())), "the test pod is a hook, not installed");
        String template = readTemplate();
        assertTrue(template.contains("helm.sh/hook: test\n"), template);
        assertTrue(template.contains("helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded\n"), template);
        Pod pod = testPod("{}");
        assertEquals("Never", pod.getSpec().getRestartPolicy());
        assertEquals("vswitch/switch:0.1.0", pod.getSpec().getContainers().get(0).getImage(), "the switch's own image");
        Map<String, String> env = env(pod.getSpec().getContainers().get(0));
        assertEquals("demo-vswitch-http.net.svc.cluster.local:8080", env.get("VSWITCH_HEALTH"));
        assertEquals("demo-vswitch.net.svc.cluster.local:9999", env.get("VSWITCH_UDP"));
        assertEquals("true", env.get("VSWITCH_EXPECT_REFUSAL"));
        assertTrue(ApiRules.check(List.of(pod)).isEmpty(), ApiRules.check(List.of(pod)).toString());
        assertTrue(pod.getMetadata().getLabels().get("app.kubernetes.io/name") == null, "no Service selects the test pod");

        Map<String, String> split = env(testPod("switch: {managementPort: 9000}\nservice: {port: 443}").getSpec().getContainers().get(0));
        assertEquals("demo-vswitch-http.net.svc.cluster.local:9000", split.get("VSWITCH_HEALTH"));
        assertEquals("demo-vswitch.net.svc.cluster.local:443", split.get("VSWITCH_UDP"));
        assertEquals("false", env(testPod("switch: {config: {vswitch.handshakes.explain-refusals: false}}")
                .getSpec().getContainers().get(0)).get("VSWITCH_EXPECT_REFUSAL"));
        assertTrue(Chart.renderTestHooks("tests: {enabled: false}").isEmpty());
    }

    @Test
    void theScriptPassesAgainstAWorkingSwitch() throws Exception {
        try (StandIn standIn = new StandIn(200, true)) {
            Run run = runScript(standIn);
            assertEquals(0, run.code(), run.output());
            assertTrue(run.output().contains("/q/health/ready answered: HTTP/1.1 200"), run.output());
            assertTrue(run.output().contains("answered the handshake (refused it, reason 01, as a switch does)"), run.output());
            assertEquals(1, standIn.initiations.size(), "one initiation: " + standIn.initiations);
            byte[] initiation = standIn.initiations.get(0);
            assertEquals(180, initiation.length, "a whole initiation in one datagram");
            assertEquals(List.of((byte) 1, (byte) 1, (byte) 0, (byte) 0), List.of(initiation[0], initiation[1], initiation[2], initiation[3]));
        }
    }

    @Test
    void theScriptFailsWhenTheUdpServiceIsSilent() throws Exception {
        try (StandIn standIn = new StandIn(200, false)) {
            Run run = runScript(standIn);
            assertEquals(1, run.code(), run.output());
            assertTrue(run.output().contains("did not answer a handshake initiation in 3 tries"), run.output());
        }
    }

    @Test
    void theScriptFailsWhenTheSwitchIsNotReady() throws Exception {
        try (StandIn standIn = new StandIn(503, true)) {
            Run run = runScript(standIn);
            assertEquals(1, run.code(), run.output());
            assertTrue(run.output().contains("/q/health/ready answered 'HTTP/1.1 503 Service Unavailable', not 200"), run.output());
        }
    }

    private static Pod testPod(String values) {
        List<HasMetadata> hooks = new ArrayList<>();
        for (JsonNode hook : Chart.renderTestHooks(values)) {
            hooks.add(KubernetesModels.validate(hook));
        }
        assertEquals(1, hooks.size(), "one test hook");
        return (Pod) hooks.get(0);
    }

    private static String readTemplate() {
        try {
            return java.nio.file.Files.readString(Repo.chart().resolve("templates/tests/test-connection.yaml"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Map<String, String> env(Container container) {
        return container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    }

    private record Run(int code, String output) {
    }

    /** The test pod's own command, run here with bash with the addresses of the stand-in. */
    private static Run runScript(StandIn standIn) throws Exception {
        String bash = ExternalTool.require("bash", "bash");
        Container container = testPod("{}").getSpec().getContainers().get(0);
        List<String> command = new ArrayList<>(container.getCommand());
        assertEquals(List.of("/bin/bash", "-c"), command.subList(0, 2));
        command.set(0, bash);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("VSWITCH_HEALTH", "127.0.0.1:" + standIn.http.getAddress().getPort());
        builder.environment().put("VSWITCH_UDP", "127.0.0.1:" + standIn.udp.getLocalPort());
        builder.environment().put("VSWITCH_EXPECT_REFUSAL", "true");
        Process process = builder.start();
        process.getOutputStream().close();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the test script finished");
        return new Run(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    /** A switch as the test pod sees it, on 127.0.0.1: /q/health/ready with a status, and a UDP port that answers or not. */
    private static final class StandIn implements AutoCloseable {
        final HttpServer http;
        final DatagramSocket udp;
        final List<byte[]> initiations = java.util.Collections.synchronizedList(new ArrayList<>());
        private final Thread responder;

        StandIn(int readiness, boolean answers) throws IOException {
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            http.createContext("/q/health/ready", exchange -> {
                byte[] body = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(readiness, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            http.start();
            udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            responder = new Thread(() -> {
                byte[] buffer = new byte[2048];
                while (!udp.isClosed()) {
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    try {
                        udp.receive(packet);
                    } catch (SocketException closed) {
                        return;
                    } catch (IOException e) {
                        return;
                    }
                    byte[] data = Arrays.copyOf(packet.getData(), packet.getLength());
                    initiations.add(data);
                    // docs/protocol.md: an initiation (type 1, 180 bytes) whose mac1 is wrong gets type 6, reason 1.
                    if (answers && data.length == 180 && data[0] == 1 && data[1] == 1) {
                        byte[] refusal = {6, 1, 0, 0, data[4], data[5], data[6], data[7], 1, 0, 0, 0};
                        try {
                            udp.send(new DatagramPacket(refusal, refusal.length, packet.getSocketAddress()));
                        } catch (IOException e) {
                            return;
                        }
                    }
                }
            }, "stand-in-switch-udp");
            responder.setDaemon(true);
            responder.start();
        }

        @Override
        public void close() throws InterruptedException {
            http.stop(0);
            udp.close();
            responder.join(5000);
        }
    }
}
