package dev.vswitch.e2e;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A hostile host's raw frames: {@code rawframes.py} (test resources) writes Ethernet frames out of a host's TAP
 * through an AF_PACKET socket, so that its vport carries them to the switch as that host's own traffic. Java has no
 * AF_PACKET socket, hence python3. Bounded in count and time by the script itself.
 */
final class RawFrames {

    /** A host that floods source MACs: each frame from a new random MAC, to a unicast MAC nobody has. */
    static final String MAC_FLOOD = "macflood";
    /** A host that floods broadcasts from its own MAC. */
    static final String STORM = "storm";
    private static final Pattern DONE = Pattern.compile("rawframes: done, sent (\\d+) frames, (\\d+) refused");

    private RawFrames() {
    }

    /**
     * Starts sending {@code count} frames of {@code mode} out of {@code host}'s TAP over {@code seconds} (0: at
     * once).
     */
    static Proc start(Topology net, Host host, String mode, int count, int seconds, long seed) {
        Proc proc = net.start(host.ns(), host.ns().role() + "-" + mode, List.of("python3", script().toString(),
                host.tap(), mode, String.valueOf(count), String.valueOf(seconds), String.valueOf(seed)), Map.of());
        proc.awaitLine(Topology.READY_TIMEOUT, "rawframes: sending");
        return proc;
    }

    /** Waits for the sender to finish and returns how many frames it got out of the TAP. */
    static int awaitSent(Proc proc, Duration timeout) {
        int exit = proc.awaitExit(timeout);
        if (exit != 0) {
            throw new AssertionError(proc + " exited with " + exit + ":\n" + proc.log());
        }
        Matcher done = DONE.matcher(proc.log());
        if (!done.find()) {
            throw new AssertionError(proc + " printed no 'rawframes: done' line:\n" + proc.log());
        }
        return Integer.parseInt(done.group(1));
    }

    private static Path script() {
        URL resource = RawFrames.class.getResource("/rawframes.py");
        if (resource == null) {
            throw new IllegalStateException("rawframes.py is not on the test class path");
        }
        try {
            return Path.of(resource.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
