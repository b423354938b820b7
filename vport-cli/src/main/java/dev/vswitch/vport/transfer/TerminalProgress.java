package dev.vswitch.vport.transfer;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A transfer's progress as one terminal line that is rewritten in place ({@code \r}), e.g.
 * {@code sent 12.3 MB of 50.0 MB (24%), 45.6 MB/s}, or without the size and percentage where the size is unknown (the
 * receiver's side). It is redrawn at most every {@link #REDRAW_INTERVAL}, however small the buffers, so that a fast
 * transfer does not spend its time writing to the terminal, and once more at the end, followed by a newline so that
 * the {@code bytes=N sha256=...} line starts on a line of its own. Sizes and rate are in decimal units (1 MB = 10^6
 * bytes), as network rates usually are; the rate is the average since the data started.
 */
public final class TerminalProgress implements CopyProgress {

    static final Duration REDRAW_INTERVAL = Duration.ofMillis(250);

    private final PrintStream out;
    private final String verb;
    private final LongSupplier nanoClock;
    private long expectedBytes = -1;
    private long startNanos;
    private long lastDrawNanos;
    private long bytes;
    private long drawnBytes = -1;
    private int drawnLength;

    /**
     * @param out       where the line goes: a terminal (vport uses stderr, keeping stdout for the result line)
     * @param verb      what the bytes went through, "sent" or "received"
     * @param nanoClock a monotonic clock in nanoseconds, {@code System::nanoTime} outside tests
     */
    public TerminalProgress(PrintStream out, String verb, LongSupplier nanoClock) {
        this.out = out;
        this.verb = verb;
        this.nanoClock = nanoClock;
    }

    @Override
    public void started(long expectedBytes) {
        this.expectedBytes = expectedBytes;
        startNanos = nanoClock.getAsLong();
        lastDrawNanos = startNanos;
    }

    @Override
    public void copied(long bytesSoFar) {
        bytes = bytesSoFar;
        long now = nanoClock.getAsLong();
        if (now - lastDrawNanos >= REDRAW_INTERVAL.toNanos()) {
            draw(now);
        }
    }

    @Override
    public void finished() {
        if (bytes != drawnBytes) {
            draw(nanoClock.getAsLong());
        }
        out.print('\n');
        out.flush();
    }

    private void draw(long now) {
        lastDrawNanos = now;
        String line = line(verb, bytes, expectedBytes, now - startNanos);
        // Spaces cover what a longer previous line left behind; the terminal has no "clear to end" without escapes.
        String padding = " ".repeat(Math.max(0, drawnLength - line.length()));
        drawnLength = line.length();
        drawnBytes = bytes;
        out.print('\r' + line + padding);
        out.flush();
    }

    /** The line for {@code bytes} of {@code expectedBytes} (negative: unknown) after {@code elapsedNanos}. */
    static String line(String verb, long bytes, long expectedBytes, long elapsedNanos) {
        StringBuilder line = new StringBuilder(verb).append(' ').append(size(bytes));
        if (expectedBytes >= 0) {
            long percent = expectedBytes == 0 ? 100 : Math.min(100, bytes * 100 / expectedBytes);
            line.append(" of ").append(size(expectedBytes)).append(" (").append(percent).append("%)");
        }
        if (elapsedNanos > 0) {
            line.append(", ").append(String.format(Locale.ROOT, "%.1f MB/s", bytes * 1e3 / elapsedNanos));
        }
        return line.toString();
    }

    /** e.g. 512 B, 12.3 kB, 45.6 MB, 1.20 GB. */
    static String size(long bytes) {
        if (bytes < 1_000) {
            return bytes + " B";
        }
        if (bytes < 1_000_000) {
            return String.format(Locale.ROOT, "%.1f kB", bytes / 1e3);
        }
        if (bytes < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
        }
        return String.format(Locale.ROOT, "%.2f GB", bytes / 1e9);
    }
}
