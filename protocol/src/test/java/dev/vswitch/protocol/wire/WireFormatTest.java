package dev.vswitch.protocol.wire;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class WireFormatTest {

    @Test
    void copyOfTakesTheRemainingBytesAndLeavesThePosition() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(8).put(new byte[] {1, 2, 3, 4, 5, 6});
        buffer.flip().position(2);
        assertArrayEquals(new byte[] {3, 4, 5, 6}, WireFormat.copyOf(buffer));
        assertEquals(2, buffer.position());
        assertEquals(6, buffer.limit());
    }
}
