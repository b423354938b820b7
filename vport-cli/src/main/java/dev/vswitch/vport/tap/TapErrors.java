package dev.vswitch.vport.tap;

import static dev.vswitch.vport.tap.LibC.LIBC;

import dev.vswitch.vport.ExitCode;
import dev.vswitch.vport.VportException;

/** Turns an errno from a TAP system call into the exit code and the one-line advice the user sees. */
public final class TapErrors {

    static final String TUN_PATH = "/dev/net/tun";
    /** setcap on the launcher does nothing (a script) and breaks the bundled java: the README explains, and the unit does it. */
    private static final String PRIVILEGE_HINT = "run vport with sudo, as the vport@NAME systemd unit (CAP_NET_ADMIN as an"
            + " ambient capability), or give the process CAP_NET_ADMIN with 'sudo setpriv --reuid=USER --regid=GROUP"
            + " --init-groups --inh-caps=+net_admin --ambient-caps=+net_admin vport ...'";

    private TapErrors() {
    }

    /** {@code open("/dev/net/tun")} failed. */
    public static VportException openFailed(int errno) {
        return switch (errno) {
            case LibC.ENOENT, LibC.ENODEV, LibC.ENXIO -> new VportException(ExitCode.NO_TUN_DEVICE,
                    "no " + TUN_PATH + " (" + describe(errno) + "): load the TUN/TAP driver with 'sudo modprobe tun'");
            case LibC.EACCES, LibC.EPERM -> new VportException(ExitCode.NOT_PERMITTED,
                    "no permission to open " + TUN_PATH + " (" + describe(errno) + "): " + PRIVILEGE_HINT);
            default -> new VportException(ExitCode.RUNTIME_ERROR, "cannot open " + TUN_PATH + ": " + describe(errno));
        };
    }

    /** {@code ioctl(TUNSETIFF)} failed for the TAP device {@code name}. */
    public static VportException createFailed(String name, int errno) {
        return switch (errno) {
            case LibC.EPERM, LibC.EACCES -> new VportException(ExitCode.NOT_PERMITTED,
                    "not permitted to create TAP device " + name + " (needs CAP_NET_ADMIN): " + PRIVILEGE_HINT);
            case LibC.EBUSY -> new VportException(ExitCode.TAP_UNAVAILABLE,
                    "TAP device " + name + " is in use by another process (another vport?); stop it or choose another --tap name");
            case LibC.EINVAL -> new VportException(ExitCode.TAP_UNAVAILABLE,
                    "interface " + name + " already exists and is not a TAP device; choose another --tap name");
            default -> new VportException(ExitCode.RUNTIME_ERROR, "cannot create TAP device " + name + ": " + describe(errno));
        };
    }

    /** A configuration ioctl ({@code what}, e.g. "set the MTU of") failed on interface {@code name}. */
    public static VportException configFailed(String what, String name, int errno) {
        ExitCode exit = errno == LibC.EPERM || errno == LibC.EACCES ? ExitCode.NOT_PERMITTED : ExitCode.RUNTIME_ERROR;
        String hint = exit == ExitCode.NOT_PERMITTED ? ": " + PRIVILEGE_HINT : "";
        return new VportException(exit, "cannot " + what + " " + name + ": " + describe(errno) + hint);
    }

    static String describe(int errno) {
        return LIBC.strerror(errno);
    }
}
