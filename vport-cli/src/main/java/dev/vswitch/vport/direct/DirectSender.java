package dev.vswitch.vport.direct;

import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.offload.VirtioNetHeader;
import dev.vswitch.protocol.wire.Session;
import dev.vswitch.protocol.wire.WireFormat;
import dev.vswitch.vport.link.DatagramSender;
import dev.vswitch.vport.link.FrameLimits;
import dev.vswitch.vport.link.LinkCounters;
import dev.vswitch.vport.link.OffloadSender;
import dev.vswitch.vport.link.PathProof;
import dev.vswitch.vport.link.SendBatch;
import java.nio.ByteBuffer;

/**
 * One TAP-reading thread's side of the direct paths: a frame whose destination lives behind a direct peer goes to it
 * straight, sealed in that peer's session; {@link #trySend} says no to every other frame, which then goes through the
 * switch. With {@code --offload} a TCP super-frame from the TAP is cut into ordinary frames here ({@link
 * OffloadSender}), as for a switch that does not take offload messages, sealed back to back into a {@link SendBatch}
 * and sent in one system call (UDP GSO). Its buffers are its thread's own.
 */
public final class DirectSender implements OffloadSender.Out {

    private final DirectPaths paths;
    private final LinkCounters counters;
    private final int prefix;
    private final int maxFrameLength;
    private final OffloadSender offload;
    private final ByteBuffer message = ByteBuffer.allocateDirect(FrameLimits.BUFFER_BYTES + WireFormat.DATA_OVERHEAD);
    /** The peer of the super-frame being cut, and its session. */
    private DirectPeer peer;
    private Session session;
    /** Sends the batch to {@link #peer}. */
    private final DatagramSender toPeer = new DatagramSender() {
        @Override
        public boolean send(ByteBuffer datagram) {
            return paths.sendSealed(peer, datagram);
        }

        @Override
        public boolean sendSegments(ByteBuffer datagrams, int segmentSize) {
            return paths.sendSegments(peer, datagrams, segmentSize);
        }
    };
    private final SendBatch batch = new SendBatch(toPeer, (frames, bytes) -> peer.framesOut.addAndGet(frames));

    /**
     * @param prefix         bytes before each frame read from the TAP: a virtio_net_hdr with {@code --offload}, else 0
     * @param maxFrameLength the longest frame the TAP's MTU allows
     */
    public DirectSender(DirectPaths paths, LinkCounters counters, int prefix, int maxFrameLength, PathProof path) {
        this.paths = paths;
        this.counters = counters;
        this.prefix = prefix;
        this.maxFrameLength = maxFrameLength;
        this.offload = prefix == 0 ? null
                : new OffloadSender(maxFrameLength, maxFrameLength, () -> false, path, counters, this);
    }

    /**
     * Sends the frame the TAP read into {@code frame[0, length)} straight to a peer if its destination lives behind one
     * with a direct path; false when it does not, and the frame is left for the switch.
     */
    public boolean trySend(ByteBuffer frame, int length) {
        if (length - prefix < EthernetFrame.HEADER_LENGTH) {
            return false;
        }
        DirectPeer to = paths.route(frame, prefix);
        if (to == null) {
            return false;
        }
        if (offload != null && !VirtioNetHeader.isPlain(frame, 0)) {
            session = to.sending();
            if (session == null) {
                return false; // the path went down since the lookup
            }
            peer = to;
            offload.send(frame, length);
            return true;
        }
        if (length - prefix > maxFrameLength) {
            return false; // the switch's path counts it as oversize
        }
        frame.limit(length).position(prefix);
        return paths.send(to, frame, message);
    }

    /** A frame cut from a super-frame: sealed into the batch, which leaves at the packet's end or when full. */
    @Override
    public void sendFrame(ByteBuffer frame) {
        int frameBytes = frame.remaining();
        ByteBuffer into = batch.room(frameBytes + WireFormat.DATA_OVERHEAD);
        synchronized (peer.sealLock) {
            session.seal(WireFormat.TYPE_DATA, frame, into);
        }
        batch.added(frameBytes);
    }

    @Override
    public void endOfPacket() {
        batch.send();
    }

    /** Never called: {@link OffloadSender} cuts everything into ordinary frames for a receiver that takes no offload. */
    @Override
    public void sendPacket(ByteBuffer packet) {
        counters.drop(LinkCounters.Drop.MALFORMED);
    }
}
