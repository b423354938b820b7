package dev.vswitch.vport.secure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vswitch.protocol.keys.Keys;
import dev.vswitch.protocol.noise.X25519;
import dev.vswitch.vport.ExitCode;
import dev.vswitch.vport.VportException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientKeyFileTest {

    private final SecureRandom random = new SecureRandom();

    @TempDir
    Path dir;

    @Test
    void theFirstUseMakesAPrivateKeyInPrivateDirectoriesAndLaterUsesReadIt() throws Exception {
        Path file = dir.resolve("var/lib/vport/private.key");
        ClientKeyFile.Loaded made = ClientKeyFile.loadOrCreate(file, random);
        assertTrue(made.created());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("var"))));
        assertEquals(Keys.encode(X25519.publicKey(made.privateKey())), made.publicKey());
        assertFalse(ClientKeyFile.isExposed(file));

        ClientKeyFile.Loaded again = ClientKeyFile.loadOrCreate(file, random);
        assertFalse(again.created());
        assertArrayEquals(made.privateKey(), again.privateKey());
    }

    @Test
    void aDamagedKeyFileIsBadCredentialsInOneLineNamingTheFile() throws Exception {
        Path file = Files.writeString(dir.resolve("private.key"), "not a key\n");
        VportException e = assertThrows(VportException.class, () -> ClientKeyFile.loadOrCreate(file, random));
        assertEquals(ExitCode.BAD_CREDENTIALS, e.exitCode());
        assertEquals("client key in " + file + " is not base64", e.getMessage());

        Files.writeString(file, Keys.encode(new byte[16]));
        e = assertThrows(VportException.class, () -> ClientKeyFile.read(file));
        assertTrue(e.getMessage().contains("must be 32 bytes"), e.getMessage());
    }

    @Test
    void aMissingOrUnwritableKeyFileIsBadCredentials() throws Exception {
        VportException missing = assertThrows(VportException.class, () -> ClientKeyFile.read(dir.resolve("none.key")));
        assertEquals(ExitCode.BAD_CREDENTIALS, missing.exitCode());
        assertTrue(missing.getMessage().contains("vport keygen"), missing.getMessage());

        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        VportException unwritable = assertThrows(VportException.class,
                () -> ClientKeyFile.create(notADirectory.resolve("private.key"), random));
        assertEquals(ExitCode.BAD_CREDENTIALS, unwritable.exitCode());
        assertTrue(unwritable.getMessage().startsWith("cannot write key file "), unwritable.getMessage());
    }

    @Test
    void aKeyFileOthersCanReadIsNoticed() throws Exception {
        Path file = dir.resolve("private.key");
        ClientKeyFile.create(file, random);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertTrue(ClientKeyFile.isExposed(file));
    }
}
