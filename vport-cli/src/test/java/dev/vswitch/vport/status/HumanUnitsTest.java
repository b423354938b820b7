package dev.vswitch.vport.status;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class HumanUnitsTest {

    @Test
    void sizesRatesAndDurationsForPeople() {
        for (List<Object> sample : List.of(List.<Object>of(0L, "0 B"), List.<Object>of(1023L, "1023 B"), List.<Object>of(1024L, "1.0 KiB"),
                List.<Object>of(1_258_000L, "1.2 MiB"), List.<Object>of(5L << 30, "5.0 GiB"), List.<Object>of(Long.MAX_VALUE, "8.0 EiB"))) {
            assertEquals(sample.get(1), HumanUnits.bytes((Long) sample.get(0)));
        }
        assertEquals("0.05", HumanUnits.millis(0.0512));
        assertEquals("12.3", HumanUnits.millis(12.34));
        assertEquals("250", HumanUnits.millis(250.2));
        assertEquals("42 s", HumanUnits.duration(42));
        assertEquals("2 min", HumanUnits.duration(120));
        assertEquals("5 min 3 s", HumanUnits.duration(303));
        assertEquals("2 h 7 min", HumanUnits.duration(2 * 3600 + 7 * 60 + 5));
        assertEquals("3 d 4 h", HumanUnits.duration(3 * 86_400 + 4 * 3600));
    }
}
