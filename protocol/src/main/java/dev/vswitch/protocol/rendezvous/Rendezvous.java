package dev.vswitch.protocol.rendezvous;

import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.Keepalive;
import dev.vswitch.protocol.MacAddress;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The rendezvous messages, in the keepalive's frame shape (EtherType 0x88B5, "VSKA", a kind byte; see {@link Keepalive})
 * so that the switch's data path tells them from frames as it tells keepalives:
 *
 * <pre>
 *   endpoints (0x07), vport to switch: dst 00:00:00:00:00:00  src = vport's MAC   header, count (1), endpoints
 *   peer (0x08), switch to vport:      dst = vport's MAC      src 00:00:00:00:00:00  header, the other vport's static
 *                                      public key (32), its MAC (6), its endpoint as the switch sees it, count (1),
 *                                      its own endpoints
 *   paths (0x09), vport to switch:     dst 00:00:00:00:00:00  src = vport's MAC   header, direct peers now (2),
 *                                      since the vport started: punches that went direct (4), punches nobody
 *                                      answered (4), direct paths lost (4)
 *   endpoint: family (1: 4 or 6), address (4 or 16), port (2)
 * </pre>
 *
 * <p>A vport sends its endpoints (the addresses of its interfaces with its socket's port: its candidates behind a NAT)
 * only to a switch whose keepalive reply carries {@link Keepalive#FLAG_RENDEZVOUS}: an older switch would take the
 * message for a frame. The switch sends peers only to vports that sent their endpoints, so older vports never see one.
 * Both are carried in the session, so only the switch and the two vports read them.
 */
public final class Rendezvous {

    /** A vport's own endpoints, to the switch. */
    public static final byte ENDPOINTS = 7;
    /** Another vport of the network, to a vport. */
    public static final byte PEER = 8;
    /** How a vport's direct paths fare, to the switch: its metrics count them for the whole LAN. */
    public static final byte PATHS = 9;
    /** The length of a paths message. */
    public static final int PATHS_LENGTH = Keepalive.LENGTH + 2 + 3 * 4;
    /** At most this many endpoints in one message: enough for a host's addresses of both families. */
    public static final int MAX_ENDPOINTS = 8;
    public static final int KEY_LENGTH = 32;
    /** The longest endpoints message: the header, the count, and as many IPv6 endpoints (1 + 16 + 2 bytes) as fit. */
    public static final int MAX_ENDPOINTS_LENGTH = Keepalive.LENGTH + 1 + MAX_ENDPOINTS * (1 + 16 + 2);

    /** Another vport as the switch introduces it. */
    public record PeerIntro(byte[] publicKey, long mac, InetSocketAddress observed, List<InetSocketAddress> local) {
    }

    /**
     * A vport's direct paths: how many peers it reaches directly now, and since it started how many punches went
     * direct, how many nobody answered, and how many direct paths it lost (each counted modulo 2^32).
     */
    public record PathReport(int directPeers, long punchedDirect, long punchedUnanswered, long lost) {
    }

    private static final int BODY_OFFSET = Keepalive.LENGTH;

    private Rendezvous() {
    }

    /** {@link #ENDPOINTS}, {@link #PEER}, {@link #PATHS}, or 0 when {@code frame[offset, offset+length)} is none. */
    public static byte kind(ByteBuffer frame, int offset, int length) {
        if (length <= BODY_OFFSET || EthernetFrame.etherType(frame, offset) != Keepalive.ETHER_TYPE
                || frame.getInt(offset + EthernetFrame.HEADER_LENGTH) != Keepalive.MAGIC) {
            return 0;
        }
        byte kind = frame.get(offset + BODY_OFFSET - 1);
        return kind == ENDPOINTS || kind == PEER || kind == PATHS ? kind : 0;
    }

    /** Writes a vport's endpoints message at the buffer's start, left flipped for sending. */
    public static void writeEndpoints(ByteBuffer out, long vportMac, List<InetSocketAddress> endpoints) {
        header(out, MacAddress.ZERO, vportMac, ENDPOINTS);
        putEndpoints(out, endpoints);
        out.flip();
    }

    /** The endpoints of an {@link #ENDPOINTS} message; null when it is malformed. */
    public static List<InetSocketAddress> readEndpoints(ByteBuffer frame, int offset, int length) {
        ByteBuffer body = frame.duplicate().limit(offset + length).position(offset + BODY_OFFSET);
        List<InetSocketAddress> endpoints = getEndpoints(body);
        return endpoints == null || body.hasRemaining() ? null : endpoints;
    }

    /** Writes a vport's paths message at the buffer's start, left flipped for sending. */
    public static void writePaths(ByteBuffer out, long vportMac, PathReport report) {
        header(out, MacAddress.ZERO, vportMac, PATHS);
        out.putShort((short) Math.min(report.directPeers(), 0xFFFF)).putInt((int) report.punchedDirect())
                .putInt((int) report.punchedUnanswered()).putInt((int) report.lost());
        out.flip();
    }

    /** The report in a {@link #PATHS} message; null when it is malformed. */
    public static PathReport readPaths(ByteBuffer frame, int offset, int length) {
        if (length != PATHS_LENGTH) {
            return null;
        }
        int at = offset + BODY_OFFSET;
        return new PathReport(Short.toUnsignedInt(frame.getShort(at)), Integer.toUnsignedLong(frame.getInt(at + 2)),
                Integer.toUnsignedLong(frame.getInt(at + 6)), Integer.toUnsignedLong(frame.getInt(at + 10)));
    }

    /** Writes the introduction of {@code peer} to the vport whose MAC is {@code vportMac}, left flipped for sending. */
    public static void writePeer(ByteBuffer out, long vportMac, PeerIntro peer) {
        if (peer.publicKey().length != KEY_LENGTH) {
            throw new IllegalArgumentException("a public key of " + peer.publicKey().length + " bytes");
        }
        header(out, vportMac, MacAddress.ZERO, PEER);
        out.put(peer.publicKey());
        EthernetFrame.writeMac(out, out.position(), peer.mac());
        out.position(out.position() + 6);
        putEndpoint(out, peer.observed());
        putEndpoints(out, peer.local());
        out.flip();
    }

    /** The introduction in a {@link #PEER} message; null when it is malformed. */
    public static PeerIntro readPeer(ByteBuffer frame, int offset, int length) {
        ByteBuffer body = frame.duplicate().limit(offset + length).position(offset + BODY_OFFSET);
        if (body.remaining() < KEY_LENGTH + 6) {
            return null;
        }
        byte[] key = new byte[KEY_LENGTH];
        body.get(key);
        long mac = EthernetFrame.readMac(body, body.position());
        body.position(body.position() + 6);
        InetSocketAddress observed = getEndpoint(body);
        List<InetSocketAddress> local = observed == null ? null : getEndpoints(body);
        return local == null || body.hasRemaining() ? null : new PeerIntro(key, mac, observed, local);
    }

    private static void header(ByteBuffer out, long destination, long source, byte kind) {
        out.clear();
        EthernetFrame.writeMac(out, EthernetFrame.DESTINATION_OFFSET, destination);
        EthernetFrame.writeMac(out, EthernetFrame.SOURCE_OFFSET, source);
        out.putShort(EthernetFrame.ETHER_TYPE_OFFSET, (short) Keepalive.ETHER_TYPE);
        out.putInt(EthernetFrame.HEADER_LENGTH, Keepalive.MAGIC);
        out.put(BODY_OFFSET - 1, kind);
        out.position(BODY_OFFSET);
    }

    private static void putEndpoints(ByteBuffer out, List<InetSocketAddress> endpoints) {
        int count = Math.min(endpoints.size(), MAX_ENDPOINTS);
        out.put((byte) count);
        for (int i = 0; i < count; i++) {
            putEndpoint(out, endpoints.get(i));
        }
    }

    private static void putEndpoint(ByteBuffer out, InetSocketAddress endpoint) {
        InetAddress address = endpoint.getAddress();
        if (address == null) {
            throw new IllegalArgumentException("an unresolved endpoint: " + endpoint);
        }
        out.put((byte) (address instanceof Inet4Address ? 4 : 6)).put(address.getAddress())
                .putShort((short) endpoint.getPort());
    }

    private static List<InetSocketAddress> getEndpoints(ByteBuffer body) {
        if (!body.hasRemaining()) {
            return null;
        }
        int count = Byte.toUnsignedInt(body.get());
        if (count > MAX_ENDPOINTS) {
            return null;
        }
        List<InetSocketAddress> endpoints = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            InetSocketAddress endpoint = getEndpoint(body);
            if (endpoint == null) {
                return null;
            }
            endpoints.add(endpoint);
        }
        return List.copyOf(endpoints);
    }

    private static InetSocketAddress getEndpoint(ByteBuffer body) {
        if (!body.hasRemaining()) {
            return null;
        }
        byte family = body.get();
        int length = family == 4 ? 4 : family == 6 ? 16 : -1;
        if (length < 0 || body.remaining() < length + 2) {
            return null;
        }
        byte[] address = new byte[length];
        body.get(address);
        int port = Short.toUnsignedInt(body.getShort());
        try {
            return port == 0 ? null : new InetSocketAddress(InetAddress.getByAddress(address), port);
        } catch (UnknownHostException e) {
            return null; // cannot happen for 4 or 16 bytes
        }
    }
}
