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
 * {@code native} runs the {@code *-runner} executable in each module's {@code target/}. Modules are found under
 * {@code vswitch.repo}, the checkout's root, which the pom sets.
 */
final class Artifacts {

    private static final String SWITCH_MODULE = "switch-service";
    private static final String VPORT_MODULE = "vport-cli";

    private Artifacts() {
    }

    /** The switch, with {@code properties} as system properties ({@code -Dname=value}), which both builds read. */
    static List<String> switchCommand(Map<String, String> properties) {
        List<String> command = new ArrayList<>(command(SWITCH_MODULE));
        List<String> options = properties.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(property -> "-D" + property.getKey() + "=" + property.getValue())
                .toList();
        // A JVM takes them before -jar; a native executable takes them among its arguments.
        int jar = command.indexOf("-jar");
        command.addAll(jar >= 0 ? jar : command.size(), options);
        return command;
    }

    static List<String> vportCommand() {
        return command(VPORT_MODULE);
    }

    /** The java that runs these tests, used for the JVM builds and for our own helper programs. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static List<String> command(String module) {
        Path target = repo().resolve(module).resolve("target");
        String kind = System.getProperty("vswitch.artifacts", "jvm");
        switch (kind) {
            case "jvm":
                Path jar = target.resolve("quarkus-app").resolve("quarkus-run.jar");
                requireBuilt(Files.isRegularFile(jar), jar.toString());
                return List.of(java(), "-jar", jar.toString());
            case "native":
                List<Path> runners = runners(target);
                requireBuilt(runners.size() == 1, target + "/*-runner (found " + runners + ")");
                return List.of(runners.get(0).toString());
            default:
                throw new IllegalArgumentException("vswitch.artifacts must be jvm or native, not " + kind);
        }
    }

    private static Path repo() {
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

    private static void requireBuilt(boolean built, String what) {
        if (!built) {
            throw new AssertionError("program under test not built: " + what
                    + " (build it first: mvn -B install -DskipTests, with -Dnative for vswitch.artifacts=native)");
        }
    }
}
