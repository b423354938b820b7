package dev.vswitch.protocol.keys;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JoinTokenTest {

    private final SecureRandom random = new SecureRandom();
    private final JoinToken token = new JoinToken("switch.example.test:9999", Keys.generate(random), "lab",
            Keys.generate(random), null);

    @Test
    void roundTripsWithAndWithoutAClientKey() {
        JoinToken decoded = JoinToken.decode(token.encode());
        assertEquals(token, decoded);
        assertNull(decoded.clientPrivateKey());
        JoinToken issued = new JoinToken("[2001:db8::1]:9999", token.switchPublicKey(), "lab", token.networkKey(),
                Keys.generate(random));
        assertEquals(issued, JoinToken.decode("  " + issued.encode() + "\n"));
    }

    @Test
    void damagedTokensAreRefusedWithAReason() {
        String text = token.encode();
        assertTrue(message(text.substring(0, text.length() - 3)).contains("damaged"));
        char flipped = text.charAt(20) == 'A' ? 'B' : 'A';
        assertTrue(message(text.substring(0, 20) + flipped + text.substring(21)).contains("checksum"));
        assertTrue(message("hello").contains("not a vswitch join token"));
        assertTrue(message("vsw1.!!!").contains("damaged"));
    }

    @Test
    void secretsNeverShowInToString() {
        String shown = token.toString();
        assertFalse(shown.contains(Keys.encode(token.networkKey())));
        assertTrue(shown.contains("redacted"));
    }

    @Test
    void keyFilesAreOwnerOnlyAndRoundTrip(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("keys/switch.key");
        byte[] key = Keys.generate(random);
        KeyFiles.write(file, key);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertArrayEquals(key, KeyFiles.read(file, "switch key"));
        Files.writeString(file, "short");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KeyFiles.read(file, "switch key"));
        assertTrue(e.getMessage().startsWith("switch key in "), e.getMessage());
    }

    private static String message(String text) {
        return assertThrows(IllegalArgumentException.class, () -> JoinToken.decode(text)).getMessage();
    }
}
