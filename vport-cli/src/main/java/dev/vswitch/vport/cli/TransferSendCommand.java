package dev.vswitch.vport.cli;

import dev.vswitch.vport.ExitCode;
import dev.vswitch.vport.transfer.FileSender;
import dev.vswitch.vport.values.HostPort;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vport transfer send HOST PORT FILE}. */
@Command(name = "send", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Connects to a receiver (retrying until --timeout) and sends FILE.")
public class TransferSendCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "HOST", description = "The receiver's address on the virtual LAN, e.g. 198.19.0.1.")
    String host;

    @Parameters(index = "1", paramLabel = "PORT", description = "The receiver's TCP port.")
    String port;

    @Parameters(index = "2", paramLabel = "FILE", description = "The file to send.")
    Path file;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60", converter = ValueConverters.Seconds.class,
            description = "How long to keep trying to connect, and the longest pause in the transfer.")
    int timeoutSeconds;

    @Mixin
    ProgressOption progressOption;

    @Override
    public Integer call() throws IOException, InterruptedException {
        HostPort target = HostPortArguments.parse(host, port);
        System.out.println(FileSender.send(target, file, Duration.ofSeconds(timeoutSeconds), progressOption.progress("sent")));
        return ExitCode.OK.code();
    }
}
