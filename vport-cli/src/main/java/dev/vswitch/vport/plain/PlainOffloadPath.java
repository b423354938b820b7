package dev.vswitch.vport.plain;

import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.Mtu;
import dev.vswitch.protocol.offload.PlainOffloadFrame;
import dev.vswitch.protocol.offload.TcpCoalescer;
import dev.vswitch.protocol.offload.VirtioNetHeader;
import dev.vswitch.vport.link.FrameLimits;
import dev.vswitch.vport.link.FrameTrace;
import dev.vswitch.vport.link.LinkCounters;
import dev.vswitch.vport.link.OffloadSender;
import dev.vswitch.vport.link.PathProof;
import dev.vswitch.vport.link.SwitchLink;
import dev.vswitch.vport.link.TapReaders;
import dev.vswitch.vport.tap.FrameDevice;
import java.nio.ByteBuffer;
import java.util.function.BooleanSupplier;

/**
 * The plain format's frames with {@code --offload}, where the TAP reads and writes a virtio_net_hdr before every frame.
 * To the switch, a frame that needs nothing done goes as it is, so the seed's switch takes it; one with offload work
 * goes through an {@link OffloadSender}: whole as a {@link PlainOffloadFrame} once the switch has answered a keepalive
 * in kind, else cut into ordinary frames. From the switch, an offload frame goes onto the TAP with its own header, an
 * ordinary frame behind an all-zero one ("nothing to do"); the ordinary TCP frames of one flow that arrive together are
 * joined into one super-frame first ({@link TcpCoalescer}), as the secure format's are.
 *
 * <p>Neither direction copies a frame: the TAP reads {@link PlainOffloadFrame#PACKET_OFFSET} bytes into the datagram
 * buffer, so that the offload frame's header is written in front of what it read, and datagrams from the switch are
 * received {@link VirtioNetHeader#LENGTH} bytes into a buffer whose first bytes stay zero. Only a piece that the
 * segmenter cut from a super-frame too large for one offload frame is copied, behind a header of its own. Each
 * forwarding thread makes its own {@link ToSwitch} or {@link FromSwitch} and with it owns its buffers, so forwarding
 * allocates nothing.
 */
final class PlainOffloadPath {

    private final FrameDevice tap;
    private final SwitchLink link;
    private final LinkCounters counters;
    private final FrameTrace trace;
    private final int maxFrameLength;
    private final BooleanSupplier switchTakesOffload;
    private final PathProof path;

    /**
     * @param maxFrameLength     the longest ordinary frame sent to the switch, as {@link FrameLimits#maxFrameLength}
     * @param switchTakesOffload whether offload frames may go to the switch now
     * @param path               whether the path carries them (--offload=auto), or is trusted to (on)
     * @param trace              per-frame trace for {@code -v}, or null
     */
    PlainOffloadPath(FrameDevice tap, SwitchLink link, LinkCounters counters, int maxFrameLength,
            BooleanSupplier switchTakesOffload, PathProof path, FrameTrace trace) {
        this.tap = tap;
        this.link = link;
        this.counters = counters;
        this.maxFrameLength = maxFrameLength;
        this.switchTakesOffload = switchTakesOffload;
        this.path = path;
        this.trace = trace;
    }

    /** One forwarding thread's buffers and sender for frames from the TAP. */
    final class ToSwitch implements TapReaders.Reader, OffloadSender.Out {

        /** [room for the offload frame's header][virtio_net_hdr][frame]: the datagram of an offload frame. */
        private final ByteBuffer datagram = ByteBuffer.allocateDirect(PlainOffloadFrame.PACKET_OFFSET + VirtioNetHeader.LENGTH
                + FrameLimits.BUFFER_BYTES);
        /** What the TAP reads into: {@link #datagram} from the virtio_net_hdr on. */
        private final ByteBuffer packet = datagram.slice(PlainOffloadFrame.PACKET_OFFSET,
                datagram.capacity() - PlainOffloadFrame.PACKET_OFFSET);
        /** An offload frame around a piece of the segmenter's, which has no room in front. */
        private final ByteBuffer pieceDatagram = ByteBuffer.allocateDirect(Mtu.MAX_DATAGRAM);
        private final OffloadSender sender = new OffloadSender(maxFrameLength, PlainOffloadFrame.MAX_CARRIED_FRAME,
                switchTakesOffload, path, counters, this);

        @Override
        public boolean forwardOne() {
            int length = tap.readNow(packet);
            if (length == 0) {
                return false;
            }
            int frameLength = length - VirtioNetHeader.LENGTH;
            if (trace != null && frameLength >= EthernetFrame.HEADER_LENGTH) {
                trace.frame("tap->switch", packet.slice(VirtioNetHeader.LENGTH, frameLength), frameLength);
            }
            if (!VirtioNetHeader.isPlain(packet, 0)) {
                sender.send(packet, length);
            } else if (frameLength > maxFrameLength) {
                counters.drop(LinkCounters.Drop.OVERSIZE);
            } else {
                packet.position(VirtioNetHeader.LENGTH);
                sendFrame(packet);
            }
            return true;
        }

        @Override
        public void sendFrame(ByteBuffer frame) {
            int frameLength = frame.remaining();
            if (link.send(frame)) {
                counters.sentToSwitch(frameLength);
            }
        }

        /** The TAP's own read has the room for the header in front; a piece of the segmenter's is copied behind one. */
        @Override
        public void sendPacket(ByteBuffer carried) {
            ByteBuffer out;
            if (carried == packet) {
                out = datagram.limit(PlainOffloadFrame.PACKET_OFFSET + carried.limit()).position(0);
            } else {
                out = pieceDatagram.clear().position(PlainOffloadFrame.PACKET_OFFSET).put(carried).flip();
            }
            PlainOffloadFrame.writeHeader(out, 0);
            int frameLength = out.remaining() - PlainOffloadFrame.OVERHEAD;
            if (link.send(out)) {
                counters.sentToSwitch(frameLength);
            }
        }
    }

    /** The switch-to-TAP thread's buffers, and the frames it holds back to join them. */
    final class FromSwitch {

        private final TcpCoalescer coalescer = new TcpCoalescer(this::writeToTap);
        /** Something went onto the TAP since {@link #endOfBatch} last said so. */
        private boolean wrote;

        /** [virtio_net_hdr, left all zero][datagram]: an ordinary frame as the TAP takes it. */
        private final ByteBuffer packet = ByteBuffer.allocateDirect(VirtioNetHeader.LENGTH + FrameLimits.BUFFER_BYTES);
        /** What datagrams are received into: {@link #packet} after its header. */
        private final ByteBuffer datagram = packet.slice(VirtioNetHeader.LENGTH, FrameLimits.BUFFER_BYTES);

        /** The buffer to receive datagrams into; frames among them then go to {@link #deliver}. */
        ByteBuffer receiveBuffer() {
            return datagram;
        }

        /**
         * Takes the datagram of {@code length} bytes in {@link #receiveBuffer()}, a frame or an offload frame, for the
         * TAP: an ordinary frame may be held back to be joined with the next ones, until {@link #endOfBatch}.
         */
        void deliver(int length) {
            if (!PlainOffloadFrame.is(datagram, 0, length)) {
                if (trace != null) {
                    trace.frame("switch->tap", datagram, length);
                }
                coalescer.add(packet.limit(VirtioNetHeader.LENGTH + length).position(0));
                return;
            }
            if (PlainOffloadFrame.segmentFrameLength(datagram, 0, length) < 0) {
                counters.drop(LinkCounters.Drop.MALFORMED);
                return;
            }
            int frameLength = length - PlainOffloadFrame.OVERHEAD;
            if (trace != null) {
                trace.frame("switch->tap", datagram.slice(PlainOffloadFrame.OVERHEAD, frameLength), frameLength);
            }
            if (!VirtioNetHeader.isPlain(datagram, PlainOffloadFrame.PACKET_OFFSET)) {
                counters.receivedOffload();
                if (VirtioNetHeader.gsoType(datagram, PlainOffloadFrame.PACKET_OFFSET) != VirtioNetHeader.GSO_NONE) {
                    path.used();
                }
            }
            coalescer.flush(); // frames held back go first, in the order they came
            writeToTap(datagram.limit(length).position(PlainOffloadFrame.PACKET_OFFSET), 1, frameLength);
        }

        /** No datagram is waiting: what is held goes onto the TAP. True when anything went there since the last call. */
        boolean endOfBatch() {
            coalescer.flush();
            boolean any = wrote;
            wrote = false;
            return any;
        }

        private void writeToTap(ByteBuffer out, int frames, int frameBytes) {
            wrote |= counters.tapWrite(tap.write(out), frames, frameBytes);
        }
    }
}
