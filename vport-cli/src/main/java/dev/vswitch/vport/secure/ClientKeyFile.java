package dev.vswitch.vport.secure;

import dev.vswitch.protocol.keys.KeyFiles;
import dev.vswitch.protocol.keys.Keys;
import dev.vswitch.protocol.noise.X25519;
import dev.vswitch.vport.ExitCode;
import dev.vswitch.vport.VportException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.Set;

/**
 * The vport's own static key: a file with one base64 X25519 private key, mode 0600, as {@code vport keygen}
 * writes it. Its public key is what a switch's allow-list names. Every failure is a {@link VportException}
 * with {@link ExitCode#BAD_CREDENTIALS} and one line naming the file.
 */
public final class ClientKeyFile {

    /** Where root keeps the key: a system service's state directory. */
    public static final String ROOT_DEFAULT_PATH = "/var/lib/vport/private.key";
    public static final Path ROOT_DEFAULT = Path.of(ROOT_DEFAULT_PATH);
    /** The default in --help, in two lines so that no path is wrapped. */
    public static final String DEFAULT_LINE_ROOT = "Default: " + ROOT_DEFAULT_PATH + " as root,";
    public static final String DEFAULT_LINE_USER = "else ~/.config/vport/private.key.";

    private static final Set<PosixFilePermission> GROUP_OR_OTHER = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    /** A key and whether it was just made. */
    public record Loaded(Path file, byte[] privateKey, boolean created) {

        public String publicKey() {
            return Keys.encode(X25519.publicKey(privateKey));
        }
    }

    private ClientKeyFile() {
    }

    /** The default key file: {@link #ROOT_DEFAULT} for root, else under the user's config directory. */
    public static Path defaultPath() {
        if (isRoot()) {
            return ROOT_DEFAULT;
        }
        String config = System.getenv("XDG_CONFIG_HOME");
        Path base = config != null && !config.isBlank() ? Path.of(config) : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("vport").resolve("private.key");
    }

    /** Reads the key in {@code file}, or makes a new one there if the file does not exist. */
    public static Loaded loadOrCreate(Path file, SecureRandom random) {
        if (Files.exists(file)) {
            return new Loaded(file, read(file), false);
        }
        return new Loaded(file, create(file, random), true);
    }

    /** Reads an existing key file. */
    public static byte[] read(Path file) {
        try {
            return KeyFiles.read(file, "client key");
        } catch (NoSuchFileException e) {
            throw new VportException(ExitCode.BAD_CREDENTIALS, "key file " + file + " does not exist (create one with 'vport keygen')");
        } catch (IOException e) {
            throw new VportException(ExitCode.BAD_CREDENTIALS, "cannot read key file " + file + ": " + reason(e));
        } catch (IllegalArgumentException e) {
            throw new VportException(ExitCode.BAD_CREDENTIALS, e.getMessage());
        }
    }

    /**
     * Writes a new random key to {@code file} with mode 0600, creating missing parent directories with mode
     * 0700, and returns it. Replaces an existing file: callers decide whether that is wanted.
     */
    public static byte[] create(Path file, SecureRandom random) {
        byte[] key = Keys.generate(random);
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (!Files.isDirectory(parent)) {
                Files.createDirectories(parent, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            KeyFiles.write(file, key);
        } catch (IOException e) {
            throw new VportException(ExitCode.BAD_CREDENTIALS, "cannot write key file " + file + ": " + reason(e));
        }
        return key;
    }

    /** True when others than the owner may read or write the file (it was copied or made by hand). */
    public static boolean isExposed(Path file) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            permissions.retainAll(GROUP_OR_OTHER);
            return !permissions.isEmpty();
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static boolean isRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(line -> line.startsWith("Uid:"))
                    .anyMatch(line -> line.split("\\s+")[2].equals("0"));
        } catch (IOException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }
}
