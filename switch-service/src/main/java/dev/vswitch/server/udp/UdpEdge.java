package dev.vswitch.server.udp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannelConfig;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.InternetProtocolFamily;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.Promise;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.impl.VertxInternal;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The switch's edge to one UDP port: one Netty datagram channel on this verticle's event loop, which hands every
 * datagram, and a sweep about once a second, to its {@link DatagramHandler} (the secure port, the legacy port), and
 * sends for it. Datagrams, sweeps and {@link #runOnEventLoop} tasks all run on one thread, so the switching state behind
 * the handler needs no locks. The handler sees only {@link DatagramPort}: tests drive it with a recording one, no socket.
 *
 * <p>Netty rather than Vert.x's {@code DatagramSocket}, because the data path must not copy or allocate per
 * datagram: Vert.x copies every datagram into a heap buffer and sizes each read by the socket's receive
 * buffer (4 MiB, zeroed, per datagram), and resolves the destination host on every send. Here a datagram
 * is read into a pooled direct buffer (on epoll up to 16 with one {@code recvmmsg}), handed to the handler as a
 * {@link ByteBuffer} view and released; replies are written into pooled direct buffers and flushed once per batch of reads, which on
 * the epoll transport becomes one {@code sendmmsg}, consecutive datagrams of one length to one destination gathered into
 * one UDP GSO send ({@link SegmentRuns}) where the kernel has it. The kernel's send queue is the only queue: when it is
 * full, {@link #send} refuses the datagram, which the caller counts as a drop.
 */
public final class UdpEdge<H extends DatagramHandler> extends AbstractVerticle implements DatagramPort {

    private static final Logger LOG = Logger.getLogger(UdpEdge.class);
    /** The default host: every address of both families, IPv4 clients arriving as IPv4 addresses (Netty maps them). */
    public static final String EVERY_ADDRESS = "::";
    private static final String EVERY_IPV4_ADDRESS = "0.0.0.0";
    private static final long FAILURE_LOG_INTERVAL_NANOS = 10_000_000_000L;

    private static final long SWEEP_INTERVAL_MS = 1000;
    private static final long SWEEP_INTERVAL_NANOS = SWEEP_INTERVAL_MS * 1_000_000;
    /** One datagram in 64 is timed: enough for a latency histogram, cheap enough for the data path. */
    private static final int TIMING_SAMPLE_MASK = 63;
    /** Every read can take the largest UDP payload; pooled, so its size costs nothing per datagram. */
    private static final int READ_BUFFER_BYTES = 65_536;
    /** Datagrams one read takes at once on the epoll transport: one {@code recvmmsg} into one pooled buffer. */
    private static final int DATAGRAMS_PER_READ = 16;
    /** Outgoing bytes Netty may hold beyond the kernel's send buffer before {@link #send} refuses more. */
    private static final WriteBufferWaterMark SEND_QUEUE = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);
    /** Netty's page size; 8 KiB << 11 gives chunks of 16 MiB. */
    private static final int POOL_PAGE_BYTES = 8192;
    private static final int POOL_MAX_ORDER = 11;

    private final String host;
    private final int port;
    private final int socketBufferSize;
    private final PortTimings timings;
    private final PooledByteBufAllocator buffers;
    private final H handler;
    private DatagramChannel channel;
    /** Gathers a batch's sends into GSO sends; null without UDP GSO (another transport, a kernel before 4.18). */
    private SegmentRuns runs;
    private boolean reading;
    private volatile String boundHost;
    private long lastFailureLogNanos = Long.MIN_VALUE / 2;
    private int datagrams;
    private long lastSweepNanos;

    /**
     * @param host             the address to bind ({@link #EVERY_ADDRESS} falls back to IPv4 only on a host without IPv6)
     * @param socketBufferSize the socket's receive and send buffer, in bytes
     * @param buffers          where read and send buffers come from: a {@link #newBufferPool()} the switch shares
     * @param handlers         makes the handler, given the port it sends through (this edge, not yet bound)
     */
    public UdpEdge(String host, int port, int socketBufferSize, PortTimings timings, PooledByteBufAllocator buffers,
                   Function<DatagramPort, H> handlers) {
        this.host = host;
        this.port = port;
        this.socketBufferSize = socketBufferSize;
        this.timings = timings;
        this.buffers = buffers;
        this.handler = handlers.apply(this);
    }

    /**
     * A buffer pool for the ports, with 16 MiB chunks. Quarkus sets Netty's shared pool to 64 KiB chunks
     * ({@code io.netty.allocator.maxOrder=3}), too small for a read buffer of 16 datagrams of the largest size or
     * a 64 KB offload message: each of those was allocated outside the pool, a new direct buffer zeroed and freed
     * again per read and per send (a third of the switch's CPU while it forwarded pings 10 ms apart). From this pool
     * they come from one chunk that lives as long as the switch, and what is in flight stays well below the quarter of
     * it at which Netty would free an emptied chunk. The switch makes one when it starts and hands it to its ports:
     * never held in a static field, because Quarkus initialises classes while it builds a native image, and a pool
     * made then would sit in the image heap, which the builder refuses.
     */
    public static PooledByteBufAllocator newBufferPool() {
        return new PooledByteBufAllocator(true, 0, 1, POOL_PAGE_BYTES, POOL_MAX_ORDER,
                PooledByteBufAllocator.defaultSmallCacheSize(), PooledByteBufAllocator.defaultNormalCacheSize(),
                PooledByteBufAllocator.defaultUseCacheForAllThreads());
    }

    /** What handles this port's datagrams; touch its state only on the event loop ({@link #runOnEventLoop}). */
    public H handler() {
        return handler;
    }

    @Override
    public void start(Promise<Void> started) {
        Promise<Void> firstTry = Promise.promise();
        start(host, firstTry);
        firstTry.future().onComplete(result -> {
            if (result.succeeded() || !EVERY_ADDRESS.equals(host)) {
                started.handle(result);
                return;
            }
            // "::" (the default) takes IPv6 and IPv4 on one socket; a host without IPv6 cannot open it at all.
            LOG.warnf("no IPv6 on this host (%s): udp port %d listens on IPv4 only (0.0.0.0)",
                    result.cause().getMessage(), port);
            start(EVERY_IPV4_ADDRESS, started);
        });
    }

    /** Opens and binds the channel on {@code host}; completes {@code started} either way. */
    private void start(String host, Promise<Void> started) {
        boolean ipv6 = host.contains(":");
        try {
            channel = ((VertxInternal) vertx).transport()
                    .datagramChannel(ipv6 ? InternetProtocolFamily.IPv6 : InternetProtocolFamily.IPv4);
        } catch (RuntimeException e) {
            started.fail(e);
            return;
        }
        // On epoll a read buffer with room for several datagrams of the largest size makes Netty read them with one
        // recvmmsg and hand each on as a slice of it; elsewhere one datagram per read. Not UDP GRO: Netty's recvmmsg
        // loses a coalesced read's segment size, so the datagrams of a vport's GSO send arrived as one (netty/netty#17492,
        // UdpEdgeReadTest), and GRO through recvmsg instead, one read at a time, gave the offload path nothing measurable
        // while it slowed down ordinary frames, which then took one system call each (bench/RESULTS.md).
        boolean batchedReads = channel.config() instanceof EpollDatagramChannelConfig;
        if (batchedReads) {
            channel.config().setOption(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, READ_BUFFER_BYTES);
        }
        channel.config()
                .setAllocator(buffers)
                .setRecvByteBufAllocator(new FixedRecvByteBufAllocator(READ_BUFFER_BYTES * (batchedReads ? DATAGRAMS_PER_READ : 1)))
                .setReceiveBufferSize(socketBufferSize)
                .setSendBufferSize(socketBufferSize)
                .setWriteBufferWaterMark(SEND_QUEUE);
        if (batchedReads && SegmentedDatagramPacket.isSupported()) {
            runs = new SegmentRuns(channel, buffers);
        }
        channel.pipeline().addLast(new Inbound());
        ((ContextInternal) context).nettyEventLoop().register(channel).addListener(registered -> {
            if (!registered.isSuccess()) {
                started.fail(registered.cause());
                return;
            }
            channel.bind(new InetSocketAddress(host, port)).addListener(bound -> {
                if (!bound.isSuccess()) {
                    channel.close();
                    started.fail(bound.cause());
                    return;
                }
                boundHost = ipv6 ? "[" + host + "]" : host;
                lastSweepNanos = System.nanoTime();
                vertx.setPeriodic(SWEEP_INTERVAL_MS, id -> timedSweep());
                handler.listening();
                started.complete();
            });
        });
    }

    @Override
    public void stop() {
        handler.stopping();
        channel.close();
    }


    /** The address the port is bound to, as logs write it: {@code [::]}, {@code 0.0.0.0}, {@code 127.0.0.1}. */
    public String boundHost() {
        return boundHost;
    }

    /** The bound UDP port (differs from the configured one when that was 0). */
    public int boundPort() {
        return channel.localAddress().getPort();
    }

    @Override
    public void runOnEventLoop(Runnable task) {
        context.runOnContext(ignored -> {
            task.run();
            channel.flush();
        });
    }

    @Override
    public ByteBuf datagramBuffer(int capacity) {
        return channel.alloc().directBuffer(capacity);
    }

    /** Sends made while reading a batch go out together when the batch ends. */
    @Override
    public boolean send(ByteBuf datagram, InetSocketAddress to) {
        if (!channel.isWritable()) {
            datagram.release();
            return false;
        }
        if (reading && runs != null) {
            runs.add(datagram, to);
        } else if (reading) {
            channel.write(new DatagramPacket(datagram, to), channel.voidPromise());
        } else {
            channel.writeAndFlush(new DatagramPacket(datagram, to), channel.voidPromise());
        }
        return true;
    }

    /** Sends that carried several datagrams with UDP GSO; 0 without it. */
    public long segmentedSends() {
        return runs == null ? 0 : runs.segmentedSends();
    }

    private void timedDatagram(ByteBuffer message, InetSocketAddress sender) {
        long now = System.nanoTime();
        handler.onDatagram(message, sender, now);
        if ((++datagrams & TIMING_SAMPLE_MASK) == 0) {
            timings.forwarding(System.nanoTime() - now);
        }
    }

    private void timedSweep() {
        long now = System.nanoTime();
        timings.eventLoopLag(Math.max(0, now - lastSweepNanos - SWEEP_INTERVAL_NANOS));
        lastSweepNanos = now;
        handler.sweep(now);
        channel.flush();
    }

    /** Reads datagrams on the event loop; a batch's replies are flushed when the batch ends. */
    private final class Inbound extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            DatagramPacket packet = (DatagramPacket) msg;
            reading = true;
            try {
                ByteBuf content = packet.content();
                timedDatagram(content.internalNioBuffer(content.readerIndex(), content.readableBytes()), packet.sender());
            } finally {
                packet.release();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            reading = false;
            if (runs != null) {
                runs.writeOut();
            }
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // ICMP errors from vanished vports surface here (IOExceptions): nothing to do, the port ages out. Anything
            // else is a bug in handling one datagram: said, at most every 10 s, rather than swallowed.
            long now = System.nanoTime();
            if (!(cause instanceof IOException) && now - lastFailureLogNanos >= FAILURE_LOG_INTERVAL_NANOS) {
                lastFailureLogNanos = now;
                LOG.errorf(cause, "a datagram on udp port %d could not be handled; it was dropped", boundPort());
            }
        }
    }
}
