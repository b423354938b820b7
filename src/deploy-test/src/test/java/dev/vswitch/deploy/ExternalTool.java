package dev.vswitch.deploy;

import org.junit.jupiter.api.Assumptions;

import java.io.File;

/**
 * A third-party tool a test runs (promtool, bash), found on the PATH. Without it the test is skipped with the
 * reason, except where VSWITCH_REQUIRE_TOOLS=1 (CI), which makes it a failure, as in switch-service's tests.
 */
final class ExternalTool {

    private ExternalTool() {
    }

    static String require(String name, String debianPackage) {
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
