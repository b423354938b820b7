package dev.vswitch.vport.cli;

import dev.vswitch.vport.ExitCode;
import dev.vswitch.vport.VportException;
import dev.vswitch.vport.values.HostPort;

/**
 * Positional HOST PORT arguments. They are parsed after picocli (the meaning of the first depends on
 * whether the second is there), so a bad one is turned into {@link ExitCode#BAD_VALUE} here.
 */
final class HostPortArguments {

    private HostPortArguments() {
    }

    /** {@code HOST:PORT} when {@code port} is null, else {@code HOST} and {@code PORT}. */
    static HostPort parse(String host, String port) {
        try {
            return port == null ? HostPort.parse(host) : HostPort.of(host, port);
        } catch (IllegalArgumentException e) {
            throw new VportException(ExitCode.BAD_VALUE, e.getMessage());
        }
    }
}
