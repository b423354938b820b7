package dev.vswitch.server;

import org.junit.jupiter.api.Assumptions;

import java.io.File;

/**
 * Tests that check our output with a real third-party tool (promtool, tshark) find it here. On a developer
 * machine without the tool they skip with the reason; where VSWITCH_REQUIRE_TOOLS=1 (CI) they fail instead.
 */
public final class ExternalTool {

    private ExternalTool() {
    }

    /** The tool's path; aborts (skips) or fails the test when it is not installed. */
    public static String require(String name, String debianPackage) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            File candidate = new File(dir, name);
            if (candidate.canExecute()) {
                return candidate.getPath();
            }
        }
        String reason = name + " is not installed (Debian package " + debianPackage + ")";
        if ("1".equals(System.getenv("VSWITCH_REQUIRE_TOOLS"))) {
            throw new AssertionError(reason + ", and VSWITCH_REQUIRE_TOOLS=1 forbids skipping");
        }
        Assumptions.abort(reason);
        return null;
    }
}
