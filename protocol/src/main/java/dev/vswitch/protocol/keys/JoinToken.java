package dev.vswitch.protocol.keys;

import dev.vswitch.protocol.noise.Sha256;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;

/**
 * Everything a vport needs to join a network, in one copy-pasteable string:
 * {@code vsw1.<base64url(version, switch public key, network key, network name, endpoint, [client key])>}
 * plus a 4-byte checksum, so that a truncated or mistyped token is refused with a clear message instead
 * of failing handshakes. It holds secrets: {@link #toString()} never shows them.
 *
 * @param clientPrivateKey the client's own static key when the token was issued for one allow-listed
 *                         client; null for a token that any client with its own key may use
 */
public record JoinToken(String endpoint, byte[] switchPublicKey, String network, byte[] networkKey,
                        byte[] clientPrivateKey) {

    private static final String PREFIX = "vsw1.";
    private static final byte FORMAT = 1;
    private static final int CHECKSUM_LENGTH = 4;

    public String encode() {
        byte[] name = network.getBytes(StandardCharsets.UTF_8);
        byte[] host = endpoint.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(1 + 2 * Keys.LENGTH + 2 + name.length + host.length
                + (clientPrivateKey == null ? 0 : Keys.LENGTH) + CHECKSUM_LENGTH);
        out.put(FORMAT).put(switchPublicKey).put(networkKey);
        out.put((byte) name.length).put(name).put((byte) host.length).put(host);
        if (clientPrivateKey != null) {
            out.put(clientPrivateKey);
        }
        out.put(checksum(out.array(), out.position()));
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(out.array());
    }

    /** Parses a token; throws {@link IllegalArgumentException} with a one-line reason when it is not valid. */
    public static JoinToken decode(String text) {
        String trimmed = text.trim();
        if (!trimmed.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not a vswitch join token (they start with " + PREFIX + ")");
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(trimmed.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("join token is damaged (not base64url): was it copied whole?");
        }
        int body = raw.length - CHECKSUM_LENGTH;
        if (body < 1 + 2 * Keys.LENGTH + 2
                || !MessageDigest.isEqual(checksum(raw, body), Arrays.copyOfRange(raw, body, raw.length))) {
            throw new IllegalArgumentException("join token is damaged (checksum mismatch): was it copied whole?");
        }
        ByteBuffer in = ByteBuffer.wrap(raw, 0, body);
        if (in.get() != FORMAT) {
            throw new IllegalArgumentException("join token from a newer vswitch: upgrade vport");
        }
        try {
            byte[] switchKey = take(in, Keys.LENGTH);
            byte[] networkKey = take(in, Keys.LENGTH);
            String name = new String(take(in, in.get() & 0xFF), StandardCharsets.UTF_8);
            String host = new String(take(in, in.get() & 0xFF), StandardCharsets.UTF_8);
            byte[] client = in.remaining() == Keys.LENGTH ? take(in, Keys.LENGTH) : null;
            if (in.hasRemaining()) {
                throw new IllegalArgumentException("join token is damaged (trailing bytes)");
            }
            return new JoinToken(host, switchKey, name, networkKey, client);
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("join token is damaged (too short)");
        }
    }

    @Override
    public String toString() {
        return "JoinToken[endpoint=" + endpoint + ", network=" + network + ", switchPublicKey="
                + Keys.encode(switchPublicKey) + ", secrets redacted]";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof JoinToken token && endpoint.equals(token.endpoint) && network.equals(token.network)
                && Arrays.equals(switchPublicKey, token.switchPublicKey) && Arrays.equals(networkKey, token.networkKey)
                && Arrays.equals(clientPrivateKey, token.clientPrivateKey);
    }

    @Override
    public int hashCode() {
        return endpoint.hashCode() * 31 + network.hashCode();
    }

    private static byte[] take(ByteBuffer in, int length) {
        byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }

    private static byte[] checksum(byte[] data, int length) {
        return Arrays.copyOf(Sha256.hash(Arrays.copyOf(data, length)), CHECKSUM_LENGTH);
    }
}
