package dev.vswitch.server.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vswitch.protocol.wire.HandshakeRefusal;
import dev.vswitch.protocol.wire.WireFormat;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged switch stopped as Kubernetes stops a pod, with SIGTERM and {@code vswitch.shutdown.drain} set: readiness
 * goes down at once, the UDP port still answers throughout the drain, and only then does the switch stop.
 */
class SwitchDrainIT {

    private static final Pattern UDP_PORT = Pattern.compile("vswitch listening on udp [^ ]+:(\\d+) ");
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path workDir;

    @Test
    void onSigtermTheSwitchIsNotReadyAtOnceKeepsAnsweringForTheDrainThenStops() throws Exception {
        List<String> options = new ArrayList<>(SwitchProcess.loopbackOptions(workDir.resolve("keys")));
        options.add("-Dvswitch.shutdown.drain=4s");
        try (SwitchProcess vswitch = SwitchProcess.start(SwitchProcess.command(options, List.of()), workDir, Map.of());
             DatagramSocket client = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            int httpPort = vswitch.awaitStartedHttpPort();
            Matcher udp = UDP_PORT.matcher(vswitch.awaitLine(line -> UDP_PORT.matcher(line).find(), WAIT));
            assertTrue(udp.find());
            int udpPort = Integer.parseInt(udp.group(1));
            assertEquals(200, readiness(httpPort));

            vswitch.terminate();
            vswitch.awaitLine(line -> line.contains("shutting down: draining for 4 s"), WAIT);
            assertEquals(503, readiness(httpPort), "not ready from the start of the drain");
            client.setSoTimeout((int) WAIT.toMillis());
            assertEquals(HandshakeRefusal.Reason.UNKNOWN_SWITCH_KEY, refusalOfJunk(client, udpPort),
                    "still answering on udp during the drain");
            assertTrue(vswitch.isAlive(), "still running during the drain");
            vswitch.awaitExit(WAIT);
            List<String> lines = vswitch.lines();
            assertTrue(lines.stream().anyMatch(line -> line.contains("stopped in")), vswitch.output());
        }
    }

    private static int readiness(int httpPort) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + httpPort + "/q/health/ready")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode();
    }

    /** An initiation for a key the switch does not hold: a live switch answers it with a 12-byte refusal. */
    private static HandshakeRefusal.Reason refusalOfJunk(DatagramSocket client, int udpPort) throws Exception {
        byte[] junk = new byte[WireFormat.INITIATION_LENGTH];
        ByteBuffer.wrap(junk).put(WireFormat.TYPE_INITIATION).put(WireFormat.VERSION).putShort((short) 0).putInt(7);
        client.send(new DatagramPacket(junk, junk.length, new InetSocketAddress(InetAddress.getLoopbackAddress(), udpPort)));
        DatagramPacket answer = new DatagramPacket(new byte[64], 64);
        client.receive(answer);
        byte[] refusal = Arrays.copyOf(answer.getData(), answer.getLength());
        assertEquals(7, HandshakeRefusal.receiverIndexOf(refusal));
        return HandshakeRefusal.reasonOf(refusal);
    }
}
