package dev.vswitch.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Whether this machine can run the end-to-end tests: root, a TUN/TAP device node, the ip and ping tools, and python3
 * (for raw frames, {@link RawFrames}). Where
 * it cannot, the tests are skipped with the reason, so that a developer without root still gets a green build;
 * with {@code VSWITCH_REQUIRE_NETNS=1} (as CI sets it) they fail instead, so that CI can never pass by skipping.
 */
final class NetnsSupport {

    static final String REQUIRE_VARIABLE = "VSWITCH_REQUIRE_NETNS";
    /** Commands the tests run, with the Debian package that has each. */
    private static final Map<String, String> TOOLS = Map.of("ip", "iproute2", "ss", "iproute2",
            "ping", "iputils-ping", "sysctl", "procps", "python3", "python3");

    private NetnsSupport() {
    }

    static void require() {
        List<String> missing = missing();
        if (!missing.isEmpty()) {
            skipOrFail(REQUIRE_VARIABLE, "end-to-end tests need " + String.join(", ", missing));
        }
    }

    /** Skips the running test with {@code reason}; where {@code variable} is 1 (as CI sets it), fails it instead. */
    static void skipOrFail(String variable, String reason) {
        if ("1".equals(System.getenv(variable))) {
            Assertions.fail(reason + " (" + variable + "=1, so this is a failure, not a skip)");
        }
        Assumptions.abort(reason + "; skipped (set " + variable + "=1 to fail instead)");
    }

    /** The commands of {@code tools} (command to Debian package) that are not on the PATH, each named with its package. */
    static List<String> missingCommands(Map<String, String> tools) {
        List<String> missing = new ArrayList<>();
        tools.forEach((tool, debianPackage) -> {
            if (!onPath(tool)) {
                missing.add("the " + tool + " command (Debian package " + debianPackage + ")");
            }
        });
        return missing;
    }

    private static List<String> missing() {
        List<String> missing = new ArrayList<>();
        if (!isRoot()) {
            missing.add("root (network namespaces and TAP devices)");
        }
        if (!Files.exists(Path.of("/dev/net/tun"))) {
            missing.add("/dev/net/tun (modprobe tun)");
        }
        missing.addAll(missingCommands(TOOLS));
        return missing;
    }

    /** /proc/self belongs to the process's effective user. */
    private static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }
}
