package dev.vswitch.protocol.testing;

import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.Keepalive;
import java.nio.ByteBuffer;
import java.util.Random;

/**
 * Ethernet frames for the tests of every module (the protocol's test jar carries this package): the switch's tests play
 * vports with them, the vport's feed its in-memory TAP.
 */
public final class TestFrames {

    private TestFrames() {
    }

    /** A frame of {@code length} bytes: the addresses, the EtherType, then bytes counting up. */
    public static byte[] frame(long destination, long source, int etherType, int length) {
        ByteBuffer frame = header(destination, source, etherType, length);
        for (int i = EthernetFrame.HEADER_LENGTH; i < length; i++) {
            frame.put(i, (byte) i);
        }
        return frame.array();
    }

    /** A frame of {@code length} bytes whose payload is random: no two are alike. */
    public static byte[] randomFrame(long destination, long source, int etherType, int length, Random random) {
        ByteBuffer frame = header(destination, source, etherType, length);
        byte[] payload = new byte[length - EthernetFrame.HEADER_LENGTH];
        random.nextBytes(payload);
        frame.put(EthernetFrame.HEADER_LENGTH, payload);
        return frame.array();
    }

    /** A vport's keepalive request, as its frame bytes; {@code offload} asks for offload frames. */
    public static byte[] keepaliveRequest(long source, boolean offload) {
        ByteBuffer request = ByteBuffer.allocate(Keepalive.LENGTH);
        Keepalive.writeRequest(request, source, offload);
        return request.array();
    }

    private static ByteBuffer header(long destination, long source, int etherType, int length) {
        ByteBuffer frame = ByteBuffer.allocate(length);
        EthernetFrame.writeMac(frame, EthernetFrame.DESTINATION_OFFSET, destination);
        EthernetFrame.writeMac(frame, EthernetFrame.SOURCE_OFFSET, source);
        frame.putShort(EthernetFrame.ETHER_TYPE_OFFSET, (short) etherType);
        return frame;
    }
}
