package dev.vswitch.vport.link;

import dev.vswitch.protocol.offload.Segmenter;
import dev.vswitch.protocol.offload.VirtioNetHeader;
import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;

/**
 * The TAP-to-switch side of {@code --offload} for a frame whose virtio_net_hdr asks for something: a TCP segment of up to
 * 64 KB, or a checksum still to complete. When the switch has shown that it takes offload packets (the secure protocol's
 * offload messages, the plain format's offload frames), the frame goes as one, or as a few if it is larger than one
 * holds; until then, or with a switch that never does, vport cuts it into ordinary frames itself, as the kernel would
 * have. The protocol decides how each goes on the wire ({@link Out}). With {@code --offload=auto} a {@link PathProof}
 * must also say that the path carries large datagrams; a segment of several MSS sent whole tells it that they are in
 * use. Not thread-safe: each thread that forwards from the TAP has its own.
 */
public final class OffloadSender {

    /** How the protocol sends what this makes; the buffer's remaining bytes are valid only during the call. */
    public interface Out {
        /** Sends an ordinary Ethernet frame, one that needs nothing more done to it. */
        void sendFrame(ByteBuffer frame);

        /** Sends an offload packet: a virtio_net_hdr and the frame it describes, for a switch that takes them. */
        void sendPacket(ByteBuffer packet);

        /**
         * Every piece of the packet has been handed over: what the protocol held back to send together (the segments
         * of one TCP segment, in one system call) goes now.
         */
        default void endOfPacket() {
        }
    }

    private final Segmenter segmenter = new Segmenter(true);
    private final Segmenter.Sink sendPiece = this::sendPiece;
    private final int maxSegmentFrame;
    private final int maxPacketFrame;
    private final BooleanSupplier switchTakesOffload;
    private final PathProof path;
    private final LinkCounters counters;
    private final Out out;

    /**
     * @param maxSegmentFrame the largest frame one segment may be: the TAP's MTU plus the Ethernet header
     * @param maxPacketFrame  the largest frame one offload packet may carry, so that it fits in one datagram
     */
    public OffloadSender(int maxSegmentFrame, int maxPacketFrame, BooleanSupplier switchTakesOffload, PathProof path,
            LinkCounters counters, Out out) {
        this.maxSegmentFrame = maxSegmentFrame;
        this.maxPacketFrame = maxPacketFrame;
        this.switchTakesOffload = switchTakesOffload;
        this.path = path;
        this.counters = counters;
        this.out = out;
    }

    /** Sends the header and frame in {@code packet[0, length)}. */
    public void send(ByteBuffer packet, int length) {
        int largest = Segmenter.segmentFrameLength(packet, 0, length);
        if (largest < 0) {
            counters.drop(LinkCounters.Drop.MALFORMED);
            return;
        }
        if (largest > maxSegmentFrame) {
            counters.drop(LinkCounters.Drop.OVERSIZE);
            return;
        }
        boolean whole = switchTakesOffload.getAsBoolean() && path.usable();
        if (whole && largest < length - VirtioNetHeader.LENGTH) {
            path.used();
        }
        if (whole && length - VirtioNetHeader.LENGTH <= maxPacketFrame) {
            packet.position(0).limit(length);
            out.sendPacket(packet);
            counters.sentOffload();
            return;
        }
        segmenter.split(packet, 0, length, whole ? Integer.MAX_VALUE : 1, whole ? maxPacketFrame : maxSegmentFrame, sendPiece);
        out.endOfPacket();
    }

    private boolean sendPiece(ByteBuffer piece) {
        if (VirtioNetHeader.isPlain(piece, 0)) {
            piece.position(VirtioNetHeader.LENGTH);
            out.sendFrame(piece);
        } else {
            piece.position(0);
            out.sendPacket(piece);
            counters.sentOffload();
        }
        return true;
    }
}
