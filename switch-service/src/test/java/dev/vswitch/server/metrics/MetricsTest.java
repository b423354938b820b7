package dev.vswitch.server.metrics;

import dev.vswitch.protocol.Keepalive;
import dev.vswitch.protocol.MacAddress;
import dev.vswitch.protocol.keys.Keys;
import dev.vswitch.protocol.noise.X25519;
import dev.vswitch.protocol.offload.VirtioNetHeader;
import dev.vswitch.protocol.wire.WireFormat;
import dev.vswitch.server.session.EndpointInfo;
import dev.vswitch.server.ExternalTool;
import dev.vswitch.server.SwitchService;
import dev.vswitch.server.secure.SecureClient;
import dev.vswitch.switching.VirtualSwitch;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Traffic through the running switch, then /q/metrics: the counts are exact and the output is valid Prometheus. */
@QuarkusTest
class MetricsTest {

    @Inject
    SwitchService switchService;

    @Test
    void framesInAreCountedExactlyByNetworkAndKind() throws Exception {
        try (SecureClient a = SecureClient.joined(switchService.udpPort(), "office", 0x02_00_00_00_20_01L);
             SecureClient b = SecureClient.joined(switchService.udpPort(), "office", 0x02_00_00_00_20_02L)) {
            String before = scrape();
            int unicast = 25;
            int broadcast = 7;
            for (int i = 0; i < unicast; i++) {
                a.sendFrame(a.frameTo(b.mac, 100));
                b.receiveFrame();
            }
            for (int i = 0; i < broadcast; i++) {
                b.sendFrame(b.frameTo(MacAddress.BROADCAST, 60));
                a.receiveFrame();
            }
            String after = scrape();
            String frames = "vswitch_frames_received_total";
            assertEquals(unicast, value(after, frames, "unicast") - value(before, frames, "unicast"));
            assertEquals(broadcast, value(after, frames, "broadcast") - value(before, frames, "broadcast"));
            String sent = "vswitch_frames_sent_total";
            assertEquals(unicast, value(after, sent, "unicast") - value(before, sent, "unicast"), "each unicast sent once");
            String bytes = "vswitch_received_bytes_total";
            assertEquals(unicast * 100, value(after, bytes, "unicast") - value(before, bytes, "unicast"));
            assertTrue(value(after, "vswitch_handshakes_total", "confirmed") >= 2);
        }
    }

    /**
     * Finding 5 of issue 18: /q/metrics, which has no token, listed every client's public key and the legacy ports'
     * addresses. A port's series carries its number (the API maps it to its key) unless vswitch.metrics.endpoint-labels
     * is set (MetricsEndpointLabelsTest).
     */
    @Test
    void eachConnectedPortHasItsOwnTrafficSeriesNamedByNumberNotByKeyOrAddress() throws Exception {
        try (SecureClient a = SecureClient.joined(switchService.udpPort(), "office", 0x02_00_00_00_21_01L);
             SecureClient b = SecureClient.joined(switchService.udpPort(), "office", 0x02_00_00_00_21_02L)) {
            String key = Keys.encode(X25519.publicKey(a.privateKey));
            a.sendFrame(a.frameTo(b.mac, 700));
            b.receiveFrame();
            a.sendFrame(a.frameTo(b.mac, 300));
            b.receiveFrame();
            int port = switchService.inspect("office", network -> portOf(network, key), Duration.ofSeconds(2));
            String metrics = scrape();
            assertEquals(1000, portBytes(metrics, "office", Integer.toString(port)), "exactly the bytes of a's two frames");
            assertFalse(metrics.contains(key), "a's public key is in /q/metrics");
            assertFalse(metrics.contains(Keys.encode(X25519.publicKey(b.privateKey))), "b's public key is in /q/metrics");
            assertFalse(metrics.contains("127.0.0.1"), "an address is in /q/metrics");
        }
    }

    /**
     * A vport's port that took offload messages and then gets an ordinary keepalive ({@code --offload=auto} stopped
     * trusting the path) counts one fallback in its network; ordinary keepalives alone count none.
     */
    @Test
    void offloadFallbacksAreCountedByNetwork() throws Exception {
        try (SecureClient auto = SecureClient.joined(switchService.udpPort(), "office", 0x02_00_00_00_22_01L);
             SecureClient plain = SecureClient.joined(switchService.udpPort(), "office", 0x02_00_00_00_22_02L)) {
            String fallbacks = "vswitch_offload_fallbacks_total";
            long before = networkValue(scrape(), fallbacks, "office");
            long labBefore = networkValue(scrape(), fallbacks, "lab");
            byte[] offloadKeepalive = new byte[VirtioNetHeader.LENGTH + Keepalive.LENGTH];
            System.arraycopy(auto.keepaliveRequest(), 0, offloadKeepalive, VirtioNetHeader.LENGTH, Keepalive.LENGTH);
            auto.sendMessage(WireFormat.TYPE_DATA_OFFLOAD, offloadKeepalive);
            assertEquals(WireFormat.TYPE_DATA_OFFLOAD, auto.receiveMessage().type());
            auto.sendFrame(auto.keepaliveRequest());
            assertEquals(WireFormat.TYPE_DATA, auto.receiveMessage().type());
            for (int i = 0; i < 2; i++) {
                plain.sendFrame(plain.keepaliveRequest());
                plain.receiveFrame();
            }
            String after = scrape();
            assertEquals(1, networkValue(after, fallbacks, "office") - before);
            assertEquals(labBefore, networkValue(after, fallbacks, "lab"), "another network's count stays");
        }
    }

    /** The value of {@code name{network="network"}}, a series with the network label only. */
    private static long networkValue(String metrics, String name, String network) {
        Pattern series = Pattern.compile("^" + name + "\\{network=\"" + network + "\",?\\} (\\S+)$", Pattern.MULTILINE);
        Matcher matcher = series.matcher(metrics);
        assertTrue(matcher.find(), "no series " + name + " of network " + network + " in /q/metrics");
        return (long) Double.parseDouble(matcher.group(1));
    }

    /** The number of the port whose client has {@code key}. */
    static int portOf(VirtualSwitch<?> network, String key) {
        int[] found = {-1};
        network.ports().forEach(port -> {
            if (port.endpoint() instanceof EndpointInfo info && key.equals(info.clientKey())) {
                found[0] = port.id();
            }
        });
        return found[0];
    }

    /** The value of vswitch_port_received_bytes_total for one port. */
    static long portBytes(String metrics, String network, String port) {
        Pattern series = Pattern.compile("^vswitch_port_received_bytes_total\\{network=\"" + network + "\",port=\""
                + Pattern.quote(port) + "\",?\\} (\\S+)$", Pattern.MULTILINE); // the 0.0.4 text may end labels with a comma
        Matcher matcher = series.matcher(metrics);
        assertTrue(matcher.find(), "a series for port " + port + " in " + metrics.lines()
                .filter(line -> line.startsWith("vswitch_port_received_bytes_total")).toList());
        return (long) Double.parseDouble(matcher.group(1));
    }

    @Test
    void theOutputPassesPromtool() throws Exception {
        String promtool = ExternalTool.require("promtool", "prometheus");
        Path file = Files.createTempFile("vswitch-metrics", ".txt");
        try {
            Files.writeString(file, scrape());
            Process check = new ProcessBuilder(promtool, "check", "metrics").redirectInput(file.toFile())
                    .redirectErrorStream(true).start();
            assertTrue(check.waitFor(30, TimeUnit.SECONDS), "promtool finished");
            String output = new String(check.getInputStream().readAllBytes());
            assertEquals(0, check.exitValue(), "promtool check metrics found problems:\n" + output);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** The classic text format (0.0.4), the one promtool reads; Prometheus itself may negotiate OpenMetrics. */
    static String scrape() {
        return given().header("Accept", "text/plain; version=0.0.4").when().get("/q/metrics").then().statusCode(200)
                .extract().asString();
    }

    /** The value of {@code name{kind|result="label",network="office"}} (or, for handshakes, of result=label). */
    private static long value(String metrics, String name, String label) {
        Pattern line = Pattern.compile("^" + name + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
        Matcher matcher = line.matcher(metrics);
        while (matcher.find()) {
            String labels = matcher.group(1);
            boolean labelMatches = labels.contains("kind=\"" + label + "\"") || labels.contains("result=\"" + label + "\"");
            boolean networkMatches = !labels.contains("network=") || labels.contains("network=\"office\"");
            if (labelMatches && networkMatches) {
                return (long) Double.parseDouble(matcher.group(2));
            }
        }
        throw new AssertionError("no series " + name + " with " + label + " in /q/metrics");
    }
}
