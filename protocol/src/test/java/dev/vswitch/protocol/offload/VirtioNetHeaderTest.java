package dev.vswitch.protocol.offload;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VirtioNetHeaderTest {

    private static final int AT = 3;

    @Test
    void fieldsAreLittleEndianWhateverTheBuffer() {
        for (boolean direct : new boolean[] {false, true}) {
            for (ByteOrder order : new ByteOrder[] {ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN}) {
                ByteBuffer b = (direct ? ByteBuffer.allocateDirect(16) : ByteBuffer.allocate(16)).order(order);
                VirtioNetHeader.writeGso(b, AT, VirtioNetHeader.GSO_TCPV6, 0x1234, 0xFFFF, 0x0102, 0x8010);
                byte[] bytes = new byte[VirtioNetHeader.LENGTH];
                b.get(AT, bytes);
                assertArrayEquals(new byte[] {1, 4, 0x34, 0x12, (byte) 0xFF, (byte) 0xFF, 2, 1, 0x10, (byte) 0x80},
                        bytes, "the kernel's layout");
                assertEquals(VirtioNetHeader.F_NEEDS_CSUM, VirtioNetHeader.flags(b, AT));
                assertEquals(VirtioNetHeader.GSO_TCPV6, VirtioNetHeader.gsoType(b, AT));
                assertEquals(0x1234, VirtioNetHeader.hdrLen(b, AT));
                assertEquals(0xFFFF, VirtioNetHeader.gsoSize(b, AT), "unsigned");
                assertEquals(0x0102, VirtioNetHeader.csumStart(b, AT));
                assertEquals(0x8010, VirtioNetHeader.csumOffset(b, AT), "unsigned");
                assertEquals(order, b.order(), "byte order left alone");
                assertEquals(0, b.position(), "absolute access");
            }
        }
    }

    @Test
    void readsTheKernelsBytes() {
        ByteBuffer b = ByteBuffer.wrap(new byte[] {(byte) 0x83, (byte) 0x81, 0x42, 0, 0x4A, 0x05, 0x22, 0, 0x10, 0});
        assertEquals(0x83, VirtioNetHeader.flags(b, 0), "unsigned");
        assertEquals(VirtioNetHeader.GSO_ECN | VirtioNetHeader.GSO_TCPV4, VirtioNetHeader.gsoType(b, 0));
        assertEquals(66, VirtioNetHeader.hdrLen(b, 0));
        assertEquals(1354, VirtioNetHeader.gsoSize(b, 0));
        assertEquals(34, VirtioNetHeader.csumStart(b, 0));
        assertEquals(16, VirtioNetHeader.csumOffset(b, 0));
    }

    @Test
    void plainMeansNothingLeftToDo() {
        ByteBuffer b = ByteBuffer.allocate(16);
        b.put(AT, (byte) 0x77).put(AT + 9, (byte) 0x77);
        VirtioNetHeader.writePlain(b, AT);
        for (int i = 0; i < 16; i++) {
            assertEquals(0, b.get(i), "byte " + i);
        }
        assertTrue(VirtioNetHeader.isPlain(b, AT));
        b.put(AT, (byte) VirtioNetHeader.F_DATA_VALID);
        assertTrue(VirtioNetHeader.isPlain(b, AT), "DATA_VALID alone");
        b.put(AT, (byte) (VirtioNetHeader.F_NEEDS_CSUM | VirtioNetHeader.F_DATA_VALID));
        assertFalse(VirtioNetHeader.isPlain(b, AT), "a checksum to complete");
        b.put(AT, (byte) 0).put(AT + 1, (byte) VirtioNetHeader.GSO_TCPV4);
        assertFalse(VirtioNetHeader.isPlain(b, AT), "GSO");
    }
}
