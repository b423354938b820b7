package dev.vswitch.protocol.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vswitch.protocol.keys.JoinToken;
import dev.vswitch.protocol.keys.Keys;
import dev.vswitch.protocol.noise.Sha256;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

import static dev.vswitch.protocol.fuzz.Refusals.check;
import static dev.vswitch.protocol.fuzz.Refusals.requireReason;

/**
 * What people paste: join tokens and base64 keys. A bad one is refused with an
 * {@link IllegalArgumentException} that says why; nothing else may come out.
 */
class TokenFuzzTest {

    private static final String PREFIX = "vsw1.";

    /**
     * The input twice: as the pasted text itself, and as a token body that gets a correct checksum, so
     * that the fuzzer reaches the fields behind the checksum. Seeds: tokens as text.
     */
    @FuzzTest(maxDuration = "10s")
    void joinToken(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        decodeOrRefuse(text);
        byte[] body = text.startsWith(PREFIX) ? decodedBody(text) : data;
        if (body != null) {
            decodeOrRefuse(withChecksum(body));
        }
    }

    /** A key as in a key file or on the command line. Seeds: keys as text. */
    @FuzzTest(maxDuration = "6s")
    void keys(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        byte[] key;
        try {
            key = Keys.decode(text, "network key");
        } catch (IllegalArgumentException e) {
            requireReason(e);
            check(e.getMessage().startsWith("network key"), "a refusal that does not name the key: " + e.getMessage());
            return;
        }
        check(key.length == Keys.LENGTH, "a key of " + key.length + " bytes");
        check(Arrays.equals(Keys.decode(Keys.encode(key), "again"), key), "a key that does not round-trip");
    }

    private static void decodeOrRefuse(String text) {
        JoinToken token;
        try {
            token = JoinToken.decode(text);
        } catch (IllegalArgumentException e) {
            requireReason(e);
            return;
        }
        check(token.switchPublicKey().length == Keys.LENGTH, "switch key of the wrong length");
        check(token.networkKey().length == Keys.LENGTH, "network key of the wrong length");
        check(token.clientPrivateKey() == null || token.clientPrivateKey().length == Keys.LENGTH,
                "client key of the wrong length");
        check(token.network() != null && token.endpoint() != null, "missing fields");
        token.toString();
        // Re-encoded (its texts fit the one-byte lengths), a decoded token decodes to itself.
        if (token.network().getBytes(StandardCharsets.UTF_8).length <= 255
                && token.endpoint().getBytes(StandardCharsets.UTF_8).length <= 255) {
            check(JoinToken.decode(token.encode()).equals(token), "a decoded token does not survive encode/decode");
        }
    }

    /** The raw bytes behind a token's text, without the checksum; null when the text is not base64url. */
    private static byte[] decodedBody(String text) {
        try {
            byte[] raw = Base64.getUrlDecoder().decode(text.trim().substring(PREFIX.length()));
            return raw.length < 4 ? raw : Arrays.copyOf(raw, raw.length - 4);
        } catch (IllegalArgumentException | StringIndexOutOfBoundsException e) {
            return null;
        }
    }

    private static String withChecksum(byte[] body) {
        byte[] raw = Arrays.copyOf(body, body.length + 4);
        System.arraycopy(Sha256.hash(body), 0, raw, body.length, 4);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }
}
