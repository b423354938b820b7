package dev.vswitch.vport.link;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * UDP on 127.0.0.1 in memory, for tests of the secure link: switches (anything that takes datagrams) are bound at
 * addresses, and a vport reaches them through a {@link MemorySwitchConnection}. A datagram is handed to whatever is
 * bound at its address on the sender's thread, so when a send returns, the switch has handled it and its answer waits
 * in the vport's queue. A datagram to an address where nothing is bound is lost, and the sender hears "port
 * unreachable", as from the loopback interface.
 */
public final class MemoryNetwork {

    /** What is bound at an address: takes each datagram sent there, on the sender's thread. */
    @FunctionalInterface
    public interface Receiver {
        void receive(byte[] datagram, InetSocketAddress from);
    }

    /** One datagram as it arrived. */
    public record Datagram(byte[] bytes, InetSocketAddress from) {
    }

    /** A switch that takes datagrams and never answers by itself; the test reads them and answers by hand if at all. */
    public static final class Silent implements Receiver {

        public final BlockingQueue<Datagram> received = new LinkedBlockingQueue<>();

        @Override
        public void receive(byte[] datagram, InetSocketAddress from) {
            received.add(new Datagram(datagram, from));
        }
    }

    private final Map<InetSocketAddress, Receiver> bound = new ConcurrentHashMap<>();
    /** Ports are handed out once each, so an address never reaches something bound there before. */
    private final AtomicInteger lastPort = new AtomicInteger(40_000);

    /** A fresh address on 127.0.0.1 at which nothing is bound (yet). */
    public InetSocketAddress newAddress() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), lastPort.incrementAndGet());
    }

    /** Binds {@code receiver} at a fresh address and returns that. */
    public InetSocketAddress bind(Receiver receiver) {
        InetSocketAddress address = newAddress();
        bind(address, receiver);
        return address;
    }

    /** Binds {@code receiver} at {@code address}, in place of what was there: a switch restarted on the same port. */
    public void bind(InetSocketAddress address, Receiver receiver) {
        bound.put(address, receiver);
    }

    /** Nothing is bound at {@code address} any more: a switch that died. */
    public void unbind(InetSocketAddress address) {
        bound.remove(address);
    }

    /** Datagrams longer than this are lost on the way, as on a path that drops IP fragments. */
    private volatile int largestCarried = Integer.MAX_VALUE;

    /** From now on, datagrams longer than {@code bytes} are lost; {@link Integer#MAX_VALUE}: none are. */
    public void carryAtMost(int bytes) {
        largestCarried = bytes;
    }

    /** Hands {@code datagram} to what is bound at {@code to}; false when nothing is (port unreachable). */
    public boolean send(byte[] datagram, InetSocketAddress from, InetSocketAddress to) {
        Receiver receiver = bound.get(to);
        if (receiver == null) {
            return false;
        }
        if (datagram.length > largestCarried) {
            return true; // sent, and lost on the way
        }
        receiver.receive(datagram.clone(), from);
        return true;
    }

    /** The vport's side: a connection to {@code remote}, counting what it drops in {@code counters}. */
    public MemorySwitchConnection connect(InetSocketAddress remote, LinkCounters counters) {
        return new MemorySwitchConnection(this, remote, counters);
    }
}
