package dev.vswitch.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A test's folder for keys and join tokens: a temporary folder only its owner can enter, with {@code clients/} made
 * ready for the vports' key files. Deleted when the topology closes; a shutdown hook deletes any that a crashed test
 * left behind, as {@link Netns} does for namespaces.
 */
final class Secrets {

    private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(Secrets::delete), "delete-secrets"));
    }

    private Secrets() {
    }

    static Path createDirectory() {
        try {
            Path dir = Files.createTempDirectory("vswitch-e2e-keys-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            OPEN.add(dir);
            Files.createDirectory(dir.resolve("clients"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a folder for the test's keys", e);
        }
    }

    static void delete(Path dir) {
        try {
            if (Files.exists(dir)) {
                try (Stream<Path> paths = Files.walk(dir)) {
                    for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(path);
                    }
                }
            }
            OPEN.remove(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the test's keys in " + dir, e);
        }
    }
}
