package dev.vswitch.server.secure;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The newest handshake timestamp accepted from each client key of a network, kept after the key's peer is forgotten (it
 * went silent, or was disconnected through the API), so that a captured initiation is refused then too: otherwise the
 * forgotten key starts again from no timestamp and an old initiation looks new. Bounded: the least recently used key
 * goes first. Each entry costs about 220 bytes (the key's 44-character text, a 12-byte timestamp, a map entry), so the
 * default of 16,384 keys holds about 3.5 MiB. Touched only on the switch's event loop.
 */
final class ReplayMemory {

    private final Map<String, byte[]> timestamps;

    ReplayMemory(int maxKeys) {
        this.timestamps = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
                return size() > maxKeys;
            }
        };
    }

    /** The newest timestamp accepted from {@code clientKey}, or null when none is remembered. */
    byte[] lastTimestamp(String clientKey) {
        return timestamps.get(clientKey);
    }

    void remember(String clientKey, byte[] timestamp) {
        timestamps.put(clientKey, timestamp);
    }
}
