package dev.vswitch.vport.secure;

import dev.vswitch.protocol.offload.Segmenter;
import dev.vswitch.protocol.offload.VirtioNetHeader;
import dev.vswitch.protocol.wire.WireFormat;
import dev.vswitch.vport.link.LinkCounters;
import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;

/**
 * The TAP-to-switch side of {@code --offload} for a frame whose virtio_net_hdr asks for something: a TCP segment of up to
 * 64 KB, or a checksum still to complete. When the switch has shown that it takes offload messages (it answered one), the
 * frame goes as one {@link WireFormat#TYPE_DATA_OFFLOAD} message, or as a few if it is larger than a datagram holds;
 * until then, or with a switch that never does, vport cuts it into ordinary frames itself, as the kernel would have.
 * Only the TAP-to-switch thread uses an instance.
 */
final class OffloadSender {

    /** Seals and sends one message of {@code type} carrying {@code payload}'s remaining bytes, counting {@code frameBytes}. */
    interface Out {
        void send(byte type, ByteBuffer payload, int frameBytes);
    }

    /** The largest frame an offload message carries, with its header, so the sealed message fits in one datagram. */
    static final int MAX_OFFLOAD_FRAME = WireFormat.MAX_PLAINTEXT - VirtioNetHeader.LENGTH;

    private final Segmenter segmenter = new Segmenter(true);
    private final Segmenter.Sink sendPiece = this::sendPiece;
    private final int maxSegmentFrame;
    private final BooleanSupplier switchTakesOffload;
    private final LinkCounters counters;
    private final Out out;

    /** @param maxSegmentFrame the largest frame one segment may be: the TAP's MTU plus the Ethernet header */
    OffloadSender(int maxSegmentFrame, BooleanSupplier switchTakesOffload, LinkCounters counters, Out out) {
        this.maxSegmentFrame = maxSegmentFrame;
        this.switchTakesOffload = switchTakesOffload;
        this.counters = counters;
        this.out = out;
    }

    /** Sends the header and frame in {@code packet[0, length)}. */
    void send(ByteBuffer packet, int length) {
        int largest = Segmenter.segmentFrameLength(packet, 0, length);
        if (largest < 0) {
            counters.drop(LinkCounters.Drop.MALFORMED);
            return;
        }
        if (largest > maxSegmentFrame) {
            counters.drop(LinkCounters.Drop.OVERSIZE);
            return;
        }
        boolean whole = switchTakesOffload.getAsBoolean();
        if (whole && length - VirtioNetHeader.LENGTH <= MAX_OFFLOAD_FRAME) {
            packet.position(0).limit(length);
            out.send(WireFormat.TYPE_DATA_OFFLOAD, packet, length - VirtioNetHeader.LENGTH);
            counters.sentOffload();
            return;
        }
        segmenter.split(packet, 0, length, whole ? Integer.MAX_VALUE : 1, whole ? MAX_OFFLOAD_FRAME : maxSegmentFrame, sendPiece);
    }

    private boolean sendPiece(ByteBuffer piece) {
        int frameBytes = piece.limit() - VirtioNetHeader.LENGTH;
        if (VirtioNetHeader.isPlain(piece, 0)) {
            piece.position(VirtioNetHeader.LENGTH);
            out.send(WireFormat.TYPE_DATA, piece, frameBytes);
        } else {
            piece.position(0);
            out.send(WireFormat.TYPE_DATA_OFFLOAD, piece, frameBytes);
            counters.sentOffload();
        }
        return true;
    }
}
