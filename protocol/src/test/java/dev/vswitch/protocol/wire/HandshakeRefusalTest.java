package dev.vswitch.protocol.wire;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HandshakeRefusalTest {

    @Test
    void aRefusalEchoesTheInitiationsIndexAndNamesItsReason() {
        for (HandshakeRefusal.Reason reason : HandshakeRefusal.Reason.values()) {
            byte[] refusal = HandshakeRefusal.encode(0xCAFE_F00D, reason);
            assertEquals(WireFormat.TYPE_HANDSHAKE_REFUSED, WireFormat.typeOf(ByteBuffer.wrap(refusal), 0, refusal.length));
            assertEquals(0xCAFE_F00D, HandshakeRefusal.receiverIndexOf(refusal));
            assertEquals(reason, HandshakeRefusal.reasonOf(refusal));
        }
    }

    @Test
    void neverLargerThanTheInitiationItAnswers() {
        assertTrue(HandshakeRefusal.LENGTH * 10 < WireFormat.INITIATION_LENGTH, "no amplification: 12 bytes out for 180 in");
    }

    @Test
    void unknownReasonsAndWrongLengthsAreNotRefusals() {
        byte[] refusal = HandshakeRefusal.encode(1, HandshakeRefusal.Reason.UNKNOWN_NETWORK);
        refusal[8] = 99;
        assertNull(HandshakeRefusal.reasonOf(refusal), "a code this version does not know");
        refusal = HandshakeRefusal.encode(1, HandshakeRefusal.Reason.UNKNOWN_NETWORK);
        refusal[11] = 1;
        assertNull(HandshakeRefusal.reasonOf(refusal), "reserved bytes must be zero");
        assertEquals(0, WireFormat.typeOf(ByteBuffer.wrap(refusal), 0, refusal.length - 1));
    }

    @Test
    void theSenderIndexOfAnInitiationIsReadWithoutAnyKey() {
        byte[] initiation = new byte[WireFormat.INITIATION_LENGTH];
        ByteBuffer.wrap(initiation).putInt(WireFormat.HEADER_LENGTH, 42);
        assertEquals(42, HandshakeRefusal.senderIndexOf(initiation));
    }
}
