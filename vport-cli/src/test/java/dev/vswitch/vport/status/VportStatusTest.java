package dev.vswitch.vport.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vswitch.vport.link.LinkCounters;
import dev.vswitch.vport.link.LinkState;
import dev.vswitch.vport.link.PathProof;
import dev.vswitch.vport.link.RttMeter;
import dev.vswitch.vport.values.HostPort;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The status model: built from a link's state and counters, as JSON both ways ({@link StatusJson}), and as one line
 * for people ({@link StatusSummary}).
 */
class VportStatusTest {

    private static final Instant STARTED = Instant.parse("2025-03-01T09:59:18.001Z");
    private static final Instant NOW = Instant.parse("2025-03-01T10:00:00.456789Z");
    private static final VportStatus.Identity SECURE = new VportStatus.Identity("tapyuan", VportStatus.Mode.SECURE,
            HostPort.parse("switch.lan:9999"), "lab", 4242, STARTED);
    private static final VportStatus.Identity LEGACY = new VportStatus.Identity("vswb", VportStatus.Mode.LEGACY,
            HostPort.parse("198.18.1.1:9999"), null, 4243, STARTED);

    @Test
    void aConnectedSecureLinkWithEveryField() throws Exception {
        LinkCounters counters = new LinkCounters();
        for (int i = 0; i < 3400; i++) {
            counters.tapWrite(true, 370);
        }
        counters.sentToSwitch(1400);
        counters.keepaliveSent();
        counters.keepaliveReceived();
        counters.drop(LinkCounters.Drop.FORGED);
        RttMeter rtt = new RttMeter();
        rtt.requestSent(0);
        rtt.replyReceived(412_345);
        LinkState link = new LinkState(true, LinkState.Phase.CONNECTED, address("198.18.1.1", 9999), Duration.ofMillis(400),
                Duration.ofSeconds(42), Duration.ofMillis(42_300), rtt.reading(), null,
                new PathProof.Reading(PathProof.Mode.AUTO, PathProof.Verdict.FELL_BACK, 1, 9, 7),
                List.of(new LinkState.Peer("a2V5", 0x02_00_00_00_00_02L, address("198.18.5.1", 61000),
                        List.of(address("198.18.2.2", 40000)), Duration.ofMillis(3250))));

        VportStatus status = VportStatus.of(SECURE, link, counters, NOW);
        assertEquals("198.18.1.1:9999", status.switchAddress());
        assertEquals(42, status.sessionAgeSeconds());
        assertEquals(NOW.minusMillis(42_300), status.lastHandshake());
        assertEquals(0.412345, status.rttMillis(), 1e-9);
        assertEquals(new VportStatus.Traffic(3400, 3400 * 370), status.fromSwitch());
        assertEquals(new VportStatus.Traffic(1, 1400), status.toSwitch());
        assertEquals(1, status.drops().get("forged"));
        assertEquals(LinkCounters.Drop.values().length, status.drops().size(), "every reason, also those at 0");

        String json = StatusJson.write(status);
        assertEquals("""
                {
                  "format": 1,
                  "tap": "tapyuan",
                  "mode": "secure",
                  "switch": "switch.lan:9999",
                  "switch_address": "198.18.1.1:9999",
                  "network": "lab",
                  "connected": true,
                  "state": "connected",
                  "session_age_seconds": 42,
                  "last_handshake": "2025-03-01T09:59:18.156Z",
                  "seconds_since_heard": 0.4,
                  "rtt_ms": 0.412,
                  "rtt_smoothed_ms": 0.412,
                  "to_switch": {
                    "frames": 1,
                    "bytes": 1400
                  },
                  "from_switch": {
                    "frames": 3400,
                    "bytes": 1258000
                  },
                  "keepalives": {
                    "sent": 1,
                    "answered": 1
                  },
                  "offload": {
                    "mode": "auto",
                    "path": "fell back",
                    "fallbacks": 1,
                    "probes_sent": 9,
                    "probes_answered": 7
                  },
                  "peers": [
                    {
                      "key": "a2V5",
                      "mac": "02:00:00:00:00:02",
                      "endpoint": "198.18.5.1:61000",
                      "local": [
                        "198.18.2.2:40000"
                      ],
                      "path": "relayed",
                      "why": "not tried yet",
                      "direct": null,
                      "rtt_ms": null,
                      "seconds_since_introduced": 3.25
                    }
                  ],
                  "drops": {
                    "oversize": 0,
                    "runt": 0,
                    "switch-unreachable": 0,
                    "link-error": 0,
                    "tap-write-failed": 0,
                    "no-session": 0,
                    "forged": 1,
                    "replayed": 0,
                    "too-old": 0,
                    "unknown-session": 0,
                    "malformed": 0,
                    "stranger": 0
                  },
                  "pid": 4242,
                  "started_at": "2025-03-01T09:59:18.001Z",
                  "updated_at": "2025-03-01T10:00:00.456Z"
                }
                """, json);

        assertEquals("tapyuan: connected to switch.lan:9999 (198.18.1.1:9999, network lab), session 42 s, rtt 0.41 ms (avg 0.41 ms),"
                + " in 1.2 MiB / 3400 frames, out 1.4 KiB / 1 frame, offload auto: path fell back (1 fallback to path-MTU"
                + " datagrams), peer 02:00:00:00:00:02 at 198.18.5.1:61000 relayed (not tried yet), dropped forged=1",
                StatusSummary.line(status));
        assertEquals(status.peers(), StatusJson.read(json).peers(), "the peers read back");
        assertEquals(status.offload(), StatusJson.read(json).offload(), "the offload member reads back");
    }

    @Test
    void theJsonReadsBackToTheSameStatusAtTheFilesPrecision() {
        VportStatus written = VportStatus.of(SECURE, new LinkState(true, LinkState.Phase.CONNECTED, address("198.18.1.1", 9999),
                Duration.ofMillis(1234), Duration.ofSeconds(7), Duration.ofSeconds(7), new RttMeter.Reading(0.5, 0.25, 3)),
                new LinkCounters(), NOW);
        VportStatus read = StatusJson.read(StatusJson.write(written));
        assertEquals(written.tap(), read.tap());
        assertEquals(written.mode(), read.mode());
        assertEquals(written.switchTarget(), read.switchTarget());
        assertEquals(written.switchAddress(), read.switchAddress());
        assertEquals("lab", read.network());
        assertTrue(read.connected());
        assertEquals("connected", read.state());
        assertEquals(7L, read.sessionAgeSeconds());
        assertEquals(Instant.parse("2025-03-01T09:59:53.456Z"), read.lastHandshake());
        assertEquals(1.234, read.secondsSinceHeard());
        assertEquals(0.5, read.rttMillis());
        assertEquals(0.25, read.rttSmoothedMillis());
        assertEquals(written.drops(), read.drops());
        assertEquals(4242, read.pid());
        assertEquals(STARTED, read.startedAt());
        assertEquals(Instant.parse("2025-03-01T10:00:00.456Z"), read.updatedAt());
        assertEquals(StatusJson.write(written), StatusJson.write(read), "nothing lost at the file's precision");
    }

    @Test
    void theLegacyFormatHasNoNetworkSessionOrHandshake() {
        VportStatus status = VportStatus.of(LEGACY, new LinkState(true, LinkState.Phase.CONNECTED, address("198.18.1.1", 9999),
                Duration.ZERO, null, null, new RttMeter.Reading(12.345, 11.0, 2)), new LinkCounters(), NOW);
        String json = StatusJson.write(status);
        assertTrue(json.contains("\"mode\": \"legacy\""), json);
        assertTrue(json.contains("\"network\": null"), json);
        assertTrue(json.contains("\"session_age_seconds\": null"), json);
        assertTrue(json.contains("\"last_handshake\": null"), json);
        VportStatus read = StatusJson.read(json);
        assertNull(read.network());
        assertNull(read.sessionAgeSeconds());
        assertNull(read.lastHandshake());
        assertEquals("vswb: connected to 198.18.1.1:9999 (legacy), rtt 12.3 ms (avg 11.0 ms), in 0 B / 0 frames, out 0 B / 0 frames",
                StatusSummary.line(read));
    }

    @Test
    void aLinkNotConnectedSaysWhatItIsDoing() {
        VportStatus starting = VportStatus.of(SECURE, new LinkState(false, LinkState.Phase.CONNECTING, address("198.18.1.1", 9999),
                null, null, null, new RttMeter.Reading(Double.NaN, Double.NaN, 0)), new LinkCounters(), NOW);
        assertTrue(StatusJson.write(starting).contains("\"rtt_ms\": null"), StatusJson.write(starting));
        assertTrue(StatusJson.write(starting).contains("\"seconds_since_heard\": null"), StatusJson.write(starting));
        assertEquals("tapyuan: not connected to switch.lan:9999 (198.18.1.1:9999, network lab): connecting, nothing heard yet,"
                + " rtt not measured yet, in 0 B / 0 frames, out 0 B / 0 frames", StatusSummary.line(starting));

        VportStatus silent = VportStatus.of(LEGACY, new LinkState(false, LinkState.Phase.SILENT, address("198.18.1.1", 9999),
                Duration.ofSeconds(23), null, null, new RttMeter.Reading(0.3, 0.3, 1)), new LinkCounters(), NOW);
        assertEquals("vswb: not connected to 198.18.1.1:9999 (legacy): silent, last heard 23 s ago, rtt 0.30 ms (avg 0.30 ms),"
                + " in 0 B / 0 frames, out 0 B / 0 frames", StatusSummary.line(silent));
    }

    @Test
    void anIpv6SwitchIsWrittenInBracketsInItsShortForm() throws Exception {
        VportStatus status = VportStatus.of(SECURE, new LinkState(true, LinkState.Phase.CONNECTED,
                new InetSocketAddress(InetAddress.getByName("2001:db8:0:0:1:0:0:1"), 53), Duration.ZERO, null, null,
                new RttMeter.Reading(Double.NaN, Double.NaN, 0)), new LinkCounters(), NOW);
        assertEquals("[2001:db8::1:0:0:1]:53", status.switchAddress());
    }

    @Test
    void aDamagedFileIsRefusedNamingWhatIsWrong() {
        String good = StatusJson.write(VportStatus.of(LEGACY, new LinkState(true, LinkState.Phase.CONNECTED, address("198.18.1.1", 9999),
                Duration.ZERO, null, null, new RttMeter.Reading(Double.NaN, Double.NaN, 0)), new LinkCounters(), NOW));
        Map<String, String> damaged = Map.of(
                good.substring(0, good.length() / 2), "not valid JSON",
                "[]", "not a JSON object",
                good.replace("\"tap\": \"vswb\",", ""), "no \"tap\"",
                good.replace("\"pid\": 4243", "\"pid\": \"4243\""), "\"pid\" is not a whole number",
                good.replace("\"connected\": true", "\"connected\": 1"), "\"connected\" is not true or false",
                good.replace("\"mode\": \"legacy\"", "\"mode\": \"fast\""), "unknown mode \"fast\"",
                good.replace("2025-03-01T09:59:18.001Z", "yesterday"), "\"started_at\" is not an ISO-8601 time",
                good.replace("\"sent\": 0", "\"sent\": 0.5"), "\"keepalives.sent\" is not a whole number");
        damaged.forEach((text, why) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StatusJson.read(text), why);
            assertTrue(e.getMessage().contains(why), why + " in: " + e.getMessage());
        });
    }

    @Test
    void aReaderIgnoresWhatANewerWriterAddsAndCountsWhatItLeftOutAsZero() {
        VportStatus read = StatusJson.read("""
                {"format": 2, "tap": "t", "mode": "legacy", "switch": "h:1", "connected": false, "pid": 1, "future": [1, {"x": null}]}
                """);
        assertEquals("t", read.tap());
        assertFalse(read.connected());
        assertEquals(new VportStatus.Traffic(0, 0), read.toSwitch());
        assertEquals(Map.of(), read.drops());
    }

    private static InetSocketAddress address(String host, int port) throws RuntimeException {
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
