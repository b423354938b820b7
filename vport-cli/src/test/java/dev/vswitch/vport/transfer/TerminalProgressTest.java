package dev.vswitch.vport.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The progress line, driven by a clock the test sets, so that rates and redraws are exact. */
class TerminalProgressTest {

    private static final long MILLI = 1_000_000;

    private final AtomicLong clock = new AtomicLong(5_000 * MILLI);
    private final ByteArrayOutputStream terminal = new ByteArrayOutputStream();
    private final TerminalProgress progress =
            new TerminalProgress(new PrintStream(terminal, true, StandardCharsets.UTF_8), "sent", clock::get);

    @Test
    void sizesInDecimalUnits() {
        assertEquals("0 B", TerminalProgress.size(0));
        assertEquals("999 B", TerminalProgress.size(999));
        assertEquals("1.0 kB", TerminalProgress.size(1_000));
        assertEquals("12.3 kB", TerminalProgress.size(12_345));
        assertEquals("45.7 MB", TerminalProgress.size(45_678_901));
        assertEquals("1.20 GB", TerminalProgress.size(1_200_000_000));
    }

    @Test
    void aKnownSizeGivesThePercentageAndTheAverageRate() {
        assertEquals("sent 12.5 MB of 50.0 MB (25%), 25.0 MB/s", TerminalProgress.line("sent", 12_500_000, 50_000_000, 500 * MILLI));
        assertEquals("sent 0 B of 0 B (100%)", TerminalProgress.line("sent", 0, 0, 0));
    }

    @Test
    void anUnknownSizeGivesBytesAndRateOnly() {
        assertEquals("received 3.0 MB, 1.5 MB/s", TerminalProgress.line("received", 3_000_000, -1, 2_000 * MILLI));
    }

    @Test
    void redrawsAtMostFourTimesASecondAndEndsWithANewline() {
        progress.started(10_000_000);
        for (int step = 1; step <= 100; step++) {
            clock.addAndGet(10 * MILLI); // one buffer every 10 ms: 100 buffers in one second
            progress.copied(step * 100_000L);
        }
        progress.finished();
        String shown = terminal.toString(StandardCharsets.UTF_8);
        List<String> draws = Arrays.stream(shown.split("\r")).filter(draw -> !draw.isEmpty()).toList();
        assertEquals(List.of(
                "sent 2.5 MB of 10.0 MB (25%), 10.0 MB/s",
                "sent 5.0 MB of 10.0 MB (50%), 10.0 MB/s",
                "sent 7.5 MB of 10.0 MB (75%), 10.0 MB/s",
                "sent 10.0 MB of 10.0 MB (100%), 10.0 MB/s\n"), draws, "every 250 ms; the end was drawn already, so only the newline");
    }

    @Test
    void aShorterLineCoversTheRestOfTheLongerOneBeforeIt() {
        progress.started(-1);
        clock.addAndGet(1_000 * MILLI);
        progress.copied(123_456_789);
        clock.addAndGet(1_000 * MILLI);
        progress.copied(123_456_790);
        String first = "sent 123.5 MB, 123.5 MB/s";
        String second = "sent 123.5 MB, 61.7 MB/s";
        assertEquals("\r" + first + "\r" + second + " ", terminal.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aCopyThatEndsBeforeTheFirstRedrawStillShowsItsLine() {
        progress.started(-1);
        clock.addAndGet(100 * MILLI);
        progress.copied(2_000);
        progress.finished();
        assertEquals("\rsent 2.0 kB, 0.0 MB/s\n", terminal.toString(StandardCharsets.UTF_8));
    }
}
