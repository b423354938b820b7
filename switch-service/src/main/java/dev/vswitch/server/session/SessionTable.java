package dev.vswitch.server.session;

import dev.vswitch.protocol.wire.Session;
import dev.vswitch.protocol.wire.WireFormat;

import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Sessions by the random 32-bit index the switch chose for them, which is how data messages name their
 * session: the source address plays no part, so roaming clients keep their sessions. Vports and trunks to
 * other replicas share the one index space.
 */
public final class SessionTable {

    /** A session not confirmed by the client's first data message within this time is dropped. */
    static final long PENDING_TIMEOUT_NANOS = 3 * WireFormat.REKEY_TIMEOUT_SECONDS * 1_000_000_000L;

    /** A session and whose it is: a vport's ({@link Peer}) or a trunk's. */
    public record Entry(Session session, PortEndpoint owner) {
    }

    private final Map<Integer, Entry> byIndex = new HashMap<>();
    private final SecureRandom random;

    public SessionTable(SecureRandom random) {
        this.random = random;
    }

    /** A fresh index, for a session about to be made. */
    public int newIndex() {
        int index;
        do {
            index = random.nextInt();
        } while (index == 0 || byIndex.containsKey(index));
        return index;
    }

    public void add(Session session, PortEndpoint owner) {
        byIndex.put(session.localIndex(), new Entry(session, owner));
    }

    public Entry get(int index) {
        return byIndex.get(index);
    }

    public void remove(Session session) {
        if (session != null) {
            byIndex.remove(session.localIndex());
        }
    }

    public int size() {
        return byIndex.size();
    }

    /** Removes expired sessions and pending ones never confirmed, telling {@code removed} about each. */
    public void sweep(long nowNanos, BiConsumer<Entry, Boolean> removed) {
        Iterator<Entry> entries = byIndex.values().iterator();
        while (entries.hasNext()) {
            Entry entry = entries.next();
            Session session = entry.session();
            boolean unconfirmed = !session.isConfirmed() && nowNanos - session.createdNanos() > PENDING_TIMEOUT_NANOS;
            if (unconfirmed || session.isExpired(nowNanos)) {
                entries.remove();
                removed.accept(entry, unconfirmed);
            }
        }
    }
}
