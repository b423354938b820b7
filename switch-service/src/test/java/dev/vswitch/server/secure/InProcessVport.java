package dev.vswitch.server.secure;

import dev.vswitch.protocol.testing.TestFrames;
import dev.vswitch.protocol.Keepalive;
import dev.vswitch.protocol.noise.X25519;
import dev.vswitch.protocol.offload.VirtioNetHeader;
import dev.vswitch.protocol.wire.CookieJar;
import dev.vswitch.protocol.wire.HandshakeInitiator;
import dev.vswitch.protocol.wire.Session;
import dev.vswitch.protocol.wire.WireFormat;
import dev.vswitch.server.keys.NetworkDefinition;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A vport's secure side against an {@link InProcessSwitch}: its datagrams go straight into the handler. */
final class InProcessVport {

    private static final Instant START = Instant.parse("2026-12-07T00:00:00Z");
    /** Timestamps rise across vports too: two vports with one key are one client to the switch's replay memory. */
    private static final AtomicInteger INITIATIONS = new AtomicInteger();

    final long mac;
    final byte[] privateKey;
    private final InProcessSwitch server;
    private final HandshakeInitiator initiator;
    private final byte[] switchPublicKey;
    InetSocketAddress address;
    Session session;
    /** The last initiation and data message sent: what an attacker on the path could capture. */
    byte[] lastInitiation;
    byte[] lastData;

    InProcessVport(InProcessSwitch server, String network, long mac, InetSocketAddress address) {
        this(server, network, mac, address, X25519.generatePrivateKey(InProcessSwitch.RANDOM));
    }

    InProcessVport(InProcessSwitch server, String network, long mac, InetSocketAddress address, byte[] privateKey) {
        NetworkDefinition definition = server.network(network);
        this.server = server;
        this.mac = mac;
        this.address = address;
        this.privateKey = privateKey;
        this.switchPublicKey = server.keys.publicKey();
        this.initiator = new HandshakeInitiator(privateKey, switchPublicKey, definition.key(), network,
                InProcessSwitch.RANDOM);
    }

    /** An initiation with a timestamp newer than every earlier one of this vport. */
    byte[] initiation(byte[] cookie) {
        lastInitiation = initiator.initiation(InProcessSwitch.RANDOM.nextInt(), START.plusSeconds(INITIATIONS.incrementAndGet()), cookie);
        return lastInitiation;
    }

    /** Sends an initiation (again with a cookie, if the switch asks for one) and returns the switch's answer. */
    byte[] handshake() {
        byte[] cookie = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            server.receive(initiation(cookie), address);
            byte[] answer = onlyAnswer();
            if (answer[0] != WireFormat.TYPE_COOKIE_REPLY) {
                return answer;
            }
            cookie = CookieJar.openReply(answer, switchPublicKey, initiator.lastMac1());
        }
        throw new AssertionError("a cookie reply to an initiation that carried the cookie");
    }

    /** Handshakes, then confirms the session with a keepalive, whose reply it checks. */
    InProcessVport join() {
        byte[] answer = handshake();
        if (answer[0] != WireFormat.TYPE_RESPONSE) {
            throw new AssertionError("expected a handshake response, got type " + answer[0]);
        }
        session = initiator.consumeResponse(answer, server.now());
        send(TestFrames.keepaliveRequest(mac, false));
        byte[] reply = open(onlyAnswer());
        if (Keepalive.kind(ByteBuffer.wrap(reply), 0, reply.length) != Keepalive.REPLY) {
            throw new AssertionError("expected a keepalive reply");
        }
        return this;
    }

    void send(byte[] frame) {
        send(WireFormat.TYPE_DATA, frame);
    }

    /** A data message of {@code type}: for {@link WireFormat#TYPE_DATA_OFFLOAD} the plaintext starts with a virtio_net_hdr. */
    void send(byte type, byte[] plaintext) {
        ByteBuffer out = ByteBuffer.allocate(plaintext.length + WireFormat.DATA_OVERHEAD);
        session.seal(type, ByteBuffer.wrap(plaintext), out);
        lastData = out.array();
        server.receive(lastData, address);
    }

    /**
     * A keepalive as {@code vport --offload} sends it: in an offload message, after an all-zero virtio_net_hdr, when
     * {@code offload}; else an ordinary one. Returns the switch's one answer, opened.
     */
    byte[] keepalive(boolean offload) {
        byte[] request = TestFrames.keepaliveRequest(mac, false);
        send(offload ? WireFormat.TYPE_DATA_OFFLOAD : WireFormat.TYPE_DATA, offload ? withVirtioHeader(request) : request);
        return open(onlyAnswer());
    }

    /**
     * A path probe of {@code length} bytes ({@code --offload=auto}), in an offload message after an all-zero
     * virtio_net_hdr when {@code offload}; nothing is taken from the switch's answers.
     */
    void probe(int length, boolean offload) {
        ByteBuffer probe = ByteBuffer.allocate(length);
        Keepalive.writeProbe(probe, mac, length);
        byte[] frame = probe.array();
        send(offload ? WireFormat.TYPE_DATA_OFFLOAD : WireFormat.TYPE_DATA, offload ? withVirtioHeader(frame) : frame);
    }

    static byte[] withVirtioHeader(byte[] frame) {
        byte[] message = new byte[VirtioNetHeader.LENGTH + frame.length];
        System.arraycopy(frame, 0, message, VirtioNetHeader.LENGTH, frame.length);
        return message;
    }

    /** The one datagram the switch sent this vport since the last look; the test fails on none or more. */
    byte[] onlyAnswer() {
        List<byte[]> sent = server.port.takeSentTo(address);
        if (sent.size() != 1) {
            throw new AssertionError("expected one datagram to " + address + ", got " + sent.size());
        }
        return sent.get(0);
    }

    /** The frames the switch sent this vport since the last look, opened. */
    List<byte[]> receivedFrames() {
        List<byte[]> frames = new ArrayList<>();
        for (byte[] message : server.port.takeSentTo(address)) {
            frames.add(open(message));
        }
        return frames;
    }

    byte[] open(byte[] message) {
        ByteBuffer plain = ByteBuffer.allocate(message.length);
        Session.Verdict verdict = session.open(ByteBuffer.wrap(message), plain);
        if (verdict != Session.Verdict.OK) {
            throw new AssertionError("data from the switch did not open: " + verdict);
        }
        return Arrays.copyOf(plain.array(), plain.position());
    }

    byte[] frameTo(long destination, int length) {
        return TestFrames.frame(destination, mac, 0x0800, length);
    }
}
