package dev.vswitch.vport.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;

/**
 * Tests that create network namespaces and TAP devices need root and {@code /dev/net/tun}. Without them
 * they are skipped with the reason, unless {@code VSWITCH_REQUIRE_NETNS=1} says this machine must run
 * them (CI as root), in which case they fail loudly instead of passing silently.
 */
public final class RootRequirement {

    private RootRequirement() {
    }

    /** Skips (or fails, under VSWITCH_REQUIRE_NETNS=1) unless root, /dev/net/tun and the given programs are there. */
    public static void assumeRootWithTun(String... programs) {
        String missing = missing(programs);
        if (missing == null) {
            return;
        }
        if ("1".equals(System.getenv("VSWITCH_REQUIRE_NETNS"))) {
            fail("VSWITCH_REQUIRE_NETNS=1 but this test cannot run: " + missing);
        }
        Assumptions.abort("needs root and /dev/net/tun (set VSWITCH_REQUIRE_NETNS=1 to make this a failure): " + missing);
    }

    private static String missing(String... programs) {
        if (!Files.exists(Path.of("/dev/net/tun"))) {
            return "no /dev/net/tun (modprobe tun)";
        }
        if (!isRoot()) {
            return "not running as root";
        }
        for (String program : programs) {
            if (!onPath(program)) {
                return "program '" + program + "' is not installed";
            }
        }
        return null;
    }

    private static boolean isRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(line -> line.startsWith("Uid:"))
                    .anyMatch(line -> line.split("\\s+")[2].equals("0"));
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean onPath(String program) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":"))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }
}
