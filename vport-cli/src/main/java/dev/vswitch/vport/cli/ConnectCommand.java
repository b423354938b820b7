package dev.vswitch.vport.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code vport connect HOST:PORT}: create and configure the TAP, then forward frames until stopped. */
@Command(name = "connect", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {
            "Joins this machine to the switch's virtual LAN until Ctrl-C or SIGTERM.",
            "Creates the TAP interface, configures it, and forwards Ethernet frames between it and the switch.",
            "On stop it removes the TAP and prints what it forwarded. Needs root or CAP_NET_ADMIN."
        })
public class ConnectCommand implements Callable<Integer> {

    @Mixin
    ConnectOptions options;

    @Override
    public Integer call() throws InterruptedException {
        return ConnectRunner.run(options.settings());
    }
}
