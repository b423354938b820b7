package dev.vswitch.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The one place that decides which build of the programs the tests run. System property {@code vswitch.artifacts}:
 * {@code jvm} (default) runs each module's {@code target/quarkus-app/quarkus-run.jar} with this JVM's java;
 * {@code native} (what {@code mvn -Dnative} selects) runs the {@code *-runner} executable in each module's
 * {@code target/}; {@code dist} runs the launchers of the self-contained {@code .tar.gz} downloads, unpacked
 * into an empty folder and started with an environment that holds no Java ({@link Distribution}). Modules are
 * found under {@code vswitch.repo}, the checkout's root, which the pom sets.
 */
final class Artifacts {

    static final String SWITCH_MODULE = "switch-service";
    static final String VPORT_MODULE = "vport-cli";

    private enum Kind { JVM, NATIVE, DIST }

    private final Kind kind;

    private Artifacts(Kind kind) {
        this.kind = kind;
    }

    /** The build that {@code vswitch.artifacts} names. */
    static Artifacts selected() {
        String kind = System.getProperty("vswitch.artifacts", "jvm");
        return switch (kind) {
            case "jvm" -> new Artifacts(Kind.JVM);
            case "native" -> new Artifacts(Kind.NATIVE);
            case "dist" -> distribution();
            default -> throw new IllegalArgumentException("vswitch.artifacts must be jvm, native or dist, not " + kind);
        };
    }

    /** Whether the native executables are under test ({@code vswitch.artifacts=native}), and so their downloads. */
    static boolean nativeBuild() {
        return "native".equals(System.getProperty("vswitch.artifacts"));
    }

    /** The self-contained downloads, whatever {@code vswitch.artifacts} says: the native ones in a native build. */
    static Artifacts distribution() {
        return new Artifacts(Kind.DIST);
    }

    /** The switch, with {@code properties} as system properties ({@code -Dname=value}), which every build reads. */
    List<String> switchCommand(Map<String, String> properties) {
        List<String> command = new ArrayList<>(command(SWITCH_MODULE));
        List<String> options = properties.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(property -> "-D" + property.getKey() + "=" + property.getValue())
                .toList();
        // A JVM takes them before -jar; a native executable and a launcher take them among their arguments.
        int jar = command.indexOf("-jar");
        command.addAll(jar >= 0 ? jar : command.size(), options);
        return command;
    }

    List<String> vportCommand() {
        return command(VPORT_MODULE);
    }

    /** The java that runs these tests, used for the JVM builds and for our own helper programs. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** A module's {@code target/} folder in the checkout under test. */
    static Path target(String module) {
        return repo().resolve(module).resolve("target");
    }

    private List<String> command(String module) {
        Path target = target(module);
        switch (kind) {
            case JVM:
                Path jar = target.resolve("quarkus-app").resolve("quarkus-run.jar");
                requireBuilt(Files.isRegularFile(jar), jar.toString());
                return List.of(java(), "-jar", jar.toString());
            case NATIVE:
                List<Path> runners = runners(target);
                requireBuilt(runners.size() == 1, target + "/*-runner (found " + runners + ")");
                return List.of(runners.get(0).toString());
            default:
                return Distribution.unpacked().command(module);
        }
    }

    /** The checkout under test. */
    static Path repo() {
        String repo = System.getProperty("vswitch.repo");
        if (repo == null) {
            throw new IllegalStateException("system property vswitch.repo (the checkout's root) is not set; run the"
                    + " tests through Maven, or pass -Dvswitch.repo=/path/to/checkout");
        }
        return Path.of(repo).toAbsolutePath().normalize();
    }

    private static List<Path> runners(Path target) {
        if (!Files.isDirectory(target)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(file -> file.getFileName().toString().endsWith("-runner"))
                    .filter(Files::isExecutable)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void requireBuilt(boolean built, String what) {
        if (!built) {
            throw new AssertionError("program under test not built: " + what
                    + " (build it first: mvn -B install -DskipTests, with -Dnative for vswitch.artifacts=native)");
        }
    }
}
