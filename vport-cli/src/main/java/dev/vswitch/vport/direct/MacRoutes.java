package dev.vswitch.vport.direct;

import dev.vswitch.protocol.MacAddress;
import java.util.function.IntPredicate;

/**
 * Which MACs live behind which direct peer: the MAC the switch introduced it with, and the source MACs of frames that
 * came from it directly (a bridge behind its TAP). The TAP-to-switch thread looks up every unicast frame's destination,
 * so the lookup reads one immutable open-addressing table without a lock or an allocation; the rare changes build a new
 * table under this object's lock and publish it with one volatile write.
 *
 * <p>A peer may claim at most {@link #MAX_PER_PEER} MACs and the table holds at most {@link #MAX_MACS}, so a peer that
 * sends from ever new MACs cannot grow it without end.
 */
final class MacRoutes {

    static final int MAX_PER_PEER = 256;
    static final int MAX_MACS = 4096;

    /** Keys and values side by side; a key of {@link MacAddress#ZERO} marks a free slot (never a valid source). */
    private record Table(long[] macs, DirectPeer[] peers, int size) {

        static final Table EMPTY = new Table(new long[0], new DirectPeer[0], 0);

        DirectPeer lookup(long mac) {
            if (size == 0) {
                return null;
            }
            int mask = macs.length - 1;
            for (int slot = hash(mac) & mask; ; slot = (slot + 1) & mask) {
                long key = macs[slot];
                if (key == mac) {
                    return peers[slot];
                }
                if (key == MacAddress.ZERO) {
                    return null;
                }
            }
        }
    }

    private volatile Table table = Table.EMPTY;

    /** The peer {@code mac} lives behind, or null: then frames to it go through the switch. */
    DirectPeer lookup(long mac) {
        return table.lookup(mac);
    }

    /** Notes that {@code mac} lives behind {@code peer}; false when refused (not a unicast MAC, or a limit reached). */
    synchronized boolean put(long mac, DirectPeer peer) {
        if (!MacAddress.isValidSource(mac)) {
            return false;
        }
        Table now = table;
        if (now.lookup(mac) == peer) {
            return true;
        }
        if (now.size() >= MAX_MACS || count(now, peer) >= MAX_PER_PEER) {
            return false;
        }
        table = rebuilt(now, slot -> now.macs()[slot] != mac, mac, peer);
        return true;
    }

    /** Forgets every MAC behind {@code peer}: it is gone, or no longer reached directly. */
    synchronized void removePeer(DirectPeer peer) {
        Table now = table;
        Table without = rebuilt(now, slot -> now.peers()[slot] != peer, MacAddress.ZERO, null);
        if (without.size() != now.size()) {
            table = without;
        }
    }

    /** The entries of {@code table} whose slot {@code keep} accepts, plus {@code mac} behind {@code peer} unless ZERO. */
    private static Table rebuilt(Table table, IntPredicate keep, long mac, DirectPeer peer) {
        long[] macs = new long[table.size() + 1];
        DirectPeer[] peers = new DirectPeer[macs.length];
        int size = 0;
        for (int slot = 0; slot < table.macs().length; slot++) {
            if (table.macs()[slot] != MacAddress.ZERO && keep.test(slot)) {
                macs[size] = table.macs()[slot];
                peers[size++] = table.peers()[slot];
            }
        }
        if (mac != MacAddress.ZERO) {
            macs[size] = mac;
            peers[size++] = peer;
        }
        return build(macs, peers, size);
    }

    private static int count(Table table, DirectPeer peer) {
        int count = 0;
        for (int slot = 0; slot < table.macs().length; slot++) {
            if (table.macs()[slot] != MacAddress.ZERO && table.peers()[slot] == peer) {
                count++;
            }
        }
        return count;
    }

    /** A table at most half full, so every probe sequence ends at a free slot soon. */
    private static Table build(long[] macs, DirectPeer[] peers, int size) {
        if (size == 0) {
            return Table.EMPTY;
        }
        int capacity = Integer.highestOneBit(size * 2 - 1) << 1;
        long[] keys = new long[capacity];
        DirectPeer[] values = new DirectPeer[capacity];
        int mask = capacity - 1;
        for (int i = 0; i < size; i++) {
            int slot = hash(macs[i]) & mask;
            while (keys[slot] != MacAddress.ZERO) {
                slot = (slot + 1) & mask;
            }
            keys[slot] = macs[i];
            values[slot] = peers[i];
        }
        return new Table(keys, values, size);
    }

    private static int hash(long mac) {
        long mixed = mac * 0x9E37_79B9_7F4A_7C15L;
        return (int) (mixed ^ (mixed >>> 32));
    }
}
