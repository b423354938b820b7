package dev.vswitch.server.cluster;

import dev.vswitch.protocol.testing.TestFrames;
import dev.vswitch.protocol.noise.NoiseException;
import dev.vswitch.protocol.wire.HandshakeInitiator;
import dev.vswitch.protocol.wire.HandshakeResponder;
import dev.vswitch.protocol.wire.Session;
import dev.vswitch.protocol.wire.WireFormat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Another replica of the switch, played by the test over a real UDP socket on loopback with the protocol
 * classes alone: it answers the switch's trunk handshake or dials one itself, then sends and receives
 * tagged frames and keeps the trunk alive with a keepalive every half second. It echoes the switch's path
 * probes unless told not to (a path that drops large datagrams), and joins frames that come in pieces by
 * itself, from the layout in docs/protocol.md.
 */
final class TestReplica implements AutoCloseable {

    /** A frame as it travels on a trunk: its network and the Ethernet frame, and the pieces it came in (0: whole). */
    record TaggedFrame(String network, byte[] frame, int pieces) {
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int ARRIVAL_TIMEOUT_MS = 3000;
    private static final int SILENCE_MS = 300;

    private final DatagramSocket socket;
    private final InetSocketAddress switchAddress;
    private final ScheduledExecutorService keepalives = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "test-replica-keepalives");
        thread.setDaemon(true);
        return thread;
    });
    private Session session;
    private volatile boolean quiet;
    private volatile boolean echoProbes = true;
    /** The frame being joined from pieces: its id, its bytes, how many came and how many pieces. */
    private int joiningId;
    private byte[] joining;
    private int joinedBytes;
    private int joinedPieces;
    /** The switch's initiation last read by {@link #awaitInitiation}, as it came: for a test to reflect it. */
    volatile byte[] lastInitiationReceived;
    /** This replica's own initiation last sent by {@link #dial}: for a test to replay it. */
    volatile byte[] lastInitiationSent;

    /** @param localPort the loopback port to listen at, 0 for any */
    TestReplica(int localPort, int switchPort) throws IOException {
        this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), localPort));
        this.switchAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(), switchPort);
        keepalives.scheduleAtFixedRate(this::keepaliveQuietly, 500, 500, TimeUnit.MILLISECONDS);
    }

    /** Where the switch sees this replica, as the API names it. */
    String address() {
        return "127.0.0.1:" + socket.getLocalPort();
    }

    /**
     * Waits for the switch's trunk initiation and reads it. The switch dials again every 2 s; an initiation
     * followed by another within 100 ms is stale, so the one answered is the switch's handshake in flight.
     */
    HandshakeResponder.Initiation awaitInitiation(byte[] switchPrivateKey) throws IOException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        byte[] latest = null;
        while (System.nanoTime() < deadline) {
            byte[] datagram = receiveRaw(latest == null ? ARRIVAL_TIMEOUT_MS : 100);
            if (datagram == null && latest != null) {
                lastInitiationReceived = latest;
                return new HandshakeResponder(switchPrivateKey).readInitiation(latest);
            }
            if (datagram != null && typeOf(datagram) == WireFormat.TYPE_INITIATION) {
                latest = datagram;
            }
        }
        throw new AssertionError("the switch did not dial this replica within 10 s");
    }

    /** Answers an initiation with {@code trunkKey} as the PSK; the session starts with the switch's first data. */
    void answer(HandshakeResponder.Initiation initiation, byte[] switchPrivateKey, byte[] trunkKey) throws IOException {
        HandshakeResponder.Response response = new HandshakeResponder(switchPrivateKey)
                .respond(initiation, trunkKey, RANDOM.nextInt(), System.nanoTime());
        synchronized (this) {
            session = response.session();
        }
        sendRaw(response.message());
    }

    /**
     * Dials the switch as a replica with this static key and PSK; true when the switch answered with a response
     * that authenticates, false when it stayed silent. Throws {@link NoiseException} for a response that does not.
     */
    boolean dial(byte[] staticPrivateKey, byte[] switchPublicKey, byte[] trunkKey) throws IOException {
        long id = RANDOM.nextLong();
        HandshakeInitiator initiator = new HandshakeInitiator(staticPrivateKey, switchPublicKey, trunkKey,
                "@replica/" + String.format("%016x", id), RANDOM);
        lastInitiationSent = initiator.initiation(RANDOM.nextInt(), Instant.now(), null);
        sendRaw(lastInitiationSent);
        byte[] answer = receiveRaw(SILENCE_MS * 2);
        if (answer == null) {
            return false;
        }
        Session established = initiator.consumeResponse(answer, System.nanoTime());
        synchronized (this) {
            session = established;
        }
        keepalive(); // confirms the session at the switch
        return true;
    }

    /** Sends {@code frame} on the trunk, tagged with {@code network}. */
    synchronized void send(String network, byte[] frame) throws IOException {
        byte[] name = network.getBytes(StandardCharsets.UTF_8);
        ByteBuffer plain = ByteBuffer.allocate(1 + name.length + frame.length);
        plain.put((byte) name.length).put(name).put(frame).flip();
        seal(plain);
    }

    /**
     * Sends pieces of {@code frame} tagged with {@code network}, cut into at most {@code pieceData} bytes of data each:
     * those of {@code indexes}, in that order.
     */
    synchronized void sendPieces(String network, byte[] frame, int frameId, int pieceData, int... indexes)
            throws IOException {
        byte[] name = network.getBytes(StandardCharsets.UTF_8);
        byte[] tagged = ByteBuffer.allocate(1 + name.length + frame.length).put((byte) name.length).put(name).put(frame)
                .array();
        for (int index : indexes) {
            int offset = index * pieceData;
            int length = Math.min(pieceData, tagged.length - offset);
            seal(ByteBuffer.allocate(9 + length).put(TrunkFrames.PIECE).putInt(frameId).putShort((short) offset)
                    .putShort((short) tagged.length).put(tagged, offset, length).flip());
        }
    }

    /** Sends a plaintext of its own on the trunk (a probe, a malformed piece). */
    synchronized void sendPlain(byte[] plain) throws IOException {
        seal(ByteBuffer.wrap(plain));
    }

    /** Whether the switch's path probes are echoed, as a path that carries large datagrams does. */
    void echoProbes(boolean echo) {
        echoProbes = echo;
    }

    /** The next plaintext from the switch whose first byte is {@code kind}, skipping everything else. */
    byte[] receiveOwn(byte kind) throws IOException {
        long deadline = System.nanoTime() + ARRIVAL_TIMEOUT_MS * 1_000_000L;
        while (System.nanoTime() < deadline) {
            byte[] plain = open(receiveRaw(ARRIVAL_TIMEOUT_MS));
            if (plain != null && plain.length > 0 && plain[0] == kind) {
                return plain;
            }
        }
        throw new AssertionError("no message of kind " + kind + " from the switch within " + ARRIVAL_TIMEOUT_MS + " ms");
    }

    /** Stops or resumes the keepalives, as a replica that hangs or comes back would. */
    void quiet(boolean silent) {
        quiet = silent;
    }

    synchronized void keepalive() throws IOException {
        if (session != null) {
            seal(ByteBuffer.allocate(0));
        }
    }

    /** The next frame from the switch, skipping its keepalives and handshakes; fails when none comes in time. */
    TaggedFrame receive() throws IOException {
        TaggedFrame frame = next(ARRIVAL_TIMEOUT_MS);
        if (frame == null) {
            throw new AssertionError("no frame on the trunk within " + ARRIVAL_TIMEOUT_MS + " ms");
        }
        return frame;
    }

    /** Waits for data from the switch that opens under the session, and returns it, keepalive or not. */
    byte[] receivePlain() throws IOException {
        long deadline = System.nanoTime() + ARRIVAL_TIMEOUT_MS * 1_000_000L;
        while (System.nanoTime() < deadline) {
            byte[] plain = open(receiveRaw(ARRIVAL_TIMEOUT_MS));
            if (plain != null) {
                return plain;
            }
        }
        throw new AssertionError("no data from the switch within " + ARRIVAL_TIMEOUT_MS + " ms");
    }

    /** True when no frame (keepalives aside) comes for a short while. */
    boolean staysSilent() throws IOException {
        return next(SILENCE_MS) == null;
    }

    /** A frame of {@code length} bytes from {@code source} to {@code destination}, its payload random. */
    static byte[] frame(long destination, long source, int length) {
        return TestFrames.randomFrame(destination, source, 0x0800, length, RANDOM);
    }

    @Override
    public void close() {
        keepalives.shutdownNow();
        socket.close();
    }

    private TaggedFrame next(int waitMs) throws IOException {
        long deadline = System.nanoTime() + waitMs * 1_000_000L;
        while (System.nanoTime() < deadline) {
            int left = (int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000L);
            byte[] plain = open(receiveRaw(left));
            if (plain == null || plain.length == 0) {
                continue;
            }
            if (plain[0] == TrunkFrames.PROBE) {
                if (echoProbes) {
                    plain[0] = TrunkFrames.ECHO;
                    synchronized (this) {
                        seal(ByteBuffer.wrap(plain));
                    }
                }
                continue;
            }
            int pieces = 0;
            if (plain[0] == TrunkFrames.PIECE) {
                pieces = join(ByteBuffer.wrap(plain));
                if (pieces == 0) {
                    continue;
                }
                plain = joining;
            }
            int nameLength = plain[0] & 0xff;
            return new TaggedFrame(new String(plain, 1, nameLength, StandardCharsets.UTF_8),
                    Arrays.copyOfRange(plain, 1 + nameLength, plain.length), pieces);
        }
        return null;
    }

    /** Takes a piece; returns how many pieces the frame came in once it is whole in {@link #joining}, else 0. */
    private int join(ByteBuffer piece) {
        int id = piece.getInt(1);
        int offset = Short.toUnsignedInt(piece.getShort(5));
        int total = Short.toUnsignedInt(piece.getShort(7));
        if (joining == null || id != joiningId) {
            joiningId = id;
            joining = new byte[total];
            joinedBytes = 0;
            joinedPieces = 0;
        }
        piece.get(9, joining, offset, piece.limit() - 9);
        joinedBytes += piece.limit() - 9;
        joinedPieces++;
        return joinedBytes == total ? joinedPieces : 0;
    }

    /** The plaintext of a data message under the session; null for anything else. */
    private byte[] open(byte[] datagram) {
        Session current;
        synchronized (this) {
            current = session;
        }
        if (datagram == null || current == null || typeOf(datagram) != WireFormat.TYPE_DATA) {
            return null;
        }
        ByteBuffer plain = ByteBuffer.allocate(datagram.length);
        if (current.open(ByteBuffer.wrap(datagram), plain) != Session.Verdict.OK) {
            return null;
        }
        return Arrays.copyOf(plain.array(), plain.position());
    }

    private void seal(ByteBuffer plain) throws IOException {
        ByteBuffer out = ByteBuffer.allocate(plain.remaining() + WireFormat.DATA_OVERHEAD);
        session.seal(plain, out);
        sendRaw(out.array());
    }

    private void keepaliveQuietly() {
        if (quiet) {
            return;
        }
        try {
            keepalive();
        } catch (IOException e) {
            // the socket closed: the test is over
        }
    }

    private void sendRaw(byte[] datagram) throws IOException {
        socket.send(new DatagramPacket(datagram, datagram.length, switchAddress));
    }

    private byte[] receiveRaw(int waitMs) throws IOException {
        byte[] buffer = new byte[65536];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        socket.setSoTimeout(waitMs);
        try {
            socket.receive(packet);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return Arrays.copyOf(buffer, packet.getLength());
    }

    private static byte typeOf(byte[] datagram) {
        return WireFormat.typeOf(ByteBuffer.wrap(datagram), 0, datagram.length);
    }
}
