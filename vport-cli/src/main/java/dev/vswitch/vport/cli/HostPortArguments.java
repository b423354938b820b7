package dev.vswitch.vport.cli;

import dev.vswitch.vport.ExitCode;
import dev.vswitch.vport.VportException;
import dev.vswitch.vport.values.HostPort;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

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

    /**
     * The switches of {@code vport connect}, in the order given: {@code HOST PORT} (the seed's form: two arguments,
     * the first without a port, the second a number), or any number of {@code HOST:PORT} arguments, each of which
     * may be a comma-separated list ({@code a:9999,b:9999}). A switch given twice counts once.
     */
    static List<HostPort> parseList(List<String> arguments) {
        if (arguments.size() == 2 && isSeedForm(arguments.get(0), arguments.get(1))) {
            return List.of(parse(arguments.get(0), arguments.get(1)));
        }
        LinkedHashSet<HostPort> switches = new LinkedHashSet<>();
        for (String argument : arguments) {
            switches.addAll(parseCommaList(argument));
        }
        return List.copyOf(switches);
    }

    /**
     * {@code HOST:PORT[,HOST:PORT...]}, as on the command line or in a join token; blanks around each entry are
     * ignored, an empty entry is an error.
     *
     * @throws IllegalArgumentException for an empty list or entry, or an entry that is not HOST:PORT
     */
    static List<HostPort> parseCommaListOrThrow(String text) {
        List<HostPort> list = new ArrayList<>();
        for (String entry : text.split(",", -1)) {
            if (entry.isBlank()) {
                throw new IllegalArgumentException(text.isBlank() ? "empty switch address"
                        : "empty entry in the switch list '" + text + "' (HOST:PORT,HOST:PORT)");
            }
            list.add(HostPort.parse(entry));
        }
        return list;
    }

    private static List<HostPort> parseCommaList(String argument) {
        try {
            return parseCommaListOrThrow(argument);
        } catch (IllegalArgumentException e) {
            throw new VportException(ExitCode.BAD_VALUE, e.getMessage());
        }
    }

    /** {@code HOST PORT}: a host without a port of its own (or a bare IPv6 literal), then a number. */
    private static boolean isSeedForm(String host, String port) {
        if (port.isEmpty() || !port.chars().allMatch(Character::isDigit) || host.indexOf(',') >= 0) {
            return false;
        }
        String trimmed = host.trim();
        if (trimmed.startsWith("[")) {
            return !trimmed.contains("]:");
        }
        int colon = trimmed.indexOf(':');
        return colon < 0 || colon != trimmed.lastIndexOf(':');
    }
}
