package dev.vswitch.vport.cli;

import dev.vswitch.protocol.Mtu;
import dev.vswitch.vport.ExitCode;
import dev.vswitch.vport.VportException;
import dev.vswitch.vport.values.HostPort;
import dev.vswitch.vport.values.Ipv4Cidr;
import dev.vswitch.vport.values.OptionValues;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The switch address and TAP options, shared by {@code vport connect} and the seed's bare form
 * {@code vport HOST PORT}.
 */
public class ConnectOptions {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "HOST[:PORT]",
            description = "The switch: HOST:PORT (an IPv6 address in brackets, like [::1]:9999), or HOST followed by PORT.")
    String hostOrTarget;

    @Parameters(index = "1", arity = "0..1", paramLabel = "PORT", description = "The switch's UDP port, when not given as HOST:PORT.")
    String port;

    @Option(names = "--tap", paramLabel = "NAME", defaultValue = "tapyuan", converter = ValueConverters.Interface.class,
            description = "Name of the TAP interface to create.")
    String tapName;

    @Option(names = "--ip", paramLabel = "CIDR", converter = ValueConverters.Cidr.class,
            description = "IPv4 address and prefix for the TAP, e.g. 198.19.0.1/24. Without it the link is still brought up.")
    Ipv4Cidr ip;

    @Option(names = "--mtu", paramLabel = "N", converter = ValueConverters.TapMtu.class,
            description = "MTU of the TAP, " + Mtu.MIN_TAP_MTU + "-" + OptionValues.MAX_TAP_MTU + ". The default lets a full frame cross a 1500-byte path in one UDP packet.")
    int mtu = Mtu.DEFAULT_TAP_MTU;

    @Option(names = "--mac", paramLabel = "MAC", converter = ValueConverters.Mac.class,
            description = "Unicast MAC address for the TAP, e.g. 02:00:5e:10:00:01 (default: keep the kernel's random one).")
    Long mac;

    @Option(names = {"-v", "--verbose"}, description = "Print one line per forwarded frame: direction, dst, src, type, size.")
    boolean verbose;

    @Option(names = "--keepalive", paramLabel = "SECONDS", defaultValue = "5", converter = ValueConverters.Seconds.class,
            description = "Interval between keepalives to the switch.")
    int keepaliveSeconds;

    @Option(names = "--dead-after", paramLabel = "SECONDS", defaultValue = "15", converter = ValueConverters.Seconds.class,
            description = "Silence from the switch after which vport reports it and re-resolves its name.")
    int deadAfterSeconds;

    /** The validated settings; a missing address is a usage error, a malformed one a bad value. */
    ConnectSettings settings() {
        if (hostOrTarget == null) {
            throw new ParameterException(spec.commandLine(), "missing switch address: give HOST:PORT, or HOST PORT");
        }
        HostPort target = HostPortArguments.parse(hostOrTarget, port);
        if (deadAfterSeconds <= keepaliveSeconds) {
            throw new VportException(ExitCode.BAD_VALUE, "--dead-after (" + deadAfterSeconds
                    + " s) must be longer than --keepalive (" + keepaliveSeconds + " s), or a live switch looks dead");
        }
        return new ConnectSettings(target, tapName, ip, mtu, mac, verbose,
                Duration.ofSeconds(keepaliveSeconds), Duration.ofSeconds(deadAfterSeconds));
    }
}
