package dev.vswitch.vport.link;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.Supplier;

/** Waits in tests for what another thread of the vport brings about, bounded in time. */
public final class Await {

    private static final long POLL_MILLIS = 10;

    /** Something that becomes true; may throw, which fails the test. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    private Await() {
    }

    /**
     * Returns once {@code condition} holds; fails the test after {@code timeout}, naming {@code what} and the state that
     * {@code context} describes (counters, log lines), so that a failure says what was seen.
     */
    public static void until(Duration timeout, String what, Supplier<String> context, Condition condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (condition.holds()) {
                return;
            }
            Thread.sleep(POLL_MILLIS);
        }
        fail("not within " + timeout.toSeconds() + " s: " + what + "; " + context.get());
    }
}
