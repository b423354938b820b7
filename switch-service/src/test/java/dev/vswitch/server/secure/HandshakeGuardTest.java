package dev.vswitch.server.secure;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HandshakeGuardTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void eachSourceIsHeldToItsOwnRate() {
        HandshakeGuard guard = new HandshakeGuard(20, 10, 1000, 100);
        int allowed = 0;
        for (int i = 0; i < 1000; i++) {
            if (guard.allow("198.18.0.66", i * (SECOND / 1000))) {
                allowed++;
            }
        }
        assertEquals(10 + 19, allowed, "burst of 10 plus 20 a second, over 0.999 s");
        assertTrue(guard.allow("198.18.0.7", SECOND / 2), "another source is unaffected");
    }

    @Test
    void whenEveryTrackedSourceIsBusyNewSourcesWaitAndSweepingFreesThem() {
        HandshakeGuard guard = new HandshakeGuard(1, 1, 1000, 2);
        assertTrue(guard.allow("a", 0));
        assertTrue(guard.allow("b", 0));
        assertFalse(guard.allow("c", 0), "the table is full of busy sources");
        guard.sweep(5 * SECOND);
        assertTrue(guard.allow("c", 5 * SECOND));
    }

    @Test
    void loadIsDeclaredAboveTheThresholdAndLastsOneWindowAfterwards() {
        HandshakeGuard guard = new HandshakeGuard(1000, 1000, 5, 100);
        for (int i = 0; i < 5; i++) {
            assertFalse(guard.countAndCheckLoad(0));
        }
        assertTrue(guard.countAndCheckLoad(0), "the sixth in one second");
        assertTrue(guard.countAndCheckLoad(SECOND), "the next second still demands cookies");
        assertFalse(guard.countAndCheckLoad(2 * SECOND + 1), "calm again");
    }

    @Test
    void aBurstLongAgoDoesNotDemandCookiesNow() {
        HandshakeGuard guard = new HandshakeGuard(1000, 1000, 5, 100);
        for (int i = 0; i < 10; i++) {
            guard.countAndCheckLoad(0); // a burst in the first second, then silence
        }
        assertFalse(guard.countAndCheckLoad(30 * SECOND), "30 s later a genuine join needs no cookie");
    }

    @Test
    void ipv6SourcesAreLimitedByTheir64AndIpv4ByTheAddress() throws Exception {
        InetSocketAddress one = new InetSocketAddress(InetAddress.getByName("2001:db8:1:2::1"), 1000);
        InetSocketAddress sameSlash64 = new InetSocketAddress(InetAddress.getByName("2001:db8:1:2:ffff::9"), 2000);
        InetSocketAddress otherSlash64 = new InetSocketAddress(InetAddress.getByName("2001:db8:1:3::1"), 1000);
        assertEquals(HandshakeGuard.sourceOf(one), HandshakeGuard.sourceOf(sameSlash64));
        assertNotEquals(HandshakeGuard.sourceOf(one), HandshakeGuard.sourceOf(otherSlash64));
        assertArrayEquals(HandshakeGuard.cookieSource(one), HandshakeGuard.cookieSource(sameSlash64));
        InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByName("198.18.0.1"), 1000);
        assertNotEquals(HandshakeGuard.sourceOf(v4),
                HandshakeGuard.sourceOf(new InetSocketAddress(InetAddress.getByName("198.18.0.2"), 1000)));
        assertEquals(4, HandshakeGuard.cookieSource(v4).length);
        HandshakeGuard guard = new HandshakeGuard(1, 1, 1000, 100);
        assertTrue(guard.allow(HandshakeGuard.sourceOf(one), 0));
        assertFalse(guard.allow(HandshakeGuard.sourceOf(sameSlash64), 0), "one bucket for the whole /64");
    }
}
