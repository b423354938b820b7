package dev.vswitch.switching;

import java.util.Arrays;

/**
 * The forwarding database of one network: MAC address to port, with ageing. An open-addressing hash
 * table over primitive arrays (linear probing, backward-shift deletion), so learning and lookup on the
 * data path neither box nor allocate. It also enforces the L2 safety limits that belong to learning:
 * a cap per port (so a CAM-overflow attack fills only its own share), a hold time before a MAC that
 * is live on one port may move to another, and a longer one for a MAC that its port claims as its own.
 * Not thread-safe: one network is driven by one thread.
 *
 * <p>A claim is what a vport's keepalive makes: it names the TAP's MAC every few seconds, so the MAC is
 * bound to that port while its keepalives go on, however quiet the host is otherwise. Without claims an
 * idle host's MAC would be movable just before each keepalive, and a member sending frames with that
 * source at the right moment (and often after) would take its traffic. MACs behind a vport (bridged
 * VMs) are never claimed, so they keep moving after the ordinary hold, as a migrating VM needs.
 */
public final class MacTable {

    public static final int NO_PORT = -1;

    /** What {@link #learn} did, so that the caller can count it. */
    public enum Learned { NEW, REFRESHED, MOVED, TABLE_FULL, PORT_FULL, MOVE_REFUSED }

    /** Sees one entry of the table. */
    @FunctionalInterface
    public interface EntryVisitor {
        void visit(long mac, int port, long lastSeenNanos);
    }

    private static final long EMPTY = -1L; // never a MAC: those have 48 bits
    private static final long UNCLAIMED = Long.MIN_VALUE;
    private static final int INITIAL_CAPACITY = 64;

    private final int maxEntries;
    private final int maxPerPort;
    private final long agingNanos;
    private final long moveHoldNanos;
    private final long ownerHoldNanos;
    private int[] perPort = new int[16];
    private long[] macs;
    private int[] ports;
    private long[] lastSeen;
    /** When the entry's port last claimed it ({@link #claim}), or {@link #UNCLAIMED}. */
    private long[] claimedAt;
    private int size;

    public MacTable(int maxEntries, long agingNanos) {
        this(maxEntries, maxEntries, agingNanos, 0, 0);
    }

    /**
     * @param maxPerPort     MACs one port may own; further new source MACs on it are refused
     * @param moveHoldNanos  a MAC seen on its port within this time is not moved to another port
     * @param ownerHoldNanos a MAC its port claimed within this time is not moved to another port
     */
    public MacTable(int maxEntries, int maxPerPort, long agingNanos, long moveHoldNanos, long ownerHoldNanos) {
        if (maxEntries < 1 || maxPerPort < 1) {
            throw new IllegalArgumentException("MAC limits must be positive: " + maxEntries + ", " + maxPerPort);
        }
        this.maxEntries = maxEntries;
        this.maxPerPort = maxPerPort;
        this.agingNanos = agingNanos;
        this.moveHoldNanos = moveHoldNanos;
        this.ownerHoldNanos = ownerHoldNanos;
        allocate(INITIAL_CAPACITY);
    }

    /** The port that {@code mac} was last seen on, or {@link #NO_PORT} if unknown or aged out. */
    public int lookup(long mac, long nowNanos) {
        int slot = find(mac);
        if (slot < 0) {
            return NO_PORT;
        }
        if (nowNanos - lastSeen[slot] > agingNanos) {
            delete(slot);
            return NO_PORT;
        }
        return ports[slot];
    }

    /** Records that {@code mac} was seen as a source on {@code port}. */
    public Learned learn(long mac, int port, long nowNanos) {
        return learn(mac, port, nowNanos, true);
    }

    /**
     * Records that {@code mac} was seen as a source on {@code port}; {@code capped} false exempts the port
     * from the per-port limit (a trunk, whose replica applied it already).
     */
    public Learned learn(long mac, int port, long nowNanos, boolean capped) {
        return learn(mac, port, nowNanos, capped, false);
    }

    /**
     * As {@link #learn(long, int, long, boolean)}, and {@code port} claims {@code mac} as its own (a vport's keepalive
     * names its TAP's MAC): no other port takes it until the owner hold has passed without another claim, or the
     * port is removed.
     */
    public Learned claim(long mac, int port, long nowNanos, boolean capped) {
        return learn(mac, port, nowNanos, capped, true);
    }

    private Learned learn(long mac, int port, long nowNanos, boolean capped, boolean claim) {
        int slot = find(mac);
        if (slot >= 0 && ports[slot] == port) {
            lastSeen[slot] = nowNanos;
            if (claim) {
                claimedAt[slot] = nowNanos;
            }
            return Learned.REFRESHED;
        }
        boolean aged = slot >= 0 && nowNanos - lastSeen[slot] > agingNanos;
        if (slot >= 0 && !aged && (nowNanos - lastSeen[slot] < moveHoldNanos || claimHolds(slot, nowNanos))) {
            return Learned.MOVE_REFUSED;
        }
        if (countOf(port) >= maxPerPort && capped) { // countOf first: it also grows the per-port counts
            return Learned.PORT_FULL;
        }
        if (slot >= 0) {
            perPort[ports[slot]]--;
            perPort[port]++;
            ports[slot] = port;
            lastSeen[slot] = nowNanos;
            claimedAt[slot] = claim ? nowNanos : UNCLAIMED;
            return aged ? Learned.NEW : Learned.MOVED;
        }
        if (size >= maxEntries) {
            return Learned.TABLE_FULL;
        }
        if ((size + 1) * 2 > macs.length) {
            allocate(macs.length * 2);
        }
        insert(mac, port, nowNanos, claim ? nowNanos : UNCLAIMED);
        perPort[port]++;
        size++;
        return Learned.NEW;
    }

    /** Removes entries not seen for longer than the ageing time; returns how many. */
    public int expire(long nowNanos) {
        int removed = 0;
        for (int slot = 0; slot < macs.length; ) {
            if (macs[slot] != EMPTY && nowNanos - lastSeen[slot] > agingNanos) {
                delete(slot); // a later entry may have shifted into this slot: look at it again
                removed++;
            } else {
                slot++;
            }
        }
        return removed;
    }

    /** Forgets every MAC learned on {@code port} (the port went away); returns how many. */
    public int removePort(int port) {
        int removed = 0;
        for (int slot = 0; slot < macs.length; ) {
            if (macs[slot] != EMPTY && ports[slot] == port) {
                delete(slot);
                removed++;
            } else {
                slot++;
            }
        }
        return removed;
    }

    public void forEach(EntryVisitor visitor) {
        for (int slot = 0; slot < macs.length; slot++) {
            if (macs[slot] != EMPTY) {
                visitor.visit(macs[slot], ports[slot], lastSeen[slot]);
            }
        }
    }

    public int size() {
        return size;
    }

    /** How many MACs {@code port} owns. */
    public int countOf(int port) {
        if (port >= perPort.length) {
            perPort = Arrays.copyOf(perPort, Math.max(perPort.length * 2, port + 1));
        }
        return perPort[port];
    }

    public int maxEntries() {
        return maxEntries;
    }

    private int find(long mac) {
        int mask = macs.length - 1;
        for (int slot = home(mac, mask); ; slot = (slot + 1) & mask) {
            long key = macs[slot];
            if (key == mac) {
                return slot;
            }
            if (key == EMPTY) {
                return -1;
            }
        }
    }

    private boolean claimHolds(int slot, long nowNanos) {
        return claimedAt[slot] != UNCLAIMED && nowNanos - claimedAt[slot] < ownerHoldNanos;
    }

    private void insert(long mac, int port, long nowNanos, long claimedNanos) {
        int mask = macs.length - 1;
        int slot = home(mac, mask);
        while (macs[slot] != EMPTY) {
            slot = (slot + 1) & mask;
        }
        macs[slot] = mac;
        ports[slot] = port;
        lastSeen[slot] = nowNanos;
        claimedAt[slot] = claimedNanos;
    }

    /** Backward-shift deletion: keeps every probe chain unbroken without tombstones. */
    private void delete(int slot) {
        perPort[ports[slot]]--;
        int mask = macs.length - 1;
        int hole = slot;
        for (int next = (hole + 1) & mask; macs[next] != EMPTY; next = (next + 1) & mask) {
            int home = home(macs[next], mask);
            // The entry at `next` may fill the hole only if its home is not cyclically in (hole, next].
            boolean homeBetween = hole <= next ? (hole < home && home <= next) : (hole < home || home <= next);
            if (!homeBetween) {
                macs[hole] = macs[next];
                ports[hole] = ports[next];
                lastSeen[hole] = lastSeen[next];
                claimedAt[hole] = claimedAt[next];
                hole = next;
            }
        }
        macs[hole] = EMPTY;
        size--;
    }

    private void allocate(int capacity) {
        long[] oldMacs = macs;
        int[] oldPorts = ports;
        long[] oldSeen = lastSeen;
        long[] oldClaimed = claimedAt;
        macs = new long[capacity];
        ports = new int[capacity];
        lastSeen = new long[capacity];
        claimedAt = new long[capacity];
        Arrays.fill(macs, EMPTY);
        if (oldMacs != null) {
            for (int i = 0; i < oldMacs.length; i++) {
                if (oldMacs[i] != EMPTY) {
                    insert(oldMacs[i], oldPorts[i], oldSeen[i], oldClaimed[i]);
                }
            }
        }
    }

    private static int home(long mac, int mask) {
        long h = mac * 0x9E37_79B9_7F4A_7C15L; // Fibonacci hashing spreads the vendor-prefix-heavy bits
        return (int) (h >>> 32) & mask;
    }
}
