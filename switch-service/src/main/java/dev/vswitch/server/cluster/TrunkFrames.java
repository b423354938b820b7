package dev.vswitch.server.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The plaintext of a trunk's data messages. One trunk carries the frames of every network, each prefixed
 * with its network's tag: the name's length in one byte (1 to 32), then the name in UTF-8 (docs/protocol.md). An empty
 * plaintext is a keepalive. A first byte above 32 marks the trunk's own messages: a path probe and its echo
 * ({@link TrunkPath}), and a piece of a tagged frame too large to cross the path whole ({@link TrunkPieces}).
 */
public final class TrunkFrames {

    /** A path probe: this byte, then zeros up to the size to prove; answered by an {@link #ECHO} of the same length. */
    public static final byte PROBE = (byte) 0x80;
    /** The answer to a {@link #PROBE}: this byte, then zeros, exactly as long as the probe. */
    public static final byte ECHO = (byte) 0x81;
    /** A piece of a tagged frame ({@link TrunkPieces}). */
    public static final byte PIECE = (byte) 0x82;

    private TrunkFrames() {
    }

    /** The tag of a network: name length (1 byte), name. */
    public static byte[] tag(String network) {
        byte[] name = network.getBytes(StandardCharsets.UTF_8);
        byte[] tag = new byte[1 + name.length];
        tag[0] = (byte) name.length;
        System.arraycopy(name, 0, tag, 1, name.length);
        return tag;
    }

    /** True when the plaintext in {@code plain} (from index 0 to its limit) starts with {@code tag}. */
    public static boolean carries(ByteBuffer plain, byte[] tag) {
        return tag.length <= plain.limit() && Arrays.equals(plain.array(), 0, tag.length, tag, 0, tag.length);
    }

    /** A probe or an echo of {@code length} bytes: {@code kind}, then zeros. */
    static ByteBuffer padded(byte kind, int length) {
        ByteBuffer plain = ByteBuffer.allocate(length);
        plain.put(0, kind);
        return plain;
    }

    /** The kind of the non-empty plaintext in {@code plain}: its first byte, a tag's length or one of the marks above. */
    public static byte kind(ByteBuffer plain) {
        return plain.get(0);
    }
}
