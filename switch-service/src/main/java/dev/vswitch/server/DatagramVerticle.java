package dev.vswitch.server;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.net.SocketAddress;

/**
 * A UDP port of the switch: one Vert.x datagram socket whose packets, and a once-a-second sweep, are all
 * handled on this verticle's event loop, so the switching state behind it needs no locks.
 */
public abstract class DatagramVerticle extends AbstractVerticle {

    private static final long SWEEP_INTERVAL_MS = 1000;
    private static final long SWEEP_INTERVAL_NANOS = SWEEP_INTERVAL_MS * 1_000_000;
    /** One datagram in 64 is timed: enough for a latency histogram, cheap enough for the data path. */
    private static final int TIMING_SAMPLE_MASK = 63;

    private final SwitchConfig config;
    private final int port;
    private final PortTimings timings;
    private DatagramSocket socket;
    private int datagrams;
    private long lastSweepNanos;

    protected DatagramVerticle(SwitchConfig config, int port, PortTimings timings) {
        this.config = config;
        this.port = port;
        this.timings = timings;
    }

    @Override
    public void start(Promise<Void> started) {
        socket = vertx.createDatagramSocket(new DatagramSocketOptions()
                .setIpV6(config.host().contains(":"))
                .setReceiveBufferSize(config.socketBufferSize())
                .setSendBufferSize(config.socketBufferSize()));
        socket.handler(this::timedDatagram);
        socket.exceptionHandler(error -> { }); // ICMP errors from vanished vports: nothing to do
        socket.listen(port, config.host())
                .onSuccess(bound -> {
                    lastSweepNanos = System.nanoTime();
                    vertx.setPeriodic(SWEEP_INTERVAL_MS, id -> timedSweep());
                    listening();
                    started.complete();
                })
                .onFailure(started::fail);
    }

    @Override
    public void stop() {
        socket.close();
    }

    /** The bound UDP port (differs from the configured one when that was 0). */
    public int boundPort() {
        return socket.localAddress().port();
    }

    /** Runs {@code task} on this verticle's event loop, the only thread that touches its switching state. */
    public void runOnEventLoop(Runnable task) {
        context.runOnContext(ignored -> task.run());
    }

    private void timedDatagram(DatagramPacket packet) {
        if ((++datagrams & TIMING_SAMPLE_MASK) != 0) {
            onDatagram(packet);
            return;
        }
        long start = System.nanoTime();
        onDatagram(packet);
        timings.forwarding(System.nanoTime() - start);
    }

    private void timedSweep() {
        long now = System.nanoTime();
        timings.eventLoopLag(Math.max(0, now - lastSweepNanos - SWEEP_INTERVAL_NANOS));
        lastSweepNanos = now;
        sweep(now);
    }

    /** Called on the event loop once the port is bound, before the verticle counts as started. */
    protected void listening() {
    }

    protected abstract void onDatagram(DatagramPacket packet);

    /** Ages out what has gone quiet; called about once a second. */
    protected abstract void sweep(long nowNanos);

    protected void send(Buffer datagram, SocketAddress to) {
        socket.send(datagram, to.port(), to.host());
    }
}
