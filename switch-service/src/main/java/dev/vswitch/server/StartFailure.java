package dev.vswitch.server;

import java.net.BindException;
import java.util.Optional;

/**
 * Why the switch cannot start, in one line that names the setting to change, and the exit code that tells it
 * apart. Thrown from start-up; {@link VswitchMain} prints the message instead of a stack trace
 * ({@link StartFailureLogFilter} keeps Quarkus from logging one) and exits with the code.
 */
public final class StartFailure extends RuntimeException {

    /** Exit code for a bad command line. */
    public static final int EXIT_USAGE = 2;
    /** Exit code when a UDP port cannot be bound (in use, bad address, no permission). */
    public static final int EXIT_UDP_BIND = 3;
    /** Exit code when keys or networks are misconfigured or the key folder is unusable. */
    public static final int EXIT_BAD_KEYS = 4;
    /** Exit code when the HTTP port (health, metrics, API) cannot be bound. */
    public static final int EXIT_HTTP_BIND = 5;

    private final int exitCode;

    public StartFailure(int exitCode, String message) {
        // No cause and no stack trace: the message is the whole story, and Quarkus treats the root cause as the failure.
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    /**
     * The start failure that {@code thrown} is or contains: ours, or the HTTP server's bind failure (the only
     * other port the application binds), which Quarkus reports as a stack trace. Empty for anything else.
     */
    public static Optional<StartFailure> explain(Throwable thrown) {
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            if (cause instanceof StartFailure failure) {
                return Optional.of(failure);
            }
        }
        Throwable root = rootCause(thrown);
        if (root != null && isBindFailure(root)) {
            return Optional.of(new StartFailure(EXIT_HTTP_BIND, "cannot listen on the HTTP port: " + osReason(root)
                    + "; set quarkus.http.port (QUARKUS_HTTP_PORT, default 8080) to a free port, or "
                    + "quarkus.http.host to an address of this machine"));
        }
        return Optional.empty();
    }

    /** The operating system's words for a socket error, without Netty's "bind(..) failed with error(-98): ". */
    static String osReason(Throwable error) {
        String message = String.valueOf(error.getMessage());
        int colon = message.lastIndexOf("): ");
        return colon >= 0 ? message.substring(colon + 3) : message;
    }

    private static boolean isBindFailure(Throwable root) {
        // With the epoll transport a bind failure is Netty's NativeIoException, not a java.net.BindException.
        String message = String.valueOf(root.getMessage());
        return root instanceof BindException || root.getClass().getSimpleName().equals("QuarkusBindException")
                || message.startsWith("bind(..) failed");
    }

    private static Throwable rootCause(Throwable thrown) {
        Throwable root = thrown;
        while (root != null && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
