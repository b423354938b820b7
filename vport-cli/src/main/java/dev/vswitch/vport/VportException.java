package dev.vswitch.vport;

/**
 * A failure the user can act on: its message is printed as the one error line, and its exit code says
 * which kind of failure it was. Stack traces are not recorded because they are never shown.
 */
public class VportException extends RuntimeException {

    private final ExitCode exitCode;

    public VportException(ExitCode exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
        return exitCode;
    }
}
