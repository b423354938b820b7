package dev.vswitch.server.secure;

import dev.vswitch.protocol.wire.Session;
import dev.vswitch.protocol.wire.WireFormat;

import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Sessions by the random 32-bit index the switch chose for them, which is how data messages name their
 * session: the source address plays no part, so roaming clients keep their sessions.
 */
final class SessionTable {

    /** A session not confirmed by the client's first data message within this time is dropped. */
    static final long PENDING_TIMEOUT_NANOS = 3 * WireFormat.REKEY_TIMEOUT_SECONDS * 1_000_000_000L;

    record Entry(Session session, Peer peer) {
    }

    private final Map<Integer, Entry> byIndex = new HashMap<>();
    private final SecureRandom random;

    SessionTable(SecureRandom random) {
        this.random = random;
    }

    int newIndex() {
        int index;
        do {
            index = random.nextInt();
        } while (index == 0 || byIndex.containsKey(index));
        return index;
    }

    void add(Session session, Peer peer) {
        byIndex.put(session.localIndex(), new Entry(session, peer));
    }

    Entry get(int index) {
        return byIndex.get(index);
    }

    void remove(Session session) {
        if (session != null) {
            byIndex.remove(session.localIndex());
        }
    }

    int size() {
        return byIndex.size();
    }

    /** Removes expired sessions and pending ones never confirmed, telling {@code removed} about each. */
    void sweep(long nowNanos, BiConsumer<Entry, Boolean> removed) {
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
