package dev.vswitch.vport.cli;

import dev.vswitch.protocol.Mtu;
import dev.vswitch.protocol.wire.WireFormat;
import dev.vswitch.vport.ExitCode;
import dev.vswitch.vport.VportException;
import dev.vswitch.vport.link.PathProof;
import dev.vswitch.vport.status.StatusDirectory;
import dev.vswitch.vport.values.HostPort;
import dev.vswitch.vport.values.Ipv4Cidr;
import dev.vswitch.vport.values.OptionValues;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The TAP and liveness options, shared by {@code vport connect} and the seed's bare form
 * {@code vport HOST PORT}. The switch address and the protocol are each command's own.
 */
public class ConnectOptions {

    /** {@link WireFormat#DEFAULT_TAP_MTU} and {@link Mtu#LEGACY_TAP_MTU} for --help, which needs constants (a test keeps them equal). */
    static final String SECURE_MTU_TEXT = "1406";
    static final String LEGACY_MTU_TEXT = "1438";

    @Option(names = "--tap", paramLabel = "NAME", defaultValue = "tapyuan", converter = ValueConverters.Interface.class,
            description = "Name of the TAP interface to create.")
    String tapName;

    @Option(names = "--ip", paramLabel = "CIDR", converter = ValueConverters.Cidr.class,
            description = "IPv4 address and prefix for the TAP, e.g. 198.19.0.1/24. Without it the link is still brought up.")
    Ipv4Cidr ip;

    @Option(names = "--mtu", paramLabel = "N", converter = ValueConverters.TapMtu.class,
            description = "MTU of the TAP, " + Mtu.MIN_TAP_MTU + "-" + OptionValues.MAX_TAP_MTU
                    + ". Default: " + SECURE_MTU_TEXT + " in the secure protocol, " + LEGACY_MTU_TEXT
                    + " with --legacy and in the seed's form: a full frame then crosses a 1500-byte path in one UDP packet.")
    Integer mtu;

    @Option(names = "--mac", paramLabel = "MAC", converter = ValueConverters.Mac.class,
            description = "Unicast MAC address for the TAP, e.g. 02:00:5e:10:00:01 (default: keep the kernel's random one).")
    Long mac;

    @Option(names = {"-v", "--verbose"}, description = "Print one line per forwarded frame: direction, dst, src, type, size.")
    boolean verbose;

    @Option(names = "--keepalive", paramLabel = "SECONDS", defaultValue = "5", converter = ValueConverters.Seconds.class,
            description = "Interval between keepalives to the switch.")
    int keepaliveSeconds;

    @Option(names = "--dead-after", paramLabel = "SECONDS", defaultValue = "15", converter = ValueConverters.Seconds.class,
            description = "Silence from the switch after which vport reports it, re-resolves its name and (secure) handshakes again.")
    int deadAfterSeconds;

    @Option(names = "--give-up-after", paramLabel = "SECONDS", converter = ValueConverters.Seconds.class,
            description = "Secure protocol: stop if no handshake has completed after this long, with the reason (nothing"
                    + " listening, no answer, the switch's refusal, a wrong network key) and exit code 13 or 14."
                    + " Default: keep trying until stopped, saying why each time the reason changes.")
    Integer giveUpAfterSeconds;

    @Option(names = "--status-dir", paramLabel = "DIR", defaultValue = StatusDirectory.DEFAULT,
            description = "Where to publish this vport's state for 'vport status': DIR/<tap>.json, rewritten every second"
                    + " (mode 0644, no token or keys in it) and removed at stop. Created if missing; if it cannot be written,"
                    + " vport warns once and forwards all the same.")
    Path statusDir;

    /** The validated settings for {@code targets}; {@code secure} null means the plain (legacy) format. */
    ConnectSettings settings(List<HostPort> targets, PathProof.Mode offload, ConnectSettings.Secure secure) {
        if (deadAfterSeconds <= keepaliveSeconds) {
            throw new VportException(ExitCode.BAD_VALUE, "--dead-after (" + deadAfterSeconds
                    + " s) must be longer than --keepalive (" + keepaliveSeconds + " s), or a live switch looks dead");
        }
        int tapMtu = mtu != null ? mtu : secure != null ? WireFormat.DEFAULT_TAP_MTU : Mtu.LEGACY_TAP_MTU;
        return new ConnectSettings(targets, tapName, ip, tapMtu, mac, verbose,
                Duration.ofSeconds(keepaliveSeconds), Duration.ofSeconds(deadAfterSeconds),
                giveUpAfterSeconds == null ? Duration.ZERO : Duration.ofSeconds(giveUpAfterSeconds), offload, secure, statusDir);
    }
}
