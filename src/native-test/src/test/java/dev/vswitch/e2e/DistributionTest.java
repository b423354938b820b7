package dev.vswitch.e2e;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The self-contained downloads ({@code src/dist/}) as a user gets them: unpacked into an empty folder and run with
 * no Java on the PATH and no JAVA_HOME ({@link Distribution}), so they work only if they bring their own runtime (or,
 * the native downloads of a native build, need none).
 */
class DistributionTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @RegisterExtension
    final Lab lab = new Lab();

    @Test
    void vportHelpRunsOnTheBundledRuntimeWithNoSystemJava() throws IOException {
        Distribution dist = Distribution.unpacked();
        Command.Result lookup = Command.run(TIMEOUT,
                List.of("/usr/bin/env", "-i", "PATH=" + dist.tools(), "/bin/bash", "-c", "command -v java"));
        assertNotEquals(0, lookup.exitCode(), "the launchers' PATH must not find a java, else this test proves"
                + " nothing: " + lookup);

        String help = vport(dist, "--help").orFail().output();
        assertTrue(help.startsWith("Usage: vport"), help);
        assertTrue(help.contains("connect") && help.contains("Exit codes:"), help);
        String connectHelp = vport(dist, "connect", "--help").orFail().output();
        assertTrue(connectHelp.contains("--token-file"), connectHelp);

        Path home = dist.home(Artifacts.VPORT_MODULE);
        assertTrue(Artifacts.nativeBuild() || Files.isRegularFile(home.resolve("lib/cds/vport.jsa")),
                "the first start of the bundled runtime makes the class-data archive in the unpacked folder");
        Path completion = home.resolve("share/bash-completion/completions/vport");
        Command.Result registered = Command.run(TIMEOUT,
                List.of("/bin/bash", "-c", "source " + completion + " && complete -p vport")).orFail();
        assertTrue(registered.output().contains("-F _complete_vport vport"), registered.toString());
        assertTrue(Files.readString(completion).contains("'--token-file'"), "connect's options complete too");
    }

    @Test
    void connectFromTheDownloadsJoinsHostsIntoOneLan() {
        Topology net = lab.topology(2, Artifacts.distribution());
        Host h1 = net.host(1);
        Host h2 = net.host(2);
        net.startSwitch();
        net.startVports();

        h1.ping(h2.overlayIp(), 3).orFail();
        h2.ping(h1.overlayIp(), 3).orFail();
    }

    private static Command.Result vport(Distribution dist, String... arguments) {
        List<String> command = new ArrayList<>(dist.command(Artifacts.VPORT_MODULE));
        command.addAll(List.of(arguments));
        return Command.run(TIMEOUT, command);
    }
}
