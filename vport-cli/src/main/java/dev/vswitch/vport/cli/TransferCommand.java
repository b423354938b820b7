package dev.vswitch.vport.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code vport transfer}: only a parent for {@code send} and {@code receive}. */
@Command(name = "transfer", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        subcommands = {TransferSendCommand.class, TransferReceiveCommand.class},
        description = {
            "Sends a file over the virtual LAN and proves it arrived intact.",
            "Plain TCP; both sides print 'bytes=N sha256=HEX', and equal lines mean equal files.",
            "Start 'receive' on one machine, then 'send' on the other."
        })
public class TransferCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "missing subcommand: send or receive");
    }
}
