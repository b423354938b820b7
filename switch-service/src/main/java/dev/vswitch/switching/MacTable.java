package dev.vswitch.switching;

/**
 * The forwarding database of one network: MAC address to port, with ageing. An open-addressing hash
 * table over primitive arrays (linear probing, backward-shift deletion), so learning and lookup on the
 * data path neither box nor allocate. Not thread-safe: one network is driven by one thread.
 */
public final class MacTable {

    public static final int NO_PORT = -1;

    /** What {@link #learn} did, so that the caller can count it. */
    public enum Learned { NEW, REFRESHED, MOVED, TABLE_FULL }

    /** Sees one entry of the table. */
    @FunctionalInterface
    public interface EntryVisitor {
        void visit(long mac, int port, long lastSeenNanos);
    }

    private static final long EMPTY = -1L; // never a MAC: those have 48 bits
    private static final int INITIAL_CAPACITY = 64;

    private final int maxEntries;
    private final long agingNanos;
    private long[] macs;
    private int[] ports;
    private long[] lastSeen;
    private int size;

    public MacTable(int maxEntries, long agingNanos) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be positive: " + maxEntries);
        }
        this.maxEntries = maxEntries;
        this.agingNanos = agingNanos;
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
        int slot = find(mac);
        if (slot >= 0) {
            lastSeen[slot] = nowNanos;
            if (ports[slot] == port) {
                return Learned.REFRESHED;
            }
            ports[slot] = port;
            return Learned.MOVED;
        }
        if (size >= maxEntries) {
            return Learned.TABLE_FULL;
        }
        if ((size + 1) * 2 > macs.length) {
            allocate(macs.length * 2);
        }
        insert(mac, port, nowNanos);
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

    private void insert(long mac, int port, long nowNanos) {
        int mask = macs.length - 1;
        int slot = home(mac, mask);
        while (macs[slot] != EMPTY) {
            slot = (slot + 1) & mask;
        }
        macs[slot] = mac;
        ports[slot] = port;
        lastSeen[slot] = nowNanos;
    }

    /** Backward-shift deletion: keeps every probe chain unbroken without tombstones. */
    private void delete(int slot) {
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
        macs = new long[capacity];
        ports = new int[capacity];
        lastSeen = new long[capacity];
        java.util.Arrays.fill(macs, EMPTY);
        if (oldMacs != null) {
            for (int i = 0; i < oldMacs.length; i++) {
                if (oldMacs[i] != EMPTY) {
                    insert(oldMacs[i], oldPorts[i], oldSeen[i]);
                }
            }
        }
    }

    private static int home(long mac, int mask) {
        long h = mac * 0x9E37_79B9_7F4A_7C15L; // Fibonacci hashing spreads the vendor-prefix-heavy bits
        return (int) (h >>> 32) & mask;
    }
}
