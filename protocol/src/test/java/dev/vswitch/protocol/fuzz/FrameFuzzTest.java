package dev.vswitch.protocol.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.Keepalive;
import dev.vswitch.protocol.MacAddress;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static dev.vswitch.protocol.fuzz.Refusals.check;
import static dev.vswitch.protocol.fuzz.Refusals.requireMessage;

/**
 * Ethernet frames as the plain format and the inside of data messages carry them: header fields, the
 * keepalive, and MAC addresses as text. Reads must agree with a byte-by-byte reading, wherever the frame
 * sits in its buffer; the same bytes as text go to the MAC address parser. Seeds: keepalive request and reply, ARP broadcast, IPv6 multicast, unicast, runts.
 */
class FrameFuzzTest {

    private static final int SHIFT = 9;
    /** Reused by every run (a fuzz test runs on one thread): allocating direct buffers per input is slow. */
    private static final ByteBuffer DIRECT = ByteBuffer.allocateDirect(65_536);

    @FuzzTest(maxDuration = "8s")
    void frame(byte[] data) {
        ByteBuffer plain = ByteBuffer.wrap(data);
        ByteBuffer shifted = data.length + 2 * SHIFT <= DIRECT.capacity() ? DIRECT.clear()
                : ByteBuffer.allocateDirect(data.length + 2 * SHIFT);
        for (int i = 0; i < SHIFT; i++) {
            shifted.put((byte) 0xA5);
        }
        shifted.put(data);

        parseOrRefuse(new String(data, StandardCharsets.UTF_8));
        byte kind = Keepalive.kind(plain, 0, data.length);
        check(kind == Keepalive.kind(shifted, SHIFT, data.length), "keepalive kind depends on the offset");
        check(kind == expectedKeepaliveKind(data), "keepalive kind " + kind + " for a frame that is not one");
        if (data.length < EthernetFrame.HEADER_LENGTH) {
            return;
        }
        long destination = EthernetFrame.destination(plain, 0);
        long source = EthernetFrame.source(plain, 0);
        int etherType = EthernetFrame.etherType(plain, 0);
        check(destination == mac(data, 0) && EthernetFrame.destination(shifted, SHIFT) == destination,
                "destination misread");
        check(source == mac(data, 6) && EthernetFrame.source(shifted, SHIFT) == source, "source misread");
        check(etherType == ((data[12] & 0xFF) << 8 | (data[13] & 0xFF))
                && EthernetFrame.etherType(shifted, SHIFT) == etherType, "EtherType misread");
        check((destination >>> 48) == 0 && (source >>> 48) == 0, "a MAC wider than 48 bits");
        check(MacAddress.isBroadcast(destination) == (destination == MacAddress.BROADCAST), "broadcast test");
        check(!MacAddress.isBroadcast(destination) || MacAddress.isGroup(destination), "broadcast is not a group address");
        check(MacAddress.isValidSource(source) == (source != 0 && (data[6] & 1) == 0), "source validity");

        String text = MacAddress.format(source);
        check(MacAddress.parse(text) == source, "a formatted MAC does not parse back: " + text);
        ByteBuffer reply = ByteBuffer.allocate(64);
        Keepalive.writeReply(reply, source);
        check(Keepalive.kind(reply, 0, reply.limit()) == Keepalive.REPLY, "our own reply is not a keepalive reply");
        check(EthernetFrame.destination(reply, 0) == source, "the reply is not addressed to the sender");
    }

    /** MAC addresses as people type them (the same bytes as text); only {@link IllegalArgumentException} may come out. */
    private static void parseOrRefuse(String text) {
        long mac;
        try {
            mac = MacAddress.parse(text);
        } catch (IllegalArgumentException e) {
            requireMessage(e); // it quotes the text it was given, line breaks and all
            return;
        }
        check((mac >>> 48) == 0, "a parsed MAC wider than 48 bits: " + text);
        check(MacAddress.parse(MacAddress.format(mac)) == mac, "a parsed MAC does not survive format/parse");
    }

    private static byte expectedKeepaliveKind(byte[] data) {
        if (data.length != Keepalive.LENGTH || (data[12] & 0xFF) != 0x88 || (data[13] & 0xFF) != 0xB5
                || data[14] != 'V' || data[15] != 'S' || data[16] != 'K' || data[17] != 'A') {
            return 0;
        }
        return data[18] == Keepalive.REQUEST || data[18] == Keepalive.REPLY ? data[18] : 0;
    }

    private static long mac(byte[] data, int offset) {
        long mac = 0;
        for (int i = 0; i < MacAddress.LENGTH; i++) {
            mac = mac << 8 | (data[offset + i] & 0xFF);
        }
        return mac;
    }
}
