package dev.vswitch.server.udp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;

/**
 * The datagrams a batch of reads makes the switch send, gathered into UDP GSO sends: consecutive datagrams to one
 * destination, all of one length but the last, leave as one {@link SegmentedDatagramPacket} that the kernel cuts into
 * datagrams (late, on the device, or not at all for a receiver that reads with UDP GRO). A TCP segment a vport cut into
 * 45 frames arrives in a batch of reads and leaves to the other vport as one send instead of 45, as wireguard-go sends.
 *
 * <p>The first datagram of a run is held as it is; only when a second one joins are both copied into one buffer, so a
 * lone datagram (an ACK, a keepalive reply) costs no copy. Nothing is held past {@link #writeOut}, which the edge calls
 * when the batch ends. Event loop only.
 */
final class SegmentRuns {

    /** Linux's UDP_MAX_SEGMENTS. */
    static final int MAX_SEGMENTS = 64;
    /** The most one UDP send may carry over IPv4: 65,535 minus the IP and UDP headers. */
    static final int MAX_BYTES = 65_507;

    private final Channel channel;
    private final ByteBufAllocator buffers;
    /** The run's first datagram, until a second joins it; then null. */
    private ByteBuf first;
    /** The run's datagrams back to back, once it has two. */
    private ByteBuf run;
    private InetSocketAddress to;
    private int segment;
    private int count;
    private int bytes;
    /** A shorter datagram joined: it must be the last. */
    private boolean ended;
    private long segmentedSends;

    SegmentRuns(Channel channel, ByteBufAllocator buffers) {
        this.channel = channel;
        this.buffers = buffers;
    }

    /** Takes {@code datagram} (and its reference) for {@code recipient}: into the current run, or it starts the next. */
    void add(ByteBuf datagram, InetSocketAddress recipient) {
        int length = datagram.readableBytes();
        if (count > 0 && (ended || length > segment || count == MAX_SEGMENTS || bytes + length > MAX_BYTES
                || !recipient.equals(to))) {
            writeOut();
        }
        if (count == 0) {
            first = datagram;
            to = recipient;
            segment = length;
        } else {
            if (run == null) {
                run = buffers.directBuffer(MAX_BYTES);
                run.writeBytes(first);
                first.release();
                first = null;
            }
            run.writeBytes(datagram);
            datagram.release();
            ended = length < segment;
        }
        count++;
        bytes += length;
    }

    /** Writes the run (not flushed: the edge flushes the batch's writes together). */
    void writeOut() {
        if (count == 0) {
            return;
        }
        if (run == null) {
            channel.write(new DatagramPacket(first, to), channel.voidPromise());
        } else {
            channel.write(new SegmentedDatagramPacket(run, segment, to), channel.voidPromise());
            segmentedSends++;
        }
        first = null;
        run = null;
        to = null;
        count = 0;
        bytes = 0;
        ended = false;
    }

    /** Sends that carried several datagrams. */
    long segmentedSends() {
        return segmentedSends;
    }
}
