package dev.vswitch.vport;

import java.util.Arrays;
import java.util.List;

/**
 * Every exit status vport can end with. Each failure a user can fix has its own code, so that scripts and
 * service managers can tell "run it as root" from "the switch name is wrong" without parsing messages.
 */
public enum ExitCode {
    OK(0, "success; for connect also a clean shutdown on Ctrl-C or SIGTERM", true),
    RUNTIME_ERROR(1, "unexpected runtime error (I/O failure, TAP removed, connection lost)", true),
    USAGE(2, "usage error: unknown option, missing or extra argument", true),
    NOT_PERMITTED(3, "not root and no CAP_NET_ADMIN: run with sudo, or setcap cap_net_admin+ep on the binary", false),
    NO_TUN_DEVICE(4, "no /dev/net/tun: load the driver with 'modprobe tun'", false),
    TAP_UNAVAILABLE(5, "TAP name in use, or taken by an interface that is not a TAP", false),
    BAD_VALUE(6, "bad value: address, port, CIDR, MAC, MTU, interface name or number", true),
    UNKNOWN_HOST(7, "host name does not resolve", true),
    TIMED_OUT(8, "transfer: no peer connected within --timeout", true);

    private final int code;
    private final String description;
    private final boolean transfer;

    ExitCode(int code, String description, boolean transfer) {
        this.code = code;
        this.description = description;
        this.transfer = transfer;
    }

    public int code() {
        return code;
    }

    public String description() {
        return description;
    }

    /** The codes the {@code transfer} commands can end with: they open no TAP device. */
    public static List<ExitCode> forTransfer() {
        return Arrays.stream(values()).filter(exit -> exit.transfer).toList();
    }

    /** The codes {@code connect} can end with: all but the transfer time-out. */
    public static List<ExitCode> forConnect() {
        return Arrays.stream(values()).filter(exit -> exit != TIMED_OUT).toList();
    }
}
