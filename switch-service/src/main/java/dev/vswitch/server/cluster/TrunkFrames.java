package dev.vswitch.server.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The plaintext of a trunk's data messages. One trunk carries the frames of every network, each prefixed
 * with its network's tag: the name's length in one byte, then the name in UTF-8 (docs/protocol.md). An empty
 * plaintext is a keepalive.
 */
public final class TrunkFrames {

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
}
