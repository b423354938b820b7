package dev.vswitch.switching;

import java.util.concurrent.atomic.AtomicLongArray;

/** One monotonic counter per constant of an enum (drop reasons, handshake results), safe to read from any thread. */
public final class EnumCounter<E extends Enum<E>> {

    private final AtomicLongArray counts;

    public EnumCounter(Class<E> type) {
        this.counts = new AtomicLongArray(type.getEnumConstants().length);
    }

    public void increment(E key) {
        counts.incrementAndGet(key.ordinal());
    }

    public void add(E key, long delta) {
        counts.addAndGet(key.ordinal(), delta);
    }

    public long get(E key) {
        return counts.get(key.ordinal());
    }
}
