package dev.vswitch.vport.tap;

import dev.vswitch.protocol.EthernetFrame;
import java.nio.ByteBuffer;

/** Ethernet frames for tests that feed a vport through a {@link MemoryTap}. */
public final class TestFrames {

    private TestFrames() {
    }

    /** A frame of {@code length} bytes: the addresses, the EtherType, then bytes counting up. */
    public static byte[] frame(long destination, long source, int etherType, int length) {
        ByteBuffer frame = ByteBuffer.allocate(length);
        EthernetFrame.writeMac(frame, EthernetFrame.DESTINATION_OFFSET, destination);
        EthernetFrame.writeMac(frame, EthernetFrame.SOURCE_OFFSET, source);
        frame.putShort(EthernetFrame.ETHER_TYPE_OFFSET, (short) etherType);
        for (int i = EthernetFrame.HEADER_LENGTH; i < length; i++) {
            frame.put(i, (byte) i);
        }
        return frame.array();
    }
}
