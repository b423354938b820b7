package dev.vswitch.vport.status;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The directory of status files, {@code DIR/<tap>.json}, one per running vport. Each file is replaced whole
 * (written to a hidden temporary file, then renamed over it), so a reader sees the previous content or
 * the new one, never a mix. Files are mode 0644: they hold no secrets, and {@code vport status} should work
 * for every user.
 */
public final class StatusDirectory {

    /** Where {@code connect} publishes and {@code status} looks, unless told otherwise. */
    public static final String DEFAULT = "/run/vport";
    static final String SUFFIX = ".json";
    /** Far more than any status file: a bigger file is not one. */
    static final long MAX_BYTES = 1 << 20;
    /**
     * A process whose start lies this much after a status file's {@code started_at} is not the vport that
     * wrote it, but another that got the same pid later. The slack covers clock granularity.
     */
    static final Duration START_SLACK = Duration.ofSeconds(2);

    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-r--r--");
    private static final FileAttribute<Set<PosixFilePermission>> DIRECTORY_MODE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x"));

    /** A status file as read: its path, its text as it is (for --json), and what it says. */
    public record Entry(Path file, String text, VportStatus status) {
    }

    private final Path dir;

    public StatusDirectory(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** {@code DIR/<tap>.json}; the TAP name is a valid interface name, so it cannot leave the directory. */
    public Path fileOf(String tap) {
        return dir.resolve(tap + SUFFIX);
    }

    /** Replaces the TAP's status file with {@code status}, creating the directory (mode 0755) if needed. */
    public void write(VportStatus status) throws IOException {
        Files.createDirectories(dir, DIRECTORY_MODE);
        Path file = fileOf(status.tap());
        Path temporary = temporaryOf(status.tap(), status.pid());
        Files.deleteIfExists(temporary);
        byte[] bytes = StatusJson.write(status).getBytes(StandardCharsets.UTF_8);
        try {
            // CREATE_NEW never follows a symbolic link planted under the temporary name.
            try (SeekableByteChannel channel = Files.newByteChannel(temporary,
                    EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(FILE_MODE))) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
            Files.setPosixFilePermissions(temporary, FILE_MODE); // the umask may have taken bits away at creation
            try {
                Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /**
     * The TAP's status file, or empty when there is none.
     *
     * @throws IOException              when it cannot be read
     * @throws IllegalArgumentException when it is not a status file (damaged, or something else)
     */
    public Optional<Entry> read(String tap) throws IOException {
        Path file = fileOf(tap);
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.empty();
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new IllegalArgumentException("larger than " + MAX_BYTES + " bytes");
            }
            String text = Files.readString(file, StandardCharsets.UTF_8);
            return Optional.of(new Entry(file, text, StatusJson.read(text)));
        } catch (NoSuchFileException e) {
            return Optional.empty(); // removed between the check and the read: the vport just stopped
        }
    }

    /** The TAP names that have a status file here, sorted; none when the directory does not exist. */
    public List<String> taps() throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<String> taps = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(file -> Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS))
                    .map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(SUFFIX) && !name.startsWith(".") && name.length() > SUFFIX.length())
                    .map(name -> name.substring(0, name.length() - SUFFIX.length()))
                    .sorted()
                    .forEach(taps::add);
        }
        return taps;
    }

    /**
     * Removes the TAP's status file if the vport {@code pid} wrote it (not when another vport has taken the
     * name since), and that vport's temporary file if one was left. Returns whether the status file went.
     */
    public boolean removeOwn(String tap, long pid) throws IOException {
        Files.deleteIfExists(temporaryOf(tap, pid));
        Optional<Entry> entry;
        try {
            entry = read(tap);
        } catch (IllegalArgumentException e) {
            return false; // not ours to judge: ours is always readable
        }
        if (entry.isEmpty() || entry.get().status().pid() != pid) {
            return false;
        }
        return Files.deleteIfExists(entry.get().file());
    }

    /**
     * True when the vport that wrote {@code status} still runs: its pid is alive, and that process did not
     * start after the vport did (which would make it another process that got the pid later).
     */
    public static boolean isRunning(VportStatus status) {
        Optional<ProcessHandle> process = ProcessHandle.of(status.pid());
        if (process.isEmpty() || !process.get().isAlive()) {
            return false;
        }
        Optional<Instant> processStart = process.get().info().startInstant();
        return status.startedAt() == null || processStart.isEmpty()
                || !processStart.get().isAfter(status.startedAt().plus(START_SLACK));
    }

    private Path temporaryOf(String tap, long pid) {
        return dir.resolve("." + tap + SUFFIX + "." + pid + ".tmp");
    }
}
