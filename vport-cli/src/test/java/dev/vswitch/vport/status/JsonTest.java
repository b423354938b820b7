package dev.vswitch.vport.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void writesObjectsInOrderOneMemberALine() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("frames", 3L);
        nested.put("bytes", 180L);
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("tap", "tapyuan");
        object.put("connected", true);
        object.put("network", null);
        object.put("rtt_ms", 0.41234);
        object.put("to_switch", nested);
        object.put("empty", Map.of());
        assertEquals("""
                {
                  "tap": "tapyuan",
                  "connected": true,
                  "network": null,
                  "rtt_ms": 0.412,
                  "to_switch": {
                    "frames": 3,
                    "bytes": 180
                  },
                  "empty": {}
                }
                """, Json.write(object));
    }

    @Test
    void numbersHaveAtMostThreeDecimalsNoExponentAndNoMeasurementIsNull() {
        assertEquals("0", Json.number(0.0));
        assertEquals("0", Json.number(0.0001));
        assertEquals("12", Json.number(12.0));
        assertEquals("1.5", Json.number(1.5));
        assertEquals("0.001", Json.number(0.00051));
        assertEquals("12345678901", Json.number(1.2345678901e10));
        assertEquals("null", Json.number(Double.NaN));
        assertEquals("null", Json.number(Double.POSITIVE_INFINITY));
    }

    @Test
    void stringsAreEscapedAndReadBack() {
        String awkward = "quote \" backslash \\ newline \n tab \t bell \u0007 del \u007f é ☃ \uD83D\uDE00";
        String written = Json.write(Map.of("s", awkward));
        assertTrue(written.contains("\\u0007") && written.contains("\\u007f"), written);
        assertEquals(Map.of("s", awkward), Json.read(written));
    }

    @Test
    void readsEveryKindOfValue() {
        Object value = Json.read(" {\"a\": [1, -2, 3.5, 1e3, true, false, null, \"x\\/y\\u0041\"], \"b\": {}, \"c\": [],"
                + " \"big\": 123456789012345678901234567890}\n");
        Map<?, ?> object = (Map<?, ?>) value;
        assertEquals(List.of(1L, -2L, 3.5, 1000.0, true, false, "x/yA"), ((List<?>) object.get("a")).stream()
                .filter(java.util.Objects::nonNull).toList());
        assertEquals(8, ((List<?>) object.get("a")).size());
        assertEquals(Map.of(), object.get("b"));
        assertEquals(List.of(), object.get("c"));
        assertEquals(1.2345678901234568e29, (Double) object.get("big"), 1e15);
    }

    @Test
    void refusesWhatIsNotJsonSayingWhere() {
        for (String bad : List.of("", "{", "{\"a\" 1}", "{\"a\": 1,}", "{\"a\": 1} x", "[1 2]", "tru", "\"open", "{\"a\": 01x}",
                "{\"a\": -}", "{\"a\": \"\\q\"}", "{\"a\": \"\\u12\"}", "{\"a\":1,\"a\":2}", "{a: 1}", "\"tab\there\"")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.read(bad), bad);
            assertTrue(e.getMessage().startsWith("not valid JSON at character "), e.getMessage());
        }
    }

    @Test
    void nestingIsBounded() {
        String deep = "[".repeat(Json.MAX_DEPTH + 2) + "]".repeat(Json.MAX_DEPTH + 2);
        assertThrows(IllegalArgumentException.class, () -> Json.read(deep));
        String fine = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
        Json.read(fine);
    }
}
