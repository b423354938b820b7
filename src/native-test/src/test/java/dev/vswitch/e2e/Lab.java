package dev.vswitch.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * What every end-to-end test needs around it, as a JUnit extension: skip or fail up front when the machine cannot
 * run it ({@link NetnsSupport}), a fresh log folder {@code target/e2e-logs/<class>/<test>/}, the test's
 * {@link Topology} torn down after it whatever happened, and on failure the tail of every program's log appended to
 * the failure message, so a CI report says what the switch and vports saw.
 */
final class Lab implements BeforeEachCallback, AfterEachCallback, TestExecutionExceptionHandler {

    private static final Path LOG_ROOT = Path.of("target", "e2e-logs").toAbsolutePath();
    private static final int TAIL_LINES = 80;

    private Path logDir;
    private Topology topology;

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        NetnsSupport.require();
        logDir = LOG_ROOT.resolve(context.getRequiredTestClass().getSimpleName())
                .resolve(context.getRequiredTestMethod().getName());
        deleteRecursively(logDir);
        Files.createDirectories(logDir);
    }

    /** Creates this test's namespaces: a switch and {@code hosts} hosts, nothing started yet. */
    Topology topology(int hosts) {
        return topology(hosts, Artifacts.selected());
    }

    /** Creates this test's namespaces, whose programs are the build {@code artifacts} names. */
    Topology topology(int hosts, Artifacts artifacts) {
        if (topology != null) {
            throw new IllegalStateException("one topology per test");
        }
        topology = Topology.create(hosts, logDir, artifacts);
        return topology;
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        if (failure instanceof TestAbortedException) {
            throw failure;
        }
        throw new AssertionError(failure.getMessage() + logTails(), failure);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (topology != null) {
            try {
                topology.close();
            } finally {
                topology = null;
            }
        }
    }

    private String logTails() {
        try (Stream<Path> files = Files.list(logDir)) {
            return files.filter(file -> file.toString().endsWith(".log"))
                    .sorted()
                    .map(Lab::tail)
                    .collect(Collectors.joining());
        } catch (IOException e) {
            return "\n(could not read the logs in " + logDir + ": " + e + ")";
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList();
            int from = Math.max(0, lines.size() - TAIL_LINES);
            return "\n----- " + log + (from > 0 ? " (last " + TAIL_LINES + " lines)" : "") + " -----\n"
                    + String.join("\n", lines.subList(from, lines.size()));
        } catch (IOException e) {
            return "\n(could not read " + log + ": " + e + ")";
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
