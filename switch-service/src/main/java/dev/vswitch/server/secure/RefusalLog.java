package dev.vswitch.server.secure;

import dev.vswitch.protocol.wire.HandshakeRefusal.Reason;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Tells the operator why handshakes are refused ("key X is not on the allow-list of network lab"), at most one line per
 * reason every {@link #INTERVAL_NANOS}, with the count of those not logged since: a flood of refused initiations costs a
 * counter increment each, not a log line. Lines name the client key's first 8 characters and the network, never a
 * secret. Used only on the switch's event loop.
 */
final class RefusalLog {

    static final long INTERVAL_NANOS = 10_000_000_000L;
    private static final Logger LOG = Logger.getLogger(RefusalLog.class);

    private final Consumer<String> out;
    private final Map<Reason, long[]> lastAndSuppressed = new EnumMap<>(Reason.class);

    RefusalLog() {
        this(LOG::warn);
    }

    /** @param out where the lines go (the log; a list in tests) */
    RefusalLog(Consumer<String> out) {
        this.out = out;
    }

    /** A refusal for {@code reason}: logged unless one for the same reason was within the interval; the line is made only then. */
    void refused(Reason reason, long nowNanos, Supplier<String> line) {
        long[] state = lastAndSuppressed.get(reason);
        if (state != null && nowNanos - state[0] < INTERVAL_NANOS) {
            state[1]++;
            return;
        }
        long suppressed = state == null ? 0 : state[1];
        lastAndSuppressed.put(reason, new long[] {nowNanos, 0});
        out.accept(line.get() + (suppressed == 0 ? ""
                : " (and " + suppressed + " more refused for this reason since the last such line)"));
    }

    /** A client key as logs show it: its first 8 base64 characters, enough to find it in a list of keys. */
    static String fingerprint(String clientKey) {
        return clientKey.substring(0, Math.min(8, clientKey.length())) + "…";
    }

    /** A network name from an initiation, safe to log: control characters and quotes become '?'. */
    static String printable(String name) {
        StringBuilder text = new StringBuilder(name.length());
        name.codePoints().forEach(c -> text.appendCodePoint(Character.isISOControl(c) || c == '\'' ? '?' : c));
        return text.toString();
    }
}
