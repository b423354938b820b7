package dev.vswitch.vport.cli;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code vport}: with a switch address it behaves like {@code vport connect}, as the seed's vport did. */
@TopCommand
@Command(name = "vport", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        subcommands = {ConnectCommand.class, TransferCommand.class},
        description = {
            "Bridges a Linux TAP interface to a vswitch switch over UDP, so this machine joins a virtual Ethernet LAN.",
            "'vport HOST PORT' is short for 'vport connect HOST:PORT'. Needs root or CAP_NET_ADMIN."
        })
public class VportCommand implements Callable<Integer> {

    @Mixin
    ConnectOptions options;

    @Override
    public Integer call() throws InterruptedException {
        return ConnectRunner.run(options.settings());
    }
}
