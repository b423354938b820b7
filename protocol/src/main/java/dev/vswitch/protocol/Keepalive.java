package dev.vswitch.protocol;

import java.nio.ByteBuffer;

/**
 * The vport's keepalive in the plain wire format. It must be harmless to the seed's {@code vswitch.py},
 * which learns the source address of every datagram and forwards by destination, so it is shaped as an
 * Ethernet frame that the seed learns from and then discards:
 *
 * <pre>
 *   request: dst 00:00:00:00:00:00  src = vport's MAC  type 0x88B5  "VSKA" 0x01
 *   reply:   dst = vport's MAC      src 00:00:00:00:00:00  type 0x88B5  "VSKA" 0x02
 * </pre>
 *
 * The all-zero destination is never in a MAC table, so the seed drops the request; our switch answers it
 * so that the vport knows the switch is alive. EtherType 0x88B5 is IEEE 802's "local experimental" type.
 *
 * <p>Kinds 0x03 and 0x04 are the same request and reply from a vport with {@code --offload}: the request says that the
 * vport takes {@link dev.vswitch.protocol.offload.PlainOffloadFrame}s, the reply that the switch does too. The seed
 * neither answers nor sends them, so a vport that talks to it never sends an offload frame.
 *
 * <p>In the secure protocol the switch's reply is {@link #REPLY_EXTENDED_LENGTH} bytes: after the kind, two bytes carry
 * the largest frame the switch forwards (big-endian), so that a vport whose TAP MTU is larger learns it and can say so
 * instead of losing every larger frame silently; one byte of flags ({@link #FLAG_DRAINING}); one zero byte. The plain
 * format keeps the seed's 19 bytes.
 *
 * <p>Kinds 0x05 and 0x06 are a path probe and its echo ({@code --offload=auto}): the same header, padded with zeros to
 * the size of the largest datagram the vport would send or receive, {@link #PROBE_MIN_LENGTH} bytes or more. A vport
 * uses datagrams that large only while the switch echoes its probes, padded to the same size: on a path that drops IP
 * fragments neither arrives, and the vport keeps to datagrams that fit the path MTU instead of losing every large one.
 * The echo is no larger than the probe, so a probe cannot make the switch amplify traffic.
 */
public final class Keepalive {

    public static final int ETHER_TYPE = 0x88B5;
    public static final int MAGIC = 0x56534B41; // "VSKA"
    public static final int LENGTH = EthernetFrame.HEADER_LENGTH + 5;
    /** A reply that also names the switch's largest frame and carries its flags. */
    public static final int REPLY_EXTENDED_LENGTH = LENGTH + 4;
    /** The switch is shutting down (draining): a vport that knows other replicas moves to one now. */
    public static final byte FLAG_DRAINING = 1;
    /**
     * The switch introduces vports to each other ({@link dev.vswitch.protocol.rendezvous.Rendezvous}): a vport may send it
     * its endpoints.
     */
    public static final byte FLAG_RENDEZVOUS = 2;
    public static final byte REQUEST = 1;
    public static final byte REPLY = 2;
    public static final byte REQUEST_OFFLOAD = 3;
    public static final byte REPLY_OFFLOAD = 4;
    /** A path probe: proves, when echoed, that datagrams of its size cross the path both ways. */
    public static final byte PROBE = 5;
    public static final byte PROBE_REPLY = 6;
    /** The smallest probe: longer than any other keepalive, so the length alone tells them apart. */
    public static final int PROBE_MIN_LENGTH = 64;

    private static final int MAGIC_OFFSET = EthernetFrame.HEADER_LENGTH;
    private static final int KIND_OFFSET = MAGIC_OFFSET + 4;

    private Keepalive() {
    }

    /** The kind of keepalive in {@code frame[offset, offset+length)}, or 0 when it is not a keepalive. */
    public static byte kind(ByteBuffer frame, int offset, int length) {
        if ((length != LENGTH && length != REPLY_EXTENDED_LENGTH && length < PROBE_MIN_LENGTH)
                || EthernetFrame.etherType(frame, offset) != ETHER_TYPE
                || frame.getInt(offset + MAGIC_OFFSET) != MAGIC) {
            return 0;
        }
        byte kind = frame.get(offset + KIND_OFFSET);
        if (length >= PROBE_MIN_LENGTH) {
            return kind == PROBE || kind == PROBE_REPLY ? kind : 0;
        }
        if (length == REPLY_EXTENDED_LENGTH && isRequest(kind)) {
            return 0;
        }
        return kind >= REQUEST && kind <= REPLY_OFFLOAD ? kind : 0;
    }

    /** The largest frame the switch forwards, from a reply that names it; 0 when it does not. */
    public static int maxFrameOf(ByteBuffer frame, int offset, int length) {
        return length == REPLY_EXTENDED_LENGTH ? Short.toUnsignedInt(frame.getShort(offset + LENGTH)) : 0;
    }

    /** The switch's flags from an extended reply ({@link #FLAG_DRAINING}); 0 for the seed's reply. */
    public static byte flagsOf(ByteBuffer frame, int offset, int length) {
        return length == REPLY_EXTENDED_LENGTH ? frame.get(offset + LENGTH + 2) : 0;
    }

    public static boolean isRequest(byte kind) {
        return kind == REQUEST || kind == REQUEST_OFFLOAD;
    }

    /** Whether a request or reply of this kind comes from a side that takes offload frames. */
    public static boolean offersOffload(byte kind) {
        return kind == REQUEST_OFFLOAD || kind == REPLY_OFFLOAD;
    }

    /** Writes a request from {@code sourceMac} at the buffer's start; the buffer is left flipped for sending. */
    public static void writeRequest(ByteBuffer out, long sourceMac) {
        writeRequest(out, sourceMac, false);
    }

    /** A request that also says whether the vport takes offload frames. */
    public static void writeRequest(ByteBuffer out, long sourceMac, boolean offload) {
        write(out, MacAddress.ZERO, sourceMac, offload ? REQUEST_OFFLOAD : REQUEST);
    }

    /** Writes the reply to a vport whose MAC is {@code vportMac}; the buffer is left flipped for sending. */
    public static void writeReply(ByteBuffer out, long vportMac) {
        writeReply(out, vportMac, false);
    }

    /** A reply that also says whether the switch takes offload frames from this vport. */
    public static void writeReply(ByteBuffer out, long vportMac, boolean offload) {
        write(out, vportMac, MacAddress.ZERO, offload ? REPLY_OFFLOAD : REPLY);
    }

    /**
     * A reply that also names {@code maxFrame}, the largest frame the switch forwards, and carries {@code flags}
     * ({@link #REPLY_EXTENDED_LENGTH} bytes); the buffer is left flipped for sending.
     */
    public static void writeReply(ByteBuffer out, long vportMac, boolean offload, int maxFrame, byte flags) {
        writeReply(out, vportMac, offload);
        out.limit(REPLY_EXTENDED_LENGTH);
        out.putShort(LENGTH, (short) Math.min(maxFrame, 0xFFFF));
        out.put(LENGTH + 2, flags);
        out.put(LENGTH + 3, (byte) 0);
    }

    /**
     * Writes a path probe from {@code sourceMac}, zero-padded to {@code length} bytes (at least {@link #PROBE_MIN_LENGTH}),
     * at the buffer's start; the buffer is left flipped for sending.
     */
    public static void writeProbe(ByteBuffer out, long sourceMac, int length) {
        writePadded(out, MacAddress.ZERO, sourceMac, PROBE, length);
    }

    /** Writes the echo of a probe of {@code length} bytes to the vport whose MAC is {@code vportMac}, left flipped. */
    public static void writeProbeReply(ByteBuffer out, long vportMac, int length) {
        writePadded(out, vportMac, MacAddress.ZERO, PROBE_REPLY, length);
    }

    private static void writePadded(ByteBuffer out, long destination, long source, byte kind, int length) {
        if (length < PROBE_MIN_LENGTH || length > out.capacity()) {
            throw new IllegalArgumentException("a probe of " + length + " bytes: it takes " + PROBE_MIN_LENGTH + " to "
                    + out.capacity());
        }
        write(out, destination, source, kind);
        out.limit(length);
        for (int i = LENGTH; i < length; i++) {
            out.put(i, (byte) 0);
        }
    }

    private static void write(ByteBuffer out, long destination, long source, byte kind) {
        out.clear();
        EthernetFrame.writeMac(out, EthernetFrame.DESTINATION_OFFSET, destination);
        EthernetFrame.writeMac(out, EthernetFrame.SOURCE_OFFSET, source);
        out.putShort(EthernetFrame.ETHER_TYPE_OFFSET, (short) ETHER_TYPE);
        out.putInt(MAGIC_OFFSET, MAGIC);
        out.put(KIND_OFFSET, kind);
        out.limit(LENGTH);
        out.position(0);
    }
}
