package dev.vswitch.vport.cli;

import dev.vswitch.protocol.keys.Keys;
import dev.vswitch.protocol.noise.X25519;
import dev.vswitch.vport.ExitCode;
import dev.vswitch.vport.secure.ClientKeyFile;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vport pubkey [--key-file FILE]}: the public key of a private key file, for a switch's allowed-clients. */
@Command(name = "pubkey", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Prints the public key of this machine's private key, as a switch's allowed-clients list names it.")
public class PubkeyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--key-file", paramLabel = "FILE",
            description = {"The private key file.", ClientKeyFile.DEFAULT_LINE_ROOT, ClientKeyFile.DEFAULT_LINE_USER})
    Path keyFile;

    @Override
    public Integer call() {
        byte[] key = ClientKeyFile.read(keyFile != null ? keyFile : ClientKeyFile.defaultPath());
        spec.commandLine().getOut().println(Keys.encode(X25519.publicKey(key)));
        spec.commandLine().getOut().flush();
        return ExitCode.OK.code();
    }
}
