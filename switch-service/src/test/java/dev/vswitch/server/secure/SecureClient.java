package dev.vswitch.server.secure;

import dev.vswitch.protocol.testing.TestFrames;
import dev.vswitch.protocol.Keepalive;
import dev.vswitch.protocol.keys.JoinToken;
import dev.vswitch.protocol.noise.X25519;
import dev.vswitch.protocol.wire.CookieJar;
import dev.vswitch.protocol.wire.HandshakeRefusal;
import dev.vswitch.protocol.wire.HandshakeInitiator;
import dev.vswitch.protocol.wire.Session;
import dev.vswitch.protocol.wire.WireFormat;
import dev.vswitch.server.LoopbackUdp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;

/** A vport's secure side, played over a real UDP socket on loopback: handshake (with cookies), then frames. */
public final class SecureClient implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();

    public final long mac;
    public final byte[] privateKey;
    private final int switchPort;
    private final InetAddress loopback;
    private final byte[] switchPublicKey;
    private final HandshakeInitiator initiator;
    private LoopbackUdp udp;
    private Session session;
    byte[] lastInitiation;
    byte[] lastData;

    SecureClient(int switchPort, JoinToken token, byte[] privateKey, long mac) throws IOException {
        this(InetAddress.getLoopbackAddress(), switchPort, token, privateKey, mac);
    }

    /** @param loopback 127.0.0.1 or ::1: the family to talk to the switch in */
    SecureClient(InetAddress loopback, int switchPort, JoinToken token, byte[] privateKey, long mac) throws IOException {
        this.loopback = loopback;
        this.mac = mac;
        this.privateKey = privateKey;
        this.switchPort = switchPort;
        this.switchPublicKey = token.switchPublicKey();
        this.initiator = new HandshakeInitiator(privateKey, token.switchPublicKey(), token.networkKey(), token.network(), RANDOM);
        this.udp = new LoopbackUdp(loopback, switchPort);
    }

    /** The token the switch wrote for {@code network}. */
    public static JoinToken token(String network) throws IOException {
        return JoinToken.decode(Files.readString(Path.of("target/test-keys/tokens", network + ".token")));
    }

    public static SecureClient joined(int switchPort, String network, long mac) throws IOException {
        SecureClient client = new SecureClient(switchPort, token(network), X25519.generatePrivateKey(RANDOM), mac);
        client.handshake();
        return client;
    }

    /** Handshake, answering a cookie reply if the switch is under load, then a confirming keepalive. */
    public void handshake() throws IOException {
        session = initiator.consumeResponse(answerToInitiation(), System.nanoTime());
        sendFrame(keepaliveRequest());
        byte[] reply = receiveFrame();
        if (Keepalive.kind(ByteBuffer.wrap(reply), 0, reply.length) != Keepalive.REPLY) {
            throw new AssertionError("expected a keepalive reply");
        }
    }

    /**
     * Sends initiations (with a cookie when the switch is under load and asks for one) until the switch answers with a
     * refusal, and returns its reason; the test fails on any other answer.
     */
    public HandshakeRefusal.Reason refusedHandshake() throws IOException {
        return refusalOfLastInitiation(answerToInitiation());
    }

    /** The switch's answer to an initiation other than a cookie reply; a cookie reply is taken and the initiation made again. */
    private byte[] answerToInitiation() throws IOException {
        byte[] cookie = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            lastInitiation = initiator.initiation(RANDOM.nextInt(), Instant.now(), cookie);
            sendRaw(lastInitiation);
            byte[] answer = receiveRaw();
            if (answer[0] != WireFormat.TYPE_COOKIE_REPLY) {
                return answer;
            }
            cookie = CookieJar.openReply(answer, switchPublicKey, initiator.lastMac1());
        }
        throw new AssertionError("only cookie replies after three initiations");
    }

    /** The refusal that answers the last initiation sent: its reason (the test fails on anything else). */
    public HandshakeRefusal.Reason receiveRefusal() throws IOException {
        return refusalOfLastInitiation(receiveRaw());
    }

    private HandshakeRefusal.Reason refusalOfLastInitiation(byte[] answer) {
        if (WireFormat.typeOf(ByteBuffer.wrap(answer), 0, answer.length) != WireFormat.TYPE_HANDSHAKE_REFUSED
                || HandshakeRefusal.receiverIndexOf(answer) != HandshakeRefusal.senderIndexOf(lastInitiation)) {
            throw new AssertionError("expected a refusal of the last initiation, got type " + answer[0]);
        }
        return HandshakeRefusal.reasonOf(answer);
    }

    public void sendFrame(byte[] frame) throws IOException {
        ByteBuffer out = ByteBuffer.allocate(frame.length + WireFormat.DATA_OVERHEAD);
        session.seal(ByteBuffer.wrap(frame), out);
        lastData = out.array();
        sendRaw(lastData);
    }

    /** A data message of {@code type} carrying {@code plaintext} (for offload messages: virtio header, then frame). */
    public void sendMessage(byte type, byte[] plaintext) throws IOException {
        ByteBuffer out = ByteBuffer.allocate(plaintext.length + WireFormat.DATA_OVERHEAD);
        session.seal(type, ByteBuffer.wrap(plaintext), out);
        sendRaw(out.array());
    }

    /** The next data message from the switch: its type and its opened plaintext. */
    public Message receiveMessage() throws IOException {
        byte[] message = receiveRaw();
        return new Message(message[0], open(message));
    }

    /** A data message received: {@link WireFormat#TYPE_DATA} or {@link WireFormat#TYPE_DATA_OFFLOAD}, and its plaintext. */
    public record Message(byte type, byte[] plaintext) {
    }

    public byte[] receiveFrame() throws IOException {
        return open(receiveRaw());
    }

    /** The next frame within {@code timeoutMillis}, or null when none came: for load tests, where one may be lost. */
    public byte[] receiveFrameWithin(int timeoutMillis) throws IOException {
        byte[] message = udp.receiveWithin(timeoutMillis);
        return message == null ? null : open(message);
    }

    private byte[] open(byte[] message) {
        ByteBuffer plain = ByteBuffer.allocate(message.length);
        Session.Verdict verdict = session.open(ByteBuffer.wrap(message), plain);
        if (verdict != Session.Verdict.OK) {
            throw new AssertionError("data from the switch did not open: " + verdict);
        }
        return Arrays.copyOf(plain.array(), plain.position());
    }

    public byte[] frameTo(long destination, int length) {
        return TestFrames.randomFrame(destination, mac, 0x0800, length, RANDOM);
    }

    public void sendRaw(byte[] datagram) throws IOException {
        udp.send(datagram);
    }

    public byte[] receiveRaw() throws IOException {
        return udp.receive();
    }

    /** Where the switch sees this client. */
    public InetSocketAddress localAddress() {
        return udp.localAddress();
    }

    public boolean staysSilent() throws IOException {
        return udp.staysSilent();
    }

    /** Continues from a new source port, as after a NAT rebinding or a network change. */
    public void roam() throws IOException {
        udp.close();
        udp = new LoopbackUdp(loopback, switchPort);
    }

    @Override
    public void close() {
        udp.close();
    }

    /** A keepalive request as its frame bytes. */
    public byte[] keepaliveRequest() {
        return TestFrames.keepaliveRequest(mac, false);
    }
}
