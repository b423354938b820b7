package dev.vswitch.protocol.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vswitch.protocol.noise.NoiseException;
import dev.vswitch.protocol.wire.CookieJar;
import dev.vswitch.protocol.wire.HandshakeInitiator;
import dev.vswitch.protocol.wire.HandshakeRefusal;
import dev.vswitch.protocol.wire.HandshakeResponder;
import dev.vswitch.protocol.wire.MessageMacs;
import dev.vswitch.protocol.wire.Session;
import dev.vswitch.protocol.wire.WireFormat;

import java.nio.ByteBuffer;
import java.util.Arrays;

import static dev.vswitch.protocol.fuzz.Fixtures.CLIENT_INDEX;
import static dev.vswitch.protocol.fuzz.Fixtures.CLIENT_PUBLIC;
import static dev.vswitch.protocol.fuzz.Fixtures.NETWORK_KEY;
import static dev.vswitch.protocol.fuzz.Fixtures.SWITCH_INDEX;
import static dev.vswitch.protocol.fuzz.Fixtures.SWITCH_PRIVATE;
import static dev.vswitch.protocol.fuzz.Fixtures.SWITCH_PUBLIC;
import static dev.vswitch.protocol.fuzz.Refusals.check;
import static dev.vswitch.protocol.fuzz.Refusals.requireReason;

/**
 * The decoders of the secure wire format (docs/protocol.md) against hostile datagrams. Seeds: a genuine
 * initiation, response, cookie reply and data messages made with {@link Fixtures}' keys, so the fuzzer
 * starts from messages that get past authentication and mutates from there.
 *
 * <p>In a normal build these run once per file under {@code WireFuzzTestInputs/<method>/}; {@code .ci/fuzz}
 * fuzzes each for {@code maxDuration}.
 */
class WireFuzzTest {

    private static final HandshakeResponder RESPONDER = new HandshakeResponder(SWITCH_PRIVATE);
    private static final byte[] INITIATION = Fixtures.initiation(Fixtures.initiator());
    /** A genuine response to {@link #INITIATION}: it completes every fresh {@link Fixtures#initiator()}'s handshake. */
    private static final byte[] GENUINE_RESPONSE =
            RESPONDER.respond(RESPONDER.readInitiation(INITIATION), NETWORK_KEY, SWITCH_INDEX, 0).message();
    private static final byte[] INITIATION_MAC1 = MessageMacs.mac1(INITIATION);
    private static final byte[] CLIENT_MAC1_KEY = MessageMacs.mac1Key(CLIENT_PUBLIC);
    private static final int MAX_FRAME = 65_536;
    /** Reused by every run (a fuzz test runs on one thread): allocating direct buffers per input is slow. */
    private static final ByteBuffer DIRECT_IN = ByteBuffer.allocateDirect(MAX_FRAME + 64);
    private static final ByteBuffer DIRECT_OUT = ByteBuffer.allocateDirect(MAX_FRAME);
    private static final ByteBuffer HEAP_OUT = ByteBuffer.allocate(MAX_FRAME);

    /**
     * What the switch does with any datagram: classify it by {@link WireFormat#typeOf}, then hand it to the
     * decoder of its type. Covers the classification itself (independent of where the datagram sits in its
     * buffer, and only ever answering a type whose length rule the datagram meets).
     */
    @FuzzTest(maxDuration = "12s")
    void datagram(byte[] data) {
        byte type = WireFormat.typeOf(ByteBuffer.wrap(data), 0, data.length);
        ByteBuffer shifted = direct(data, 7);
        check(WireFormat.typeOf(shifted, 7, data.length) == type, "typeOf depends on the datagram's offset");
        if (type == 0) {
            return;
        }
        check(data[0] == type && data[1] == WireFormat.VERSION && data[2] == 0 && data[3] == 0,
                "typeOf answered " + type + " for a header that does not say so");
        switch (type) {
            case WireFormat.TYPE_INITIATION -> {
                check(data.length == WireFormat.INITIATION_LENGTH, "initiation of " + data.length + " bytes accepted");
                RESPONDER.mac1Valid(data);
                readInitiationOrRefuse(data);
            }
            case WireFormat.TYPE_RESPONSE -> {
                check(data.length == WireFormat.RESPONSE_LENGTH, "response of " + data.length + " bytes accepted");
                HandshakeInitiator initiator = Fixtures.initiator();
                Fixtures.initiation(initiator);
                consumeResponseOrRefuse(initiator, data);
            }
            case WireFormat.TYPE_COOKIE_REPLY -> {
                check(data.length == WireFormat.COOKIE_REPLY_LENGTH, "cookie reply of " + data.length + " bytes accepted");
                openCookieOrRefuse(data);
            }
            case WireFormat.TYPE_HANDSHAKE_REFUSED -> {
                check(data.length == HandshakeRefusal.LENGTH, "refusal of " + data.length + " bytes accepted");
                check(HandshakeRefusal.receiverIndexOf(data) == ByteBuffer.wrap(data).getInt(WireFormat.HEADER_LENGTH),
                        "refusal's index read from the wrong place");
                HandshakeRefusal.reasonOf(data); // any code: a reason or null, never an exception
            }
            case WireFormat.TYPE_DATA, WireFormat.TYPE_DATA_OFFLOAD -> {
                check(data.length >= WireFormat.DATA_OVERHEAD, "data message of " + data.length + " bytes accepted");
                Session[] sessions = Fixtures.SESSIONS.fresh();
                ByteBuffer message = ByteBuffer.wrap(data);
                check(Session.receiverIndexOf(message) == ByteBuffer.wrap(data).getInt(WireFormat.HEADER_LENGTH),
                        "receiver index read from the wrong place");
                sessions[1].open(message, HEAP_OUT.clear());
            }
            default -> throw new AssertionError("typeOf answered an unknown type " + type);
        }
    }

    /**
     * Arbitrary bytes offered to both ends of an established session as a data message. Each answers with a
     * verdict, and afterwards the next genuine message in either direction still opens: a forgery moves
     * neither the replay window nor anything else.
     */
    @FuzzTest(maxDuration = "15s")
    void sessionOpen(byte[] data) {
        Session[] sessions = Fixtures.SESSIONS.fresh();
        Session client = sessions[0];
        Session server = sessions[1];
        Session.Verdict toServer = server.open(ByteBuffer.wrap(data), HEAP_OUT.clear());
        Session.Verdict toClient = client.open(direct(data, 5), DIRECT_OUT.clear());
        check(toServer != null && toClient != null, "no verdict");
        if (toServer != Session.Verdict.OK) {
            check(!server.isConfirmed(), "a message that did not open confirmed the session");
        }
        genuineMessageOpens(client, server);
        genuineMessageOpens(server, client);
    }

    /** The switch's handshake decoders on arbitrary bytes; only {@link NoiseException} may come out. */
    @FuzzTest(maxDuration = "10s")
    void readInitiation(byte[] data) {
        RESPONDER.mac1Valid(data);
        readInitiationOrRefuse(data);
    }

    /**
     * The vport's side: a response to a genuine initiation, as sent and, when it has a response's length,
     * again with a correct mac1 (as from an attacker who knows the vport's public key), so that the fuzzer
     * reaches the Noise message behind it. Only {@link NoiseException} may come out, and a handshake that
     * refused a response must still answer the genuine one with a session or a {@link NoiseException}.
     */
    @FuzzTest(maxDuration = "15s")
    void consumeResponse(byte[] data) {
        HandshakeInitiator initiator = Fixtures.initiator();
        Fixtures.initiation(initiator);
        if (!consumeResponseOrRefuse(initiator, data) && data.length == WireFormat.RESPONSE_LENGTH) {
            byte[] withMac1 = data.clone();
            MessageMacs.write(withMac1, CLIENT_MAC1_KEY, null);
            consumeResponseOrRefuse(initiator, withMac1);
        }
        consumeResponseOrRefuse(initiator, GENUINE_RESPONSE);
    }

    /** The cookie inside a cookie reply to a genuine initiation; only {@link NoiseException} may come out. */
    @FuzzTest(maxDuration = "6s")
    void cookieReply(byte[] data) {
        openCookieOrRefuse(data);
    }

    private static void readInitiationOrRefuse(byte[] data) {
        HandshakeResponder.Initiation initiation;
        try {
            initiation = RESPONDER.readInitiation(data);
        } catch (NoiseException e) {
            requireReason(e);
            return;
        }
        // Only a genuine initiation decrypts: it must be the seeded client's, and answerable.
        check(Arrays.equals(initiation.initiatorStatic(), CLIENT_PUBLIC), "an initiation from an unknown key opened");
        check(initiation.timestamp().length == WireFormat.TIMESTAMP_LENGTH, "timestamp of the wrong length");
        check(initiation.network() != null, "no network name");
        RESPONDER.respond(initiation, NETWORK_KEY, SWITCH_INDEX, 0);
    }

    /** True when the response completed the handshake. */
    private static boolean consumeResponseOrRefuse(HandshakeInitiator initiator, byte[] data) {
        Session session;
        try {
            session = initiator.consumeResponse(data, 0);
        } catch (NoiseException e) {
            requireReason(e);
            return false;
        }
        check(session.localIndex() == CLIENT_INDEX, "session under another index");
        check(session.isConfirmed(), "the initiator's session starts confirmed");
        return true;
    }

    private static void openCookieOrRefuse(byte[] data) {
        byte[] cookie;
        try {
            cookie = CookieJar.openReply(data, SWITCH_PUBLIC, INITIATION_MAC1);
        } catch (NoiseException e) {
            requireReason(e);
            return;
        }
        check(cookie.length == WireFormat.COOKIE_LENGTH, "a cookie of " + cookie.length + " bytes");
    }

    /** {@code data} in a direct buffer at {@code offset}, positioned there and limited to its end. */
    private static ByteBuffer direct(byte[] data, int offset) {
        ByteBuffer buffer = data.length + offset <= DIRECT_IN.capacity() ? DIRECT_IN.clear()
                : ByteBuffer.allocateDirect(data.length + offset);
        buffer.position(offset);
        buffer.put(data);
        return buffer.flip().position(offset);
    }

    private static void genuineMessageOpens(Session from, Session to) {
        ByteBuffer scratch = ByteBuffer.allocate(256);
        for (int i = 0; i < Fixtures.SEEDED_COUNTERS; i++) { // past every counter a seed can replay
            scratch.clear();
            from.seal(ByteBuffer.allocate(0), scratch);
        }
        byte[] frame = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00, 'o', 'k'};
        ByteBuffer sealed = ByteBuffer.allocate(frame.length + WireFormat.DATA_OVERHEAD);
        from.seal(ByteBuffer.wrap(frame), sealed);
        sealed.flip();
        ByteBuffer opened = HEAP_OUT.clear();
        Session.Verdict verdict = to.open(sealed, opened);
        check(verdict == Session.Verdict.OK, "a genuine message after the input was answered " + verdict);
        opened.flip();
        check(opened.equals(ByteBuffer.wrap(frame)), "a genuine message opened to different bytes");
        check(to.isConfirmed(), "a genuine message did not confirm the session");
    }
}
