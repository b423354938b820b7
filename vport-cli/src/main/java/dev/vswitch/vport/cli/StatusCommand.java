package dev.vswitch.vport.cli;

import dev.vswitch.vport.ExitCode;
import dev.vswitch.vport.VportException;
import dev.vswitch.vport.status.StatusDirectory;
import dev.vswitch.vport.status.StatusSummary;
import dev.vswitch.vport.status.VportStatus;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code vport status [--tap NAME] [--status-dir DIR] [--json]}: is the vport connected, and what has it carried? */
@Command(name = "status", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {
            "Tells whether the vport of a TAP is connected to its switch, and what it has carried. Needs no privileges.",
            "'vport connect' rewrites its status file DIR/<tap>.json every second while it runs (see --status-dir) and removes"
                    + " it when it stops; this command reads it and prints one line, e.g.",
            "  tapyuan: connected to 198.18.1.1:9999 (network lab), session 42 s,",
            "  rtt 0.41 ms (avg 0.45 ms), in 1.2 MiB / 3400 frames,",
            "  out 300.0 KiB / 1200 frames",
            "in = from the switch to the TAP, out = from the TAP to the switch (Ethernet frames, without protocol overhead).",
            "Without --tap: the one vport that runs, or, when several run, one line for each (exit 0 when all are connected,"
                    + " else 11); --all lists every one even when only one runs."
        },
        footerHeading = "%nStatus file (--json prints it as it is; mode 0644, no token or keys in it):%n",
        footer = {
            "  format               1; readers ignore members they do not know",
            "  tap, mode            the TAP; secure or legacy",
            "  switch               the switch in use, as given (of several, the one",
            "                       the vport uses now)",
            "  switch_address       where the vport sends now (the name as resolved last)",
            "  network              the join token's network (secure), else null",
            "  connected            the switch answered within --dead-after",
            "                       (secure: and a session is in use)",
            "  state                connecting, connected, silent, or rejected",
            "                       (secure: the switch's answer does not authenticate)",
            "  session_age_seconds  secure: age of the session in use, else null",
            "  last_handshake       secure: the last completed handshake (ISO-8601),",
            "                       else null",
            "  seconds_since_heard  since the switch was last heard (secure: an",
            "                       authentic message); null before the first time",
            "  rtt_ms               round trip of the last keepalive, in ms",
            "  rtt_smoothed_ms      their smoothed average; both null before a reply",
            "  to_switch            {frames, bytes} from the TAP to the switch",
            "  from_switch          {frames, bytes} from the switch to the TAP",
            "  keepalives           {sent, answered}",
            "  drops                what was not forwarded, by reason (as at stop)",
            "  pid, started_at      the vport's process, and when it started",
            "  updated_at           when the file was last written"
        })
public class StatusCommand implements Callable<Integer> {

    /** A status file not rewritten for this long belongs to a vport that hangs: it does not count as connected. */
    static final Duration STALE_AFTER = Duration.ofSeconds(10);

    @Spec
    CommandSpec spec;

    @Option(names = "--tap", paramLabel = "NAME", converter = ValueConverters.Interface.class,
            description = "The vport's TAP interface. Without it: the one vport that runs.")
    String tap;

    @Option(names = "--status-dir", paramLabel = "DIR", defaultValue = StatusDirectory.DEFAULT,
            description = "Where the vports publish their status (vport connect --status-dir).")
    Path statusDir;

    @Option(names = "--json", description = {"Print the status file itself (JSON) instead of the summary line.",
        "Several vports (or --all): a JSON array of their status files, in TAP name order."})
    boolean json;

    @Option(names = "--all", description = "List every vport that runs, even when only one does (--json: always an array,"
            + " [] when none runs).")
    boolean all;

    @Override
    public Integer call() {
        StatusDirectory directory = new StatusDirectory(statusDir);
        if (tap != null) {
            if (all) {
                throw new ParameterException(spec.commandLine(), "give --tap NAME for one vport or --all for every one, not both");
            }
            return show(read(directory, tap).orElseThrow(() -> new VportException(ExitCode.NOT_RUNNING,
                    "no vport running for tap " + tap + " (no " + directory.fileOf(tap) + ")")));
        }
        List<String> taps = taps(directory);
        if (taps.size() == 1 && !all) {
            return show(read(directory, taps.get(0)).orElseThrow(() -> new VportException(ExitCode.NOT_RUNNING,
                    "no vport running (no status file in " + directory.dir() + ")")));
        }
        List<StatusDirectory.Entry> running = running(directory, taps);
        if (running.isEmpty()) {
            if (all && json) {
                out().println("[]");
                out().flush();
            }
            throw new VportException(ExitCode.NOT_RUNNING, taps.isEmpty() ? "no vport running (no status file in " + directory.dir() + ")"
                    : "no vport running: the status files in " + directory.dir() + " (" + String.join(", ", taps)
                            + ") are left from vports that have ended");
        }
        return running.size() == 1 && !all ? show(running.get(0)) : list(running);
    }

    /** The status files of {@code taps} whose vports still run; damaged or unreadable ones are left out. */
    private static List<StatusDirectory.Entry> running(StatusDirectory directory, List<String> taps) {
        List<StatusDirectory.Entry> running = new ArrayList<>();
        for (String name : taps) {
            try {
                directory.read(name).filter(entry -> StatusDirectory.isRunning(entry.status())).ifPresent(running::add);
            } catch (IOException | IllegalArgumentException e) {
                // Not a vport to list; '--tap NAME' reports what is wrong with its file.
            }
        }
        return running;
    }

    /** One vport: its line or its file; exit 0 when it is connected. */
    private int show(StatusDirectory.Entry entry) {
        VportStatus status = entry.status();
        if (!StatusDirectory.isRunning(status)) {
            throw new VportException(ExitCode.NOT_RUNNING, "no vport running for tap " + status.tap() + " (" + entry.file()
                    + " is left from pid " + status.pid() + ", which has ended)");
        }
        out().println(json ? entry.text().strip() : summary(entry));
        out().flush();
        return isConnected(entry) ? ExitCode.OK.code() : ExitCode.NOT_CONNECTED.code();
    }

    /**
     * Several vports: a line each, or a JSON array of their files. Exit 0 when every one is connected, else 11, so that
     * scripts read the exit code of a list as they read that of one vport.
     */
    private int list(List<StatusDirectory.Entry> running) {
        if (json) {
            out().println(running.stream().map(entry -> entry.text().strip()).collect(Collectors.joining(",\n", "[\n", "\n]")));
        } else {
            running.forEach(entry -> out().println(summary(entry)));
        }
        out().flush();
        return running.stream().allMatch(StatusCommand::isConnected) ? ExitCode.OK.code() : ExitCode.NOT_CONNECTED.code();
    }

    private static String summary(StatusDirectory.Entry entry) {
        Duration age = age(entry.status());
        return StatusSummary.line(entry.status())
                + (age.compareTo(STALE_AFTER) > 0 ? "; status not updated for " + age.toSeconds() + " s (is the vport hung?)" : "");
    }

    /** Connected, and the file is fresh: a vport that hangs stops rewriting it. */
    private static boolean isConnected(StatusDirectory.Entry entry) {
        return entry.status().connected() && age(entry.status()).compareTo(STALE_AFTER) <= 0;
    }

    private static Duration age(VportStatus status) {
        return status.updatedAt() == null ? Duration.ZERO : Duration.between(status.updatedAt(), Instant.now());
    }

    private static Optional<StatusDirectory.Entry> read(StatusDirectory directory, String tap) {
        try {
            return directory.read(tap);
        } catch (IOException e) {
            throw new VportException(ExitCode.RUNTIME_ERROR, "cannot read status file " + directory.fileOf(tap) + ": " + e);
        } catch (IllegalArgumentException e) {
            throw new VportException(ExitCode.RUNTIME_ERROR, "status file " + directory.fileOf(tap) + " is damaged: " + e.getMessage());
        }
    }

    private static List<String> taps(StatusDirectory directory) {
        try {
            return directory.taps();
        } catch (IOException e) {
            throw new VportException(ExitCode.RUNTIME_ERROR, "cannot list status directory " + directory.dir() + ": " + e);
        }
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
