package dev.vswitch.protocol.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Key files: one base64 key per file, readable by the owner only (mode 0600), written atomically. */
public final class KeyFiles {

    private KeyFiles() {
    }

    /** Writes {@code key} to {@code file} with mode 0600; the file never exists with wider permissions. */
    public static void write(Path file, byte[] key) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = dir.resolve("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        try {
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            throw new IOException("another process is writing " + file);
        }
        Files.writeString(temp, Keys.encode(key) + "\n", StandardCharsets.US_ASCII);
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Reads a key written by {@link #write} (or by hand: surrounding blanks are ignored). */
    public static byte[] read(Path file, String what) throws IOException {
        return Keys.decode(Files.readString(file, StandardCharsets.US_ASCII), what + " in " + file);
    }
}
