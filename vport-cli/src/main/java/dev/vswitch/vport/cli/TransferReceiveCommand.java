package dev.vswitch.vport.cli;

import dev.vswitch.vport.ExitCode;
import dev.vswitch.vport.transfer.FileReceiver;
import dev.vswitch.vport.values.HostPort;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vport transfer receive BIND PORT OUT}. */
@Command(name = "receive", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Listens on BIND:PORT, accepts one sender, and writes what it sends to OUT.")
public class TransferReceiveCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "BIND", description = "Local address to listen on, e.g. this machine's TAP address 198.19.0.1.")
    String bind;

    @Parameters(index = "1", paramLabel = "PORT", description = "TCP port to listen on.")
    String port;

    @Parameters(index = "2", paramLabel = "OUT", description = "Where to write the file; replaced only once it is complete.")
    Path out;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60", converter = ValueConverters.Seconds.class,
            description = "How long to wait for a sender, and the longest pause in the transfer.")
    int timeoutSeconds;

    @Mixin
    ProgressOption progressOption;

    @Override
    public Integer call() throws IOException {
        HostPort address = HostPortArguments.parse(bind, port);
        System.out.println(FileReceiver.receive(address, out, Duration.ofSeconds(timeoutSeconds), progressOption.progress("received")));
        return ExitCode.OK.code();
    }
}
