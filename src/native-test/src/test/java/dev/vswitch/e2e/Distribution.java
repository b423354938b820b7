package dev.vswitch.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The self-contained downloads as a user gets them: each module's {@code target/NAME-VERSION-linux-ARCH.tar.gz}
 * (with {@code vswitch.artifacts=native}, the native executable's {@code NAME-VERSION-linux-ARCH-native.tar.gz})
 * unpacked with tar into an empty folder, {@code target/dist-under-test/}, once per test run. Their launchers run
 * through {@code env -i}, so without JAVA_HOME or any other inherited variable, and with a PATH that is a folder of
 * links to the few tools a launcher uses and nothing else: no system Java can be found, so a test that passes
 * proves the download brings its own (or, native, needs none).
 */
final class Distribution {

    /** What the launcher (src/dist/launcher.sh) calls besides bash builtins. */
    static final List<String> LAUNCHER_TOOLS = List.of("readlink", "cat", "rm", "mv");
    private static final Map<String, String> PROGRAMS = Map.of(
            Artifacts.SWITCH_MODULE, "vswitch", Artifacts.VPORT_MODULE, "vport");
    private static final Duration UNPACK_TIMEOUT = Duration.ofSeconds(120);
    /** A module's download: the bundled runtime's, or the native executable's. */
    private static final String ARCHIVE = Artifacts.nativeBuild()
            ? "-linux-[^-]+-native\\.tar\\.gz"
            : "-linux-[^-]+\\.tar\\.gz";
    private static Distribution unpacked;

    private final Path tools;
    private final Map<String, Path> homes;

    private Distribution(Path tools, Map<String, Path> homes) {
        this.tools = tools;
        this.homes = homes;
    }

    /** Unpacks the downloads on first use; later calls get the same folder. */
    static synchronized Distribution unpacked() {
        if (unpacked == null) {
            unpacked = unpack(Path.of("target", "dist-under-test").toAbsolutePath());
        }
        return unpacked;
    }

    /** Runs {@code module}'s launcher with nothing of this JVM's environment. */
    List<String> command(String module) {
        return List.of("/usr/bin/env", "-i", "PATH=" + tools, launcher(module).toString());
    }

    /** The unpacked {@code NAME-VERSION/} folder of {@code module}'s download. */
    Path home(String module) {
        return homes.get(module);
    }

    Path launcher(String module) {
        return home(module).resolve("bin").resolve(PROGRAMS.get(module));
    }

    /** The only folder on the launchers' PATH. */
    Path tools() {
        return tools;
    }

    private static Distribution unpack(Path root) {
        try {
            Lab.deleteRecursively(root);
            Path tools = Files.createDirectories(root.resolve("tools"));
            for (String tool : LAUNCHER_TOOLS) {
                Files.createSymbolicLink(tools.resolve(tool), which(tool));
            }
            Map<String, Path> homes = new LinkedHashMap<>();
            for (String module : PROGRAMS.keySet().stream().sorted().toList()) {
                Path archive = archive(module);
                Command.run(UNPACK_TIMEOUT, List.of("tar", "-xzf", archive.toString(), "-C", root.toString())).orFail();
                String name = archive.getFileName().toString().replaceFirst(ARCHIVE + "$", "");
                homes.put(module, root.resolve(name));
            }
            return new Distribution(tools, homes);
        } catch (IOException e) {
            throw new UncheckedIOException("could not unpack the distributions into " + root, e);
        }
    }

    private static Path archive(String module) {
        Path target = Artifacts.target(module);
        List<Path> archives;
        try (Stream<Path> files = Files.exists(target) ? Files.list(target) : Stream.empty()) {
            archives = files.filter(file -> file.getFileName().toString().matches(".*" + ARCHIVE)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Artifacts.requireBuilt(archives.size() == 1, target + "/*" + ARCHIVE + " (found " + archives + ")");
        return archives.get(0);
    }

    /** The file {@code tool} names on this JVM's PATH. */
    private static Path which(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(dir, tool);
            if (Files.isExecutable(candidate)) {
                return candidate.toAbsolutePath();
            }
        }
        throw new AssertionError(tool + " is not on the PATH; the launcher needs it");
    }
}
