package dev.vswitch.vport.secure;

import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.Keepalive;
import dev.vswitch.protocol.offload.VirtioNetHeader;
import dev.vswitch.protocol.keys.Keys;
import dev.vswitch.protocol.noise.NoiseException;
import dev.vswitch.protocol.noise.X25519;
import dev.vswitch.protocol.wire.CookieJar;
import dev.vswitch.protocol.wire.HandshakeRefusal;
import dev.vswitch.protocol.wire.HandshakeResponder;
import dev.vswitch.protocol.wire.Session;
import dev.vswitch.protocol.wire.Timestamp;
import dev.vswitch.protocol.wire.WireFormat;
import dev.vswitch.vport.link.MemoryNetwork;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The switch's side of the secure protocol for tests: built from the protocol module's {@link HandshakeResponder},
 * {@link CookieJar} and {@link Session} with the switch's rules (a session is pending until the client's first
 * authentic data message; keepalive requests are answered; initiation timestamps must increase). It forwards frames
 * between its clients like a hub and keeps what it received for the test to look at. Forgetting everything, as a
 * restarted switch does, is a new one at the same address.
 *
 * <p>It owns no socket: datagrams come in through {@link #receive} and leave through an {@link Out}, so it serves in a
 * {@link MemoryNetwork} ({@link #bind}) as well as on UDP ({@link UdpTestSwitch}, the namespace integration tests'
 * stand-in switch).
 */
public final class TestSwitch implements MemoryNetwork.Receiver {

    /** Where the switch's datagrams go. */
    @FunctionalInterface
    public interface Out {
        void send(byte[] datagram, InetSocketAddress to);
    }

    /** A frame a client sent, and the index (ours) of the session it came in. */
    public record Received(byte[] frame, int sessionIndex) {
    }

    private static final class Peer {
        InetSocketAddress address;
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
    /** Keepalives that came as offload messages: the vport said it takes them. */
    public final AtomicInteger offloadKeepalives = new AtomicInteger();
    /** Path probes echoed. */
    public final AtomicInteger probesEchoed = new AtomicInteger();
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
    /** Say in keepalive replies that this switch introduces vports (needs {@link #maxFrame} set: the extended reply). */
    public volatile boolean introduces;
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
    private final InetSocketAddress address;
    private final Out out;
    private final Map<Integer, Peer> byIndex = new HashMap<>();
    private final Map<String, Peer> byKey = new LinkedHashMap<>();
    private final ByteBuffer plain = ByteBuffer.allocate(65_536);
    private byte[] lastSent;
    private InetSocketAddress lastSentTo;

    /**
     * @param address    where it is reached, as its clients name it
     * @param networkKey the key this switch holds for {@code network}: another than the client's token has
     *                   makes every handshake fail at the client
     */
    public TestSwitch(InetSocketAddress address, byte[] switchPrivate, byte[] networkKey, String network, Out out) {
        this.responder = new HandshakeResponder(switchPrivate);
        this.cookies = new CookieJar(X25519.publicKey(switchPrivate), random);
        this.networkKey = networkKey.clone();
        this.network = network;
        this.address = address;
        this.out = out;
    }

    /** A switch at {@code address} in {@code memory}, in place of what was there (a restarted switch). */
    public static TestSwitch bind(MemoryNetwork memory, InetSocketAddress address, byte[] switchPrivate, byte[] networkKey,
            String network) {
        TestSwitch bound = new TestSwitch(address, switchPrivate, networkKey, network,
                (datagram, to) -> memory.send(datagram, address, to));
        memory.bind(address, bound);
        return bound;
    }

    public InetSocketAddress address() {
        return address;
    }

    public int port() {
        return address.getPort();
    }

    /** Sends {@code frame} to the (first) client in its current session. */
    public synchronized void sendFrame(byte[] frame) {
        Peer peer = onlyPeer();
        seal(peer.current, ByteBuffer.wrap(frame), peer.address);
    }

    /** Sends {@code packet}, a virtio_net_hdr and the frame it describes, as an offload message. */
    public synchronized void sendOffloadPacket(byte[] packet) {
        Peer peer = onlyPeer();
        seal(peer.current, WireFormat.TYPE_DATA_OFFLOAD, ByteBuffer.wrap(packet), peer.address);
    }

    /** Sends {@code frame} in the session before the current one: a packet in flight during a rekey. */
    public synchronized void sendFrameOnPrevious(byte[] frame) {
        Peer peer = onlyPeer();
        seal(peer.previous, ByteBuffer.wrap(frame), peer.address);
    }

    /** Sends the last data message again, as an attacker replaying it would. */
    public synchronized void replayLast() {
        out.send(lastSent, lastSentTo);
    }

    /** Sends a data message for the client whose ciphertext was changed on the way. */
    public synchronized void sendForged(byte[] frame) {
        Peer peer = onlyPeer();
        ByteBuffer message = ByteBuffer.allocate(frame.length + WireFormat.DATA_OVERHEAD);
        peer.current.seal(ByteBuffer.wrap(frame), message);
        byte[] forged = message.array();
        forged[WireFormat.DATA_HEADER_LENGTH + 3] ^= 0x40;
        out.send(forged, peer.address);
    }

    /** Sends a datagram as it is. */
    public synchronized void sendRaw(byte[] datagram) {
        out.send(datagram, onlyPeer().address);
    }

    /** The current session's index at this switch (what the client's data messages name). */
    public synchronized int currentIndex() {
        return onlyPeer().current.localIndex();
    }

    public synchronized boolean hasConfirmedClient() {
        return !byKey.isEmpty() && byKey.values().iterator().next().current != null;
    }

    private Peer onlyPeer() {
        if (byKey.isEmpty()) {
            throw new IllegalStateException("no client has completed a handshake");
        }
        return byKey.values().iterator().next();
    }

    /** A datagram from {@code sender}: handled at once, on the caller's thread. */
    @Override
    public synchronized void receive(byte[] datagram, InetSocketAddress sender) {
        ByteBuffer in = ByteBuffer.wrap(datagram);
        switch (WireFormat.typeOf(in, 0, in.remaining())) {
            case WireFormat.TYPE_INITIATION -> onInitiation(datagram, sender);
            case WireFormat.TYPE_DATA, WireFormat.TYPE_DATA_OFFLOAD -> onData(in, sender);
            default -> dataDropped.incrementAndGet();
        }
    }

    private void onInitiation(byte[] message, InetSocketAddress sender) {
        initiations.incrementAndGet();
        if (!responder.mac1Valid(message)) {
            return;
        }
        HandshakeRefusal.Reason refusal = refuseWith;
        if (refusal != null) {
            out.send(HandshakeRefusal.encode(HandshakeRefusal.senderIndexOf(message), refusal), sender);
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
            out.send(cookies.reply(message, senderIndex, address, sender.getPort(), now), sender);
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
            out.send(responder.respond(again, otherKey, index, now).message(), sender);
        }
        if (peer.pending != null) {
            byIndex.remove(peer.pending.localIndex());
        }
        peer.pending = response.session();
        byIndex.put(index, peer);
        if (peer.address == null) {
            peer.address = sender;
        }
        out.send(response.message(), sender);
        accepted.incrementAndGet();
    }

    private void onData(ByteBuffer in, InetSocketAddress sender) {
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
        byte type = WireFormat.typeOf(in, 0, in.limit());
        if (type == WireFormat.TYPE_DATA_OFFLOAD) { // only keepalives and probes: the vport sends offload frames to no test
            onOffloadMessage(peer);
            return;
        }
        int length = plain.remaining();
        if (length == 0) {
            return;
        }
        if (Keepalive.kind(plain, 0, length) == Keepalive.PROBE) {
            echoProbe(peer, type, 0, length);
            return;
        }
        if (Keepalive.kind(plain, 0, length) == Keepalive.REQUEST) {
            ByteBuffer reply = ByteBuffer.allocate(Keepalive.REPLY_EXTENDED_LENGTH);
            if (maxFrame == 0) {
                Keepalive.writeReply(reply, EthernetFrame.source(plain, 0));
            } else {
                Keepalive.writeReply(reply, EthernetFrame.source(plain, 0), false, maxFrame, (byte)
                        ((draining ? Keepalive.FLAG_DRAINING : 0) | (introduces ? Keepalive.FLAG_RENDEZVOUS : 0)));
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

    /** An offload message's keepalive is answered in kind, as the switch does, which tells the vport that it takes them. */
    private void onOffloadMessage(Peer peer) {
        int length = plain.remaining() - VirtioNetHeader.LENGTH;
        byte kind = length < 0 ? 0 : Keepalive.kind(plain, VirtioNetHeader.LENGTH, length);
        if (kind == Keepalive.PROBE) {
            echoProbe(peer, WireFormat.TYPE_DATA_OFFLOAD, VirtioNetHeader.LENGTH, length);
        } else if (kind == Keepalive.REQUEST) {
            offloadKeepalives.incrementAndGet();
            ByteBuffer reply = ByteBuffer.allocate(VirtioNetHeader.LENGTH + Keepalive.LENGTH);
            Keepalive.writeReply(reply.slice(VirtioNetHeader.LENGTH, Keepalive.LENGTH), EthernetFrame.source(plain, VirtioNetHeader.LENGTH));
            seal(peer.current, WireFormat.TYPE_DATA_OFFLOAD, reply, peer.address);
            keepalivesAnswered.incrementAndGet();
        } else {
            dataDropped.incrementAndGet();
        }
    }

    /** Echoes a probe at its own length, in the message type it came in, as the switch does. */
    private void echoProbe(Peer peer, byte type, int offset, int length) {
        ByteBuffer echo = ByteBuffer.allocate(offset + length);
        Keepalive.writeProbeReply(echo.slice(offset, length), EthernetFrame.source(plain, offset), length);
        seal(peer.current, type, echo.clear(), peer.address);
        probesEchoed.incrementAndGet();
    }

    private static Session sessionOf(Peer peer, int index) {
        for (Session session : new Session[] {peer.pending, peer.current, peer.previous}) {
            if (session != null && session.localIndex() == index) {
                return session;
            }
        }
        return null;
    }

    private void seal(Session session, ByteBuffer frame, InetSocketAddress to) {
        seal(session, WireFormat.TYPE_DATA, frame, to);
    }

    private void seal(Session session, byte type, ByteBuffer frame, InetSocketAddress to) {
        ByteBuffer message = ByteBuffer.allocate(frame.remaining() + WireFormat.DATA_OVERHEAD);
        session.seal(type, frame, message);
        lastSent = Arrays.copyOf(message.array(), message.position());
        lastSentTo = to;
        out.send(lastSent, to);
    }
}
