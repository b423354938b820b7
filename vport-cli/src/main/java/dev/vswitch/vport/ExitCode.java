package dev.vswitch.vport;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Every exit status vport can end with. Each failure a user can fix has its own code, so that scripts and
 * service managers can tell "run it as root" from "the switch name is wrong" without parsing messages.
 * Each code names the commands that can end with it, so that every {@code --help} lists only its own.
 */
public enum ExitCode {
    OK(0, "success; for connect also a clean shutdown on Ctrl-C or SIGTERM; for status: the vport is connected",
            Scope.CONNECT, Scope.TRANSFER, Scope.KEYS, Scope.STATUS),
    RUNTIME_ERROR(1, "unexpected runtime error (I/O failure, TAP removed, connection lost, status file unreadable or damaged)",
            Scope.CONNECT, Scope.TRANSFER, Scope.KEYS, Scope.STATUS),
    USAGE(2, "usage error: unknown option, missing or extra argument, no mode given (--token, --token-file or --legacy)",
            Scope.CONNECT, Scope.TRANSFER, Scope.KEYS, Scope.STATUS),
    NOT_PERMITTED(3, "not root and no CAP_NET_ADMIN: run with sudo, as the vport@NAME systemd unit, or with setpriv"
            + " --ambient-caps=+net_admin (README)", Scope.CONNECT),
    NO_TUN_DEVICE(4, "no /dev/net/tun: load the driver with 'modprobe tun'", Scope.CONNECT),
    TAP_UNAVAILABLE(5, "TAP name in use, or taken by an interface that is not a TAP", Scope.CONNECT),
    BAD_VALUE(6, "bad value: address, port, CIDR, MAC, MTU, interface name or number", Scope.CONNECT, Scope.TRANSFER, Scope.STATUS),
    UNKNOWN_HOST(7, "host name does not resolve", Scope.CONNECT, Scope.TRANSFER),
    TIMED_OUT(8, "transfer: no peer connected within --timeout", Scope.TRANSFER),
    BAD_CREDENTIALS(9, "join token or key file damaged, unreadable or not writable (the message says which)",
            Scope.CONNECT, Scope.KEYS),
    KEY_EXISTS(10, "keygen: the key file exists already (--force replaces it)", Scope.KEYS),
    NOT_CONNECTED(11, "status: the vport runs but is not connected (no answer from the switch within its --dead-after,"
            + " or its status is not being updated)", Scope.STATUS),
    NOT_RUNNING(12, "status: no vport runs for the TAP (no status file, or the vport that wrote it has ended)", Scope.STATUS),
    NO_SWITCH(13, "connect --give-up-after: no switch answered in time (nothing listens at its address, or no answer at all)",
            Scope.CONNECT),
    REFUSED(14, "connect --give-up-after: the switch refused this vport (a token from another switch, an unknown network,"
            + " a key not on the allow-list or in use by another vport, a wrong network key)", Scope.CONNECT);

    /** Which commands can end with a code. */
    public enum Scope {
        /** {@code vport connect} and the seed's form {@code vport HOST PORT}. */
        CONNECT,
        /** {@code vport transfer send|receive}: they open no TAP device. */
        TRANSFER,
        /** {@code vport keygen} and {@code vport pubkey}. */
        KEYS,
        /** {@code vport status}: reads a status file. */
        STATUS
    }

    private final int code;
    private final String description;
    private final Set<Scope> scopes;

    ExitCode(int code, String description, Scope first, Scope... more) {
        this.code = code;
        this.description = description;
        this.scopes = EnumSet.of(first, more);
    }

    public int code() {
        return code;
    }

    public String description() {
        return description;
    }

    /** The codes the commands of {@code scope} can end with, in numeric order. */
    public static List<ExitCode> in(Scope scope) {
        return Arrays.stream(values()).filter(exit -> exit.scopes.contains(scope)).toList();
    }

    /** The codes the {@code transfer} commands can end with: they open no TAP device. */
    public static List<ExitCode> forTransfer() {
        return in(Scope.TRANSFER);
    }

    /** The codes {@code connect} can end with. */
    public static List<ExitCode> forConnect() {
        return in(Scope.CONNECT);
    }

    /** The codes {@code status} can end with. */
    public static List<ExitCode> forStatus() {
        return in(Scope.STATUS);
    }

    /** The codes {@code keygen} and {@code pubkey} can end with. */
    public static List<ExitCode> forKeys() {
        return in(Scope.KEYS);
    }
}
