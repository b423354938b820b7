package dev.vswitch.vport.cli;

import dev.vswitch.protocol.keys.Keys;
import dev.vswitch.protocol.noise.X25519;
import dev.vswitch.vport.ExitCode;
import dev.vswitch.vport.VportException;
import dev.vswitch.vport.secure.ClientKeyFile;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vport keygen [--out FILE] [--force]}: a new private key for the secure protocol; prints its public key. */
@Command(name = "keygen", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {
            "Makes this machine's private key for the secure protocol (mode 0600) and prints its public key on stdout.",
            "A network that lists allowed-clients admits only the public keys listed there.",
            "'vport connect' makes the key by itself on first use; keygen is for preparing it beforehand."
        })
public class KeygenCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "FILE",
            description = {"Where to write the private key.", ClientKeyFile.DEFAULT_LINE_ROOT, ClientKeyFile.DEFAULT_LINE_USER})
    Path out;

    @Option(names = "--force", description = "Replace an existing key file. The switch then no longer admits the old public key.")
    boolean force;

    @Override
    public Integer call() {
        Path file = out != null ? out : ClientKeyFile.defaultPath();
        if (!force && Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new VportException(ExitCode.KEY_EXISTS, "key file " + file + " exists already: 'vport pubkey --key-file " + file
                    + "' prints its public key, --force replaces it");
        }
        byte[] key = ClientKeyFile.create(file, new SecureRandom());
        spec.commandLine().getOut().println(Keys.encode(X25519.publicKey(key)));
        spec.commandLine().getOut().flush();
        return ExitCode.OK.code();
    }
}
