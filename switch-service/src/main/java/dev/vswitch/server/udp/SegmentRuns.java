package dev.vswitch.server.udp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import org.jboss.logging.Logger;

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

    private static final Logger LOG = Logger.getLogger(SegmentRuns.class);

    /** Linux's UDP_MAX_SEGMENTS. */
    static final int MAX_SEGMENTS = 64;
    /** The most one UDP send may carry over IPv4: 65,535 minus the IP and UDP headers. */
    static final int MAX_BYTES = 65_507;
    /**
     * Longer datagrams go on their own: each segment of a GSO send must fit one packet of the path, or the kernel refuses
     * the whole send (EINVAL). 1,452 bytes cross a 1500-byte path over IPv6 in one packet, as a full frame of a vport
     * with its default MTU does; 64 KB offload messages do not, and two of them must not be gathered.
     */
    static final int MAX_SEGMENT = 1500 - 40 - 8;

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
    /** A GSO send failed: from then on every datagram goes on its own. */
    private boolean failed;
    private final ChannelFutureListener checkSegmentedSend = this::checkSegmentedSend;

    SegmentRuns(Channel channel, ByteBufAllocator buffers) {
        this.channel = channel;
        this.buffers = buffers;
    }

    /** Takes {@code datagram} (and its reference) for {@code recipient}: into the current run, or it starts the next. */
    void add(ByteBuf datagram, InetSocketAddress recipient) {
        int length = datagram.readableBytes();
        if (length > MAX_SEGMENT || failed) {
            writeOut();
            channel.write(new DatagramPacket(datagram, recipient), channel.voidPromise());
            return;
        }
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
            channel.write(new SegmentedDatagramPacket(run, segment, to)).addListener(checkSegmentedSend);
            segmentedSends++;
        }
        first = null;
        run = null;
        to = null;
        count = 0;
        bytes = 0;
        ended = false;
    }

    /**
     * A kernel or device that refuses GSO sends would lose every gathered datagram: the first refusal turns gathering off,
     * and says so once. Those few datagrams are lost, as on any loss; TCP sends them again.
     */
    private void checkSegmentedSend(ChannelFuture sent) {
        if (!sent.isSuccess() && !failed) {
            failed = true;
            LOG.warnf("a UDP GSO send failed (%s): the switch sends its datagrams one by one from now on",
                    sent.cause() == null ? "no reason" : sent.cause().getMessage());
        }
    }

    /** Sends that carried several datagrams. */
    long segmentedSends() {
        return segmentedSends;
    }
}
