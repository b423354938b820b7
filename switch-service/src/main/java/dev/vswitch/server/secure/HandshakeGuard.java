package dev.vswitch.server.secure;

import dev.vswitch.protocol.ratelimit.TokenBucket;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Defends the expensive part of the switch, the Diffie-Hellman of a handshake: a token bucket per source
 * address, and a load signal that makes the switch demand cookies (mac2) from everyone while handshakes
 * arrive faster than {@code loadThresholdPerSecond}. Established sessions never pass through here, so
 * their traffic keeps flowing during a handshake flood.
 */
final class HandshakeGuard {

    private static final long SECOND = 1_000_000_000L;

    private final double perSourcePerSecond;
    private final int perSourceBurst;
    private final int loadThresholdPerSecond;
    private final int maxTrackedSources;
    private final Map<String, TokenBucket> bySource = new HashMap<>();
    private long windowStart;
    private int inWindow;
    private boolean underLoad;

    HandshakeGuard(double perSourcePerSecond, int perSourceBurst, int loadThresholdPerSecond, int maxTrackedSources) {
        this.perSourcePerSecond = perSourcePerSecond;
        this.perSourceBurst = perSourceBurst;
        this.loadThresholdPerSecond = loadThresholdPerSecond;
        this.maxTrackedSources = maxTrackedSources;
    }

    /**
     * Counts an initiation that passed mac1 and says whether the switch is under load now: in this second, or in the
     * second just before. A busy second longer ago says nothing about now, so the load decays with time and not only
     * with the next initiation.
     */
    boolean countAndCheckLoad(long nowNanos) {
        if (nowNanos - windowStart >= SECOND) {
            underLoad = nowNanos - windowStart < 2 * SECOND && inWindow > loadThresholdPerSecond;
            windowStart = nowNanos;
            inWindow = 0;
        }
        inWindow++;
        return underLoad || inWindow > loadThresholdPerSecond;
    }

    /** May this source start another handshake now? Unknown sources are refused while the table is full. */
    boolean allow(String source, long nowNanos) {
        TokenBucket bucket = bySource.get(source);
        if (bucket == null) {
            if (bySource.size() >= maxTrackedSources) {
                return false;
            }
            bucket = new TokenBucket(perSourcePerSecond, perSourceBurst, nowNanos);
            bySource.put(source, bucket);
        }
        return bucket.tryTake(nowNanos);
    }

    /**
     * The source a rate limit applies to: the address for IPv4, the /64 for IPv6, where one host commonly holds a whole
     * /64 and could otherwise make itself unlimited buckets.
     */
    static String sourceOf(InetSocketAddress sender) {
        byte[] address = sender.getAddress().getAddress();
        return address.length == 16 ? HexFormat.of().formatHex(address, 0, 8) + "::/64" : sender.getAddress().getHostAddress();
    }

    /** The address bytes a cookie is bound to: the address for IPv4, the /64 for IPv6 (as {@link #sourceOf}). */
    static byte[] cookieSource(InetSocketAddress sender) {
        byte[] address = sender.getAddress().getAddress();
        return address.length == 16 ? Arrays.copyOf(address, 8) : address;
    }

    /** Forgets sources whose bucket has refilled: they are no different from new ones. */
    void sweep(long nowNanos) {
        bySource.values().removeIf(bucket -> bucket.isFull(nowNanos));
    }
}
