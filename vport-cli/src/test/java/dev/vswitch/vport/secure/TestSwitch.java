package dev.vswitch.vport.secure;

import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.Keepalive;
import dev.vswitch.protocol.keys.JoinToken;
import dev.vswitch.protocol.keys.KeyFiles;
import dev.vswitch.protocol.keys.Keys;
import dev.vswitch.protocol.noise.NoiseException;
import dev.vswitch.protocol.noise.X25519;
import dev.vswitch.protocol.wire.CookieJar;
import dev.vswitch.protocol.wire.HandshakeRefusal;
import dev.vswitch.protocol.wire.HandshakeResponder;
import dev.vswitch.protocol.wire.Session;
import dev.vswitch.protocol.wire.Timestamp;
import dev.vswitch.protocol.wire.WireFormat;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The switch's side of the secure protocol for tests, on a real UDP socket: built from the protocol
 * module's {@link HandshakeResponder}, {@link CookieJar} and {@link Session} with the switch's rules (a
 * session is pending until the client's first authentic data message; keepalive requests are answered;
 * initiation timestamps must increase). It forwards frames between its clients like a hub and keeps what
 * it received for the test to look at. Forgetting everything, as a restarted switch does, is closing it and
 * starting a new one on the same port.
 *
 * <p>As a program ({@link #main}) it is the stand-in switch of the namespace integration tests, ending by
 * itself after its lifetime.
 */
public final class TestSwitch implements AutoCloseable {

    /** A frame a client sent, and the index (ours) of the session it came in. */
    public record Received(byte[] frame, int sessionIndex) {
    }

    private static final class Peer {
        SocketAddress address;
        Session pending;
        Session current;
        Session previous;
        byte[] lastTimestamp;
    }

    public final AtomicInteger initiations = new AtomicInteger();
    public final AtomicInteger initiationsWithCookie = new AtomicInteger();
    public final AtomicInteger cookiesSent = new AtomicInteger();
    public final AtomicInteger accepted = new AtomicInteger();
    public final AtomicInteger confirmed = new AtomicInteger();
    public final AtomicInteger keepalivesAnswered = new AtomicInteger();
    public final AtomicInteger dataDropped = new AtomicInteger();
    public final BlockingQueue<Received> frames = new LinkedBlockingQueue<>();
    /** Answer initiations without a valid mac2 with a cookie reply, as a switch under load does. */
    public volatile boolean cookieMode;
    /** Refuse every initiation with this reason, as a switch that will not let the client in does; null: accept. */
    public volatile HandshakeRefusal.Reason refuseWith;
    /** The largest frame this switch names in its keepalive replies; 0: the seed's 19-byte reply, naming none. */
    public volatile int maxFrame;
    /** Say in keepalive replies that this switch is shutting down (needs {@link #maxFrame} set: the extended reply). */
    public volatile boolean draining;
    /**
     * Send, before each genuine response, one that does not authenticate (made under another network key, with a valid
     * mac1), as someone who saw the initiation can.
     */
    public volatile boolean forgeFirst;

    private final HandshakeResponder responder;
    private final CookieJar cookies;
    private final byte[] networkKey;
    private final String network;
    private final SecureRandom random = new SecureRandom();
    private final DatagramChannel channel;
    private final Selector selector;
    private final Thread thread;
    private final long deadline;
    private final Map<Integer, Peer> byIndex = new HashMap<>();
    private final Map<String, Peer> byKey = new LinkedHashMap<>();
    private final ByteBuffer in = ByteBuffer.allocate(65_536);
    private final ByteBuffer plain = ByteBuffer.allocate(65_536);
    private volatile boolean running = true;
    private byte[] lastSent;
    private SocketAddress lastSentTo;

    /**
     * @param networkKey the key this switch holds for {@code network}: another than the client's token has
     *                   makes every handshake fail at the client
     */
    public TestSwitch(InetSocketAddress bind, byte[] switchPrivate, byte[] networkKey, String network, long lifetimeSeconds)
            throws IOException {
        this.responder = new HandshakeResponder(switchPrivate);
        this.cookies = new CookieJar(X25519.publicKey(switchPrivate), random);
        this.networkKey = networkKey.clone();
        this.network = network;
        this.deadline = System.nanoTime() + lifetimeSeconds * 1_000_000_000L;
        this.channel = DatagramChannel.open();
        channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        channel.bind(bind);
        channel.configureBlocking(false);
        this.selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
        this.thread = new Thread(this::serve, "test-switch");
        thread.setDaemon(true);
        thread.start();
    }

    public int port() throws IOException {
        return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    /** Sends {@code frame} to the (first) client in its current session. */
    public synchronized void sendFrame(byte[] frame) throws IOException {
        Peer peer = onlyPeer();
        seal(peer.current, ByteBuffer.wrap(frame), peer.address);
    }

    /** Sends {@code frame} in the session before the current one: a packet in flight during a rekey. */
    public synchronized void sendFrameOnPrevious(byte[] frame) throws IOException {
        Peer peer = onlyPeer();
        seal(peer.previous, ByteBuffer.wrap(frame), peer.address);
    }

    /** Sends the last data message again, as an attacker replaying it would. */
    public synchronized void replayLast() throws IOException {
        channel.send(ByteBuffer.wrap(lastSent), lastSentTo);
    }

    /** Sends a data message for the client whose ciphertext was changed on the way. */
    public synchronized void sendForged(byte[] frame) throws IOException {
        Peer peer = onlyPeer();
        ByteBuffer out = ByteBuffer.allocate(frame.length + WireFormat.DATA_OVERHEAD);
        peer.current.seal(ByteBuffer.wrap(frame), out);
        byte[] forged = out.array();
        forged[WireFormat.DATA_HEADER_LENGTH + 3] ^= 0x40;
        channel.send(ByteBuffer.wrap(forged), peer.address);
    }

    /** Sends a datagram as it is. */
    public synchronized void sendRaw(byte[] datagram) throws IOException {
        channel.send(ByteBuffer.wrap(datagram), onlyPeer().address);
    }

    /** The current session's index at this switch (what the client's data messages name). */
    public synchronized int currentIndex() {
        return onlyPeer().current.localIndex();
    }

    public synchronized boolean hasConfirmedClient() {
        return !byKey.isEmpty() && byKey.values().iterator().next().current != null;
    }

    @Override
    public void close() throws InterruptedException, IOException {
        running = false;
        thread.join(5_000);
        selector.close();
        channel.close();
    }

    private Peer onlyPeer() {
        if (byKey.isEmpty()) {
            throw new IllegalStateException("no client has completed a handshake");
        }
        return byKey.values().iterator().next();
    }

    private void serve() {
        try {
            while (running && System.nanoTime() - deadline < 0) {
                selector.select(100);
                selector.selectedKeys().clear();
                SocketAddress sender;
                while ((sender = channel.receive(in.clear())) != null) {
                    in.flip();
                    synchronized (this) {
                        handle(sender);
                    }
                }
            }
        } catch (IOException e) {
            if (running) {
                System.err.println("test switch failed: " + e);
            }
        }
    }

    private void handle(SocketAddress sender) throws IOException {
        switch (WireFormat.typeOf(in, 0, in.remaining())) {
            case WireFormat.TYPE_INITIATION -> onInitiation(Arrays.copyOf(in.array(), in.remaining()), (InetSocketAddress) sender);
            case WireFormat.TYPE_DATA -> onData(sender);
            default -> dataDropped.incrementAndGet();
        }
    }

    private void onInitiation(byte[] message, InetSocketAddress sender) throws IOException {
        initiations.incrementAndGet();
        if (!responder.mac1Valid(message)) {
            return;
        }
        HandshakeRefusal.Reason refusal = refuseWith;
        if (refusal != null) {
            channel.send(ByteBuffer.wrap(HandshakeRefusal.encode(HandshakeRefusal.senderIndexOf(message), refusal)), sender);
            return;
        }
        long now = System.nanoTime();
        byte[] address = sender.getAddress().getAddress();
        boolean mac2 = cookies.mac2Valid(message, address, sender.getPort(), now);
        if (mac2) {
            initiationsWithCookie.incrementAndGet();
        }
        if (cookieMode && !mac2) {
            int senderIndex = ByteBuffer.wrap(message).getInt(WireFormat.HEADER_LENGTH);
            channel.send(ByteBuffer.wrap(cookies.reply(message, senderIndex, address, sender.getPort(), now)), sender);
            cookiesSent.incrementAndGet();
            return;
        }
        HandshakeResponder.Initiation initiation;
        try {
            initiation = responder.readInitiation(message);
        } catch (NoiseException e) {
            return;
        }
        if (!network.equals(initiation.network())) {
            return;
        }
        Peer peer = byKey.computeIfAbsent(Keys.encode(initiation.initiatorStatic()), key -> new Peer());
        if (!Timestamp.isNewer(initiation.timestamp(), peer.lastTimestamp)) {
            return;
        }
        peer.lastTimestamp = initiation.timestamp();
        int index;
        do {
            index = random.nextInt();
        } while (index == 0 || byIndex.containsKey(index));
        HandshakeResponder.Response response = responder.respond(initiation, networkKey, index, now);
        if (forgeFirst) {
            byte[] otherKey = X25519.generatePrivateKey(random);
            HandshakeResponder.Initiation again = responder.readInitiation(message); // a response uses up its initiation
            channel.send(ByteBuffer.wrap(responder.respond(again, otherKey, index, now).message()), sender);
        }
        if (peer.pending != null) {
            byIndex.remove(peer.pending.localIndex());
        }
        peer.pending = response.session();
        byIndex.put(index, peer);
        if (peer.address == null) {
            peer.address = sender;
        }
        channel.send(ByteBuffer.wrap(response.message()), sender);
        accepted.incrementAndGet();
    }

    private void onData(SocketAddress sender) throws IOException {
        int index = Session.receiverIndexOf(in);
        Peer peer = byIndex.get(index);
        Session session = peer == null ? null : sessionOf(peer, index);
        if (session == null) {
            dataDropped.incrementAndGet();
            return;
        }
        plain.clear();
        if (session.open(in, plain) != Session.Verdict.OK) {
            dataDropped.incrementAndGet();
            return;
        }
        if (session == peer.pending) {
            if (peer.previous != null) {
                byIndex.remove(peer.previous.localIndex());
            }
            peer.previous = peer.current;
            peer.current = session;
            peer.pending = null;
            confirmed.incrementAndGet();
        }
        peer.address = sender;
        plain.flip();
        int length = plain.remaining();
        if (length == 0) {
            return;
        }
        if (Keepalive.kind(plain, 0, length) == Keepalive.REQUEST) {
            ByteBuffer reply = ByteBuffer.allocate(Keepalive.REPLY_EXTENDED_LENGTH);
            if (maxFrame == 0) {
                Keepalive.writeReply(reply, EthernetFrame.source(plain, 0));
            } else {
                Keepalive.writeReply(reply, EthernetFrame.source(plain, 0), false, maxFrame,
                        draining ? Keepalive.FLAG_DRAINING : (byte) 0);
            }
            seal(peer.current, reply, peer.address);
            keepalivesAnswered.incrementAndGet();
            return;
        }
        byte[] frame = Arrays.copyOf(plain.array(), length);
        frames.add(new Received(frame, index));
        for (Peer other : byKey.values()) {
            if (other != peer && other.current != null && other.address != null) {
                seal(other.current, ByteBuffer.wrap(frame), other.address);
            }
        }
    }

    private static Session sessionOf(Peer peer, int index) {
        for (Session session : new Session[] {peer.pending, peer.current, peer.previous}) {
            if (session != null && session.localIndex() == index) {
                return session;
            }
        }
        return null;
    }

    private void seal(Session session, ByteBuffer frame, SocketAddress to) throws IOException {
        ByteBuffer out = ByteBuffer.allocate(frame.remaining() + WireFormat.DATA_OVERHEAD);
        session.seal(frame, out);
        lastSent = Arrays.copyOf(out.array(), out.position());
        lastSentTo = to;
        channel.send(out.flip(), to);
    }

    /**
     * Arguments: UDP port, lifetime in seconds, key directory, network name. The switch and network keys are
     * read from the key directory, or made there on the first start, so that a restarted switch keeps them;
     * the join token (endpoint 127.0.0.1:PORT) is written to DIR/NETWORK.token.
     */
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        long lifetime = Long.parseLong(args[1]);
        Path dir = Path.of(args[2]);
        String network = args[3];
        SecureRandom random = new SecureRandom();
        byte[] switchKey = readOrCreate(dir.resolve("switch.key"), random);
        byte[] networkKey = readOrCreate(dir.resolve(network + ".key"), random);
        Path token = dir.resolve(network + ".token");
        if (!Files.exists(token)) {
            Files.createFile(token, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(token, new JoinToken("127.0.0.1:" + port, X25519.publicKey(switchKey), network, networkKey, null).encode()
                    + "\n", StandardCharsets.US_ASCII);
        }
        try (TestSwitch sw = new TestSwitch(new InetSocketAddress(port), switchKey, networkKey, network, lifetime)) {
            System.out.println("secure switch listening on " + port);
            sw.thread.join();
        }
    }

    private static byte[] readOrCreate(Path file, SecureRandom random) throws IOException {
        if (Files.exists(file)) {
            return KeyFiles.read(file, file.getFileName().toString());
        }
        byte[] key = Keys.generate(random);
        KeyFiles.write(file, key);
        return key;
    }
}
