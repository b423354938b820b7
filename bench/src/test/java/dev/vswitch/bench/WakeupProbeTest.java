package dev.vswitch.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The probe over real loopback UDP, in each way of waiting, briefly; and its refusal of arguments it cannot use. */
class WakeupProbeTest {

    private static final Pattern REPORT = Pattern.compile("UDP round trip between two threads, (.+): min ([\\d.]+) us,"
            + " median ([\\d.]+) us, avg ([\\d.]+) us, p99 ([\\d.]+) us \\((\\d+) round trips\\)");

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @ParameterizedTest
    @ValueSource(strings = {"block", "spin-echo", "spin-both"})
    void measuresRoundTripsBackToBackAndAfterEachPause(String waiting) throws IOException {
        assertEquals(0, run("50", "200", waiting));

        List<String> lines = text(out).lines().toList();
        assertEquals(2, lines.size(), text(out));
        assertReport(lines.get(0), waiting + ", back to back", 40);
        assertReport(lines.get(1), waiting + ", after 200 us idle", 8);
        assertEquals("", text(err));
    }

    @ParameterizedTest
    @ValueSource(strings = {"9", "100001", "many", "50 -1", "50 1000001", "50 10 poll", "50 10 block extra"})
    void refusesArgumentsItCannotUseWithTheUsageAndStatusTwo(String arguments) throws IOException {
        assertEquals(2, run(arguments.split(" ")));

        assertEquals("", text(out));
        assertEquals("usage: WakeupProbe [ROUND_TRIPS 10-100000] [PAUSE_MICROS 0-1000000] [block|spin-echo|spin-both]",
                text(err).strip());
    }

    private int run(String... args) throws IOException {
        return WakeupProbe.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    /** One report line: its label, times in order (min ≤ median ≤ p99, none zero) and the round trips kept. */
    private static void assertReport(String line, String label, int roundTrips) {
        Matcher report = REPORT.matcher(line);
        assertTrue(report.matches(), line);
        assertEquals(label, report.group(1));
        double min = Double.parseDouble(report.group(2));
        double median = Double.parseDouble(report.group(3));
        double p99 = Double.parseDouble(report.group(5));
        assertTrue(min > 0 && min <= median && median <= p99, line);
        assertEquals(roundTrips, Integer.parseInt(report.group(6)), line);
    }

    private static String text(ByteArrayOutputStream stream) {
        return stream.toString(StandardCharsets.UTF_8);
    }
}
