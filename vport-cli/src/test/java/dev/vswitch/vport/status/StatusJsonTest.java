package dev.vswitch.vport.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The status file's JSON itself: its layout, its numbers and strings, and how strictly it is read. */
class StatusJsonTest {

    /** A status file with {@code member} (e.g. {@code "x": 1}) added before the last member. */
    private static String withMember(String member) {
        return """
                {"tap": "t", "mode": "legacy", "switch": "h:1", "connected": true, %s, "pid": 1}
                """.formatted(member);
    }

    private static VportStatus status(String tap, Double rttMillis, Map<String, Long> drops) {
        return new VportStatus(tap, VportStatus.Mode.LEGACY, "h:1", null, null, false, null, null, null, null, rttMillis, null,
                new VportStatus.Traffic(3, 180), new VportStatus.Traffic(0, 0), 0, 0, null, List.of(), drops, 1, null,
                Instant.parse("2025-03-01T10:00:00Z"));
    }

    @Test
    void writesMembersInOrderOneALineAndEmptyObjectsAsBraces() {
        assertEquals("""
                {
                  "format": 1,
                  "tap": "t",
                  "mode": "legacy",
                  "switch": "h:1",
                  "switch_address": null,
                  "network": null,
                  "connected": false,
                  "state": null,
                  "session_age_seconds": null,
                  "last_handshake": null,
                  "seconds_since_heard": null,
                  "rtt_ms": 0.412,
                  "rtt_smoothed_ms": null,
                  "to_switch": {
                    "frames": 3,
                    "bytes": 180
                  },
                  "from_switch": {
                    "frames": 0,
                    "bytes": 0
                  },
                  "keepalives": {
                    "sent": 0,
                    "answered": 0
                  },
                  "offload": null,
                  "peers": [],
                  "drops": {},
                  "pid": 1,
                  "started_at": null,
                  "updated_at": "2025-03-01T10:00:00Z"
                }
                """, StatusJson.write(status("t", 0.41234, Map.of())));
    }

    @Test
    void peersAreWrittenAndReadBackAndAFileWithoutThemHasNone() {
        VportStatus base = status("t", 1.0, Map.of());
        VportStatus withPeers = new VportStatus(base.tap(), base.mode(), base.switchTarget(), base.switchAddress(),
                base.network(), base.connected(), base.state(), base.sessionAgeSeconds(), base.lastHandshake(),
                base.secondsSinceHeard(), base.rttMillis(), base.rttSmoothedMillis(), base.toSwitch(), base.fromSwitch(),
                base.keepalivesSent(), base.keepalivesAnswered(), base.offload(),
                List.of(new VportStatus.Peer("a2V5", "02:00:00:00:00:02", "198.18.0.2:40000",
                        List.of("198.18.1.2:40000", "[2001:db8::2]:40000"), "direct", "answered at 198.18.1.2:40000",
                        "198.18.1.2:40000", 0.42, 3.25)),
                base.drops(), base.pid(), base.startedAt(), base.updatedAt());
        String written = StatusJson.write(withPeers);
        assertTrue(written.contains("\"endpoint\": \"198.18.0.2:40000\""), written);
        assertEquals(withPeers, StatusJson.read(written));
        String older = StatusJson.write(base).replace("  \"peers\": [],\n", "");
        assertFalse(older.contains("peers"), older);
        assertEquals(List.of(), StatusJson.read(older).peers(), "an older vport's file");
        assertTrue(StatusSummary.line(withPeers).contains("peer 02:00:00:00:00:02 at 198.18.0.2:40000 direct via 198.18.1.2:40000"),
                StatusSummary.line(withPeers));
    }

    @Test
    void numbersHaveAtMostThreeDecimalsNoExponentAndNoMeasurementIsNull() {
        Map<Double, String> samples = Map.of(0.0, "0", 0.0001, "0", -0.0001, "0", 12.0, "12", 1.5, "1.5", 0.00051, "0.001",
                1.2345678901e10, "12345678901", Double.NaN, "null", Double.POSITIVE_INFINITY, "null");
        samples.forEach((value, text) -> {
            String json = StatusJson.write(status("t", value, Map.of()));
            assertTrue(json.contains("\"rtt_ms\": " + text + ",\n"), value + " in " + json);
        });
    }

    @Test
    void stringsAreEscapedAndReadBack() {
        String awkward = "quote \" backslash \\ newline \n tab \t bell \u0007 del \u007f é ☃ \uD83D\uDE00 lone \uD800 end";
        String written = StatusJson.write(status(awkward, null, Map.of(awkward, 1L)));
        assertTrue(written.chars().noneMatch(c -> c < 0x20 && c != '\n' || c == 0x7f || Character.isSurrogate((char) c)),
                "control characters, DEL and surrogates are escaped: " + written);
        assertTrue(written.contains("\\u0007") && written.toLowerCase().contains("\\u007f"), written);
        VportStatus read = StatusJson.read(written);
        assertEquals(awkward, read.tap());
        assertEquals(Map.of(awkward, 1L), read.drops());
    }

    @Test
    void readsAnyKindOfValueInMembersItDoesNotKnow() {
        VportStatus read = StatusJson.read(withMember("\"a\": [1, -2, 3.5, 1e3, true, false, null, \"x\\/y\\u0041\"], \"b\": {},"
                + " \"c\": [], \"big\": 123456789012345678901234567890"));
        assertEquals("t", read.tap());
        assertEquals(1, read.pid());
    }

    @Test
    void refusesWhatIsNotJsonInOneLineSayingWhere() {
        for (String bad : List.of("", " \n", "{", "{\"a\" 1}", "{\"a\": 1,}", "{\"a\": 1} x", "{\"a\": [1 2]}", "{\"a\": tru}", "\"open",
                "{\"a\": 01}", "{\"a\": -}", "{\"a\": \"\\q\"}", "{\"a\": \"\\u12\"}", "{\"a\":1,\"a\":2}", "{a: 1}", "{\"a\": \"tab\there\"}",
                "{\"a\": 1} // comment", "{'a': 1}", "{\"a\": NaN}")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StatusJson.read(bad), bad);
            assertTrue(e.getMessage().startsWith("not valid JSON"), bad + ": " + e.getMessage());
            assertFalse(e.getMessage().contains("\n"), bad + ": " + e.getMessage());
        }
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> StatusJson.read("{\"tap\": \"t\",\n \"tap\": \"u\"}"));
        assertTrue(twice.getMessage().startsWith("not valid JSON at line 2, column "), twice.getMessage());
        assertTrue(twice.getMessage().contains("'tap'"), twice.getMessage());
    }

    @Test
    void nestingIsBounded() {
        String deep = "[".repeat(StatusJson.MAX_DEPTH) + "]".repeat(StatusJson.MAX_DEPTH);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StatusJson.read(withMember("\"x\": " + deep)));
        assertTrue(e.getMessage().startsWith("not valid JSON"), e.getMessage());
        String fine = "[".repeat(StatusJson.MAX_DEPTH - 1) + "]".repeat(StatusJson.MAX_DEPTH - 1);
        assertEquals("t", StatusJson.read(withMember("\"x\": " + fine)).tap(), "the root object and 15 levels in it");
    }

    @Test
    void sizeIsBounded() {
        String padding = " ".repeat(StatusJson.MAX_LENGTH);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StatusJson.read(withMember("\"x\": 1" + padding)));
        assertTrue(e.getMessage().startsWith("not valid JSON"), e.getMessage());
        assertEquals("t", StatusJson.read(withMember("\"x\": 1" + " ".repeat(StatusJson.MAX_LENGTH / 2))).tap());
    }
}
