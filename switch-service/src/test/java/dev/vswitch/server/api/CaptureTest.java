package dev.vswitch.server.api;

import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.server.ExternalTool;
import dev.vswitch.server.SwitchService;
import dev.vswitch.server.secure.SecureClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A live capture during a ping, read by the real tshark: it finds every ICMP echo request. */
@QuarkusTest
class CaptureTest {

    private static final int PINGS = 5;

    @Inject
    SwitchService switchService;

    @TestHTTPResource("/api/v1/networks/lab/capture?count=" + PINGS + "&seconds=20")
    URI capture;

    @Test
    void tsharkReadsTheStreamAndFindsTheEchoRequests() throws Exception {
        String tshark = ExternalTool.require("tshark", "tshark");
        try (SecureClient a = SecureClient.joined(switchService.udpPort(), "lab", 0x02_00_00_00_40_01L);
             SecureClient b = SecureClient.joined(switchService.udpPort(), "lab", 0x02_00_00_00_40_02L)) {
            HttpRequest request = HttpRequest.newBuilder(capture).header("Authorization", "Bearer test-api-token-not-a-secret").build();
            CompletableFuture<HttpResponse<InputStream>> stream = HttpClient.newHttpClient()
                    .sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
            HttpResponse<InputStream> response = stream.get(10, TimeUnit.SECONDS);
            assertEquals(200, response.statusCode());
            for (int seq = 1; seq <= PINGS; seq++) {
                a.sendFrame(icmpEchoRequest(b.mac, a.mac, seq));
                b.receiveFrame();
            }
            byte[] pcap = response.body().readAllBytes();
            Process reader = new ProcessBuilder(tshark, "-r", "-", "-Y", "icmp.type == 8", "-T", "fields", "-e", "icmp.seq")
                    .redirectErrorStream(false).start();
            reader.getOutputStream().write(pcap);
            reader.getOutputStream().close();
            String seqs = new String(reader.getInputStream().readAllBytes()).trim();
            assertTrue(reader.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, reader.exitValue(), new String(reader.getErrorStream().readAllBytes()));
            assertEquals("1\n2\n3\n4\n5", seqs, "tshark sees the five echo requests in order");
        }
    }

    /** Ethernet + IPv4 (198.19.0.1 -> 198.19.0.2) + ICMP echo request with 16 bytes of data. */
    private static byte[] icmpEchoRequest(long destination, long source, int seq) {
        ByteBuffer frame = ByteBuffer.allocate(14 + 20 + 8 + 16);
        EthernetFrame.writeMac(frame, 0, destination);
        EthernetFrame.writeMac(frame, 6, source);
        frame.putShort(12, (short) 0x0800);
        frame.position(14);
        frame.put((byte) 0x45).put((byte) 0).putShort((short) 44).putShort((short) seq).putShort((short) 0)
                .put((byte) 64).put((byte) 1).putShort((short) 0)
                .put(new byte[] {(byte) 198, 19, 0, 1}).put(new byte[] {(byte) 198, 19, 0, 2});
        frame.putShort(24, checksum(frame.array(), 14, 20));
        frame.put((byte) 8).put((byte) 0).putShort((short) 0).putShort((short) 1).putShort((short) seq);
        frame.put(new byte[16]);
        frame.putShort(36, checksum(frame.array(), 34, 24));
        return frame.array();
    }

    private static short checksum(byte[] data, int offset, int length) {
        long sum = 0;
        for (int i = offset; i < offset + length; i += 2) {
            sum += ((data[i] & 0xFF) << 8) | (data[i + 1] & 0xFF);
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (short) ~sum;
    }
}
