package dev.vswitch.vport.cli;

import dev.vswitch.vport.transfer.CopyProgress;
import dev.vswitch.vport.transfer.TerminalProgress;
import picocli.CommandLine.Option;

/** {@code --progress}, shared by {@code transfer send} and {@code transfer receive}. */
public class ProgressOption {

    /** When to show the progress line. */
    enum When { auto, always, never }

    @Option(names = "--progress", paramLabel = "WHEN", defaultValue = "auto",
            description = "Show a progress line (bytes, percentage when the size is known, MB/s) on stderr, rewritten a few"
                    + " times a second: auto (only on a terminal), always, or never (${COMPLETION-CANDIDATES})."
                    + " The result line on stdout is the same either way.")
    When when;

    /** What to tell about a transfer whose bytes were {@code verb}, "sent" or "received". */
    CopyProgress progress(String verb) {
        // System.console() is there only when the JVM runs on a terminal, not under a script or a pipe.
        boolean show = when == When.always || when == When.auto && System.console() != null;
        return show ? new TerminalProgress(System.err, verb, System::nanoTime) : CopyProgress.NONE;
    }
}
