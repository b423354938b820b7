package dev.vswitch.vport.cli;

import dev.vswitch.vport.ExitCode;
import dev.vswitch.vport.link.PathProof;
import io.quarkus.picocli.runtime.annotations.TopCommand;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vport}: with a switch address it behaves like {@code vport connect --legacy}, as the seed's vport did; with no
 * arguments at all it prints the help, which is what a newcomer typing the bare name wants.
 */
@TopCommand
@Command(name = "vport", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        subcommands = {ConnectCommand.class, StatusCommand.class, KeygenCommand.class, PubkeyCommand.class, TransferCommand.class,
            AutoComplete.GenerateCompletion.class},
        description = {
            "Bridges a Linux TAP interface to a vswitch switch over UDP, so this machine joins a virtual Ethernet LAN.",
            "Secure protocol: 'vport connect --token-file FILE' with the network's join token.",
            "'vport status' tells whether the vport is connected, with its session, RTT and traffic.",
            "'vport HOST PORT' is the seed's form, short for 'vport connect --legacy HOST:PORT' (plain format, no encryption).",
            "'vport generate-completion' prints a bash/zsh completion script for all of this.",
            "Needs root or CAP_NET_ADMIN."
        })
public class VportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectOptions options;

    @Parameters(index = "0", arity = "0..1", paramLabel = "HOST[:PORT]",
            description = "The seed's switch: HOST PORT, or HOST:PORT (an IPv6 address in brackets, like [::1]:9999).")
    String hostOrTarget;

    @Parameters(index = "1", arity = "0..1", paramLabel = "PORT", description = "The switch's UDP port, when not given as HOST:PORT.")
    String port;

    @Override
    public Integer call() throws InterruptedException {
        if (spec.commandLine().getParseResult().originalArgs().isEmpty()) {
            spec.commandLine().usage(spec.commandLine().getOut());
            return ExitCode.OK.code();
        }
        if (hostOrTarget == null) {
            throw new ParameterException(spec.commandLine(), "missing switch address: give HOST PORT for the seed's plain format,"
                    + " or use 'vport connect --token-file FILE' for the secure protocol");
        }
        return ConnectRunner.run(options.settings(List.of(HostPortArguments.parse(hostOrTarget, port)), PathProof.Mode.OFF, null));
    }
}
