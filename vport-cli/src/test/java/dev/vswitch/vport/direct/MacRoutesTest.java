package dev.vswitch.vport.direct;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vswitch.protocol.rendezvous.Rendezvous;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which MACs live behind which direct peer: moves, removal, group MACs refused, and the bound on a peer's MACs. */
class MacRoutesTest {

    private final MacRoutes routes = new MacRoutes();
    private final DirectPeer first = peer(1);
    private final DirectPeer second = peer(2);

    @Test
    void aMacLivesBehindOnePeerAtATimeAndGoesWithIt() {
        assertNull(routes.lookup(0x02_00_00_00_00_01L));
        assertTrue(routes.put(0x02_00_00_00_00_01L, first));
        assertTrue(routes.put(0x02_00_00_00_00_02L, first));
        assertTrue(routes.put(0x02_00_00_00_00_03L, second));
        assertSame(first, routes.lookup(0x02_00_00_00_00_01L));
        assertTrue(routes.put(0x02_00_00_00_00_01L, second), "it moved");
        assertSame(second, routes.lookup(0x02_00_00_00_00_01L));
        routes.removePeer(second);
        assertNull(routes.lookup(0x02_00_00_00_00_01L));
        assertNull(routes.lookup(0x02_00_00_00_00_03L));
        assertSame(first, routes.lookup(0x02_00_00_00_00_02L));
    }

    @Test
    void groupAndZeroMacsAreNeverRoutes() {
        assertFalse(routes.put(0xff_ff_ff_ff_ff_ffL, first));
        assertFalse(routes.put(0x01_00_5e_00_00_01L, first));
        assertFalse(routes.put(0L, first));
        assertNull(routes.lookup(0L));
    }

    @Test
    void aPeerSendingFromEverNewMacsIsHeldAtItsBound() {
        for (int i = 1; i <= MacRoutes.MAX_PER_PEER; i++) {
            assertTrue(routes.put(0x02_00_00_00_00_00L + i, first));
        }
        assertFalse(routes.put(0x02_00_00_01_00_00L, first), "one more than its bound");
        assertTrue(routes.put(0x02_00_00_01_00_00L, second), "another peer still has room");
        for (int i = 1; i <= MacRoutes.MAX_PER_PEER; i++) {
            assertSame(first, routes.lookup(0x02_00_00_00_00_00L + i));
        }
    }

    private static DirectPeer peer(int id) {
        byte[] key = new byte[32];
        key[0] = (byte) id;
        return new DirectPeer(new Rendezvous.PeerIntro(key, 0x02_00_00_00_ff_00L + id, new InetSocketAddress("127.0.0.1", 40000),
                List.of()), null, 0);
    }
}
