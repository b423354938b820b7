package dev.vswitch.switching;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The live ports of one network, found by endpoint or by id, and kept densely so that a flood walks an
 * array. Ids are reused after a port leaves, which keeps them small. The port limit counts vports only:
 * trunks (one per other replica) are few, and a network full of vports must still reach its replicas.
 */
public final class PortTable<E> {

    private final int maxPorts;
    private final L2Safety safety;
    private final Map<E, Port<E>> byEndpoint = new HashMap<>();
    private final ArrayDeque<Integer> freeIds = new ArrayDeque<>();
    @SuppressWarnings("unchecked")
    private Port<E>[] byId = new Port[16];
    @SuppressWarnings("unchecked")
    private Port<E>[] live = new Port[16];
    private int liveCount;
    private int trunkCount;
    private int nextId;

    public PortTable(int maxPorts, L2Safety safety) {
        if (maxPorts < 1) {
            throw new IllegalArgumentException("maxPorts must be positive: " + maxPorts);
        }
        this.maxPorts = maxPorts;
        this.safety = safety;
    }

    public Port<E> find(E endpoint) {
        return byEndpoint.get(endpoint);
    }

    public Port<E> get(int id) {
        return id >= 0 && id < byId.length ? byId[id] : null;
    }

    /** Attaches a new port for {@code endpoint}, or returns null when the table is full. */
    public Port<E> attach(E endpoint, long nowNanos) {
        return liveCount - trunkCount >= maxPorts ? null : add(endpoint, nowNanos, false);
    }

    /** Attaches a trunk port for {@code endpoint}, a link to another replica; the port limit does not apply. */
    public Port<E> attachTrunk(E endpoint, long nowNanos) {
        trunkCount++;
        return add(endpoint, nowNanos, true);
    }

    private Port<E> add(E endpoint, long nowNanos, boolean trunk) {
        int id = freeIds.isEmpty() ? nextId++ : freeIds.poll();
        Port<E> port = new Port<>(id, endpoint, nowNanos, safety, trunk);
        if (id >= byId.length) {
            byId = Arrays.copyOf(byId, Math.max(byId.length * 2, id + 1));
        }
        byId[id] = port;
        if (liveCount == live.length) {
            live = Arrays.copyOf(live, live.length * 2);
        }
        port.slot = liveCount;
        live[liveCount++] = port;
        byEndpoint.put(endpoint, port);
        return port;
    }

    public void detach(Port<E> port) {
        if (byId[port.id()] != port) {
            return;
        }
        byId[port.id()] = null;
        byEndpoint.remove(port.endpoint());
        Port<E> last = live[--liveCount];
        live[port.slot] = last;
        last.slot = port.slot;
        live[liveCount] = null;
        freeIds.add(port.id());
        if (port.isTrunk()) {
            trunkCount--;
        }
    }

    /** The live ports, valid up to {@link #size()}; callers must not keep or change the array. */
    Port<E>[] liveView() {
        return live;
    }

    public int size() {
        return liveCount;
    }

    /** Live trunk ports, included in {@link #size()}. */
    public int trunkCount() {
        return trunkCount;
    }

    public int maxPorts() {
        return maxPorts;
    }

    public void forEach(Consumer<Port<E>> action) {
        for (int i = 0; i < liveCount; i++) {
            action.accept(live[i]);
        }
    }
}
