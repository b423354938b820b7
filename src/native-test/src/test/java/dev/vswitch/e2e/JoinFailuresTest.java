package dev.vswitch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vswitch.protocol.keys.JoinToken;
import dev.vswitch.protocol.keys.Keys;
import dev.vswitch.protocol.noise.X25519;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A newcomer's mistakes, each made with the real programs on namespaced hosts: the vport says in one line what happened
 * and what to check, and with {@code --give-up-after} ends with the exit code of the kind of failure (13: no switch,
 * 14: refused); the switch says in its log why it refused. Before, all of them looked alike: "waiting for handshake
 * response", forever, and nothing in the switch's log.
 */
class JoinFailuresTest {

    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(60);
    private static final int NO_SWITCH = 13;
    private static final int REFUSED = 14;
    private static final SecureRandom RANDOM = new SecureRandom();

    @RegisterExtension
    final Lab lab = new Lab();

    @Test
    void everyWayOfNotGettingInIsToldApartWithItsExitCode(@TempDir Path dir) throws IOException {
        Topology net = lab.topology(2);
        Host host = net.host(1);
        net.startSwitch();
        Path realToken = net.tokenFile(SwitchSetup.DEFAULT_NETWORK);
        String switchAt = host.switchIp() + ":" + SwitchSetup.PORT;

        Path otherSwitch = token(realToken, dir.resolve("other-switch.token"), real -> new JoinToken(real.endpoint(),
                X25519.publicKey(X25519.generatePrivateKey(RANDOM)), real.network(), real.networkKey(), null));
        expect(net, host, otherSwitch, switchAt, REFUSED, "the token comes from another switch");
        net.switchProc().awaitLine(Topology.READY_TIMEOUT, "refused a handshake from", "made for another switch's key");

        Path nowhere = token(realToken, dir.resolve("nowhere.token"), real -> new JoinToken(real.endpoint(),
                real.switchPublicKey(), "nowhere", real.networkKey(), null));
        expect(net, host, nowhere, switchAt, REFUSED, "refuses to let this vport in: it has no network 'nowhere'");
        net.switchProc().awaitLine(Topology.READY_TIMEOUT, "refused a handshake from", "this switch has no network 'nowhere'");

        Path otherKey = token(realToken, dir.resolve("other-key.token"), real -> new JoinToken(real.endpoint(),
                real.switchPublicKey(), real.network(), Keys.generate(RANDOM), null));
        expect(net, host, otherKey, switchAt, REFUSED, "handshake failed: the switch's answer did not authenticate");

        expect(net, host, realToken, host.switchIp() + ":" + (SwitchSetup.PORT + 7), NO_SWITCH,
                "nothing listens on udp " + host.switchIp() + ":" + (SwitchSetup.PORT + 7) + " (ICMP port unreachable)");
        // An address on the host's own link that nobody has: no answer of any kind comes back.
        String nobody = "198.18.1.99:" + SwitchSetup.PORT;
        expect(net, host, realToken, nobody, NO_SWITCH, "no answer from the switch at " + nobody + " to any handshake");
    }

    @Test
    void aSecondMachineWithTheSameKeyTakesThePortAndTheFirstIsToldWhy() {
        Topology net = lab.topology(2);
        Host first = net.host(1);
        Host second = net.host(2);
        net.startSwitch();
        Proc firstVport = net.startVport(first);
        Path sharedKey = net.clientKey(first);
        Proc secondVport = net.startVportProgram(second, "vport", "connect", "--token-file",
                net.tokenFile(SwitchSetup.DEFAULT_NETWORK).toString(), "--key-file", sharedKey.toString(),
                second.switchIp() + ":" + SwitchSetup.PORT, "--tap", second.tap(), "--ip", second.overlayIp() + "/24",
                "--status-dir", net.statusDir().toString());
        secondVport.awaitLine(Topology.READY_TIMEOUT, "connected to ");
        String told = firstVport.awaitLine(Topology.READY_TIMEOUT, "refuses to let this vport in",
                "another vport with this machine's key");
        String logged = net.switchProc().awaitLine(Topology.READY_TIMEOUT, "while its session from", "was live");
        System.out.println("key in use: the first vport said: " + told.strip() + "\n  the switch said: " + logged.strip());
        assertTrue(firstVport.isAlive(), "the first vport keeps running (and trying)");
    }

    /** Runs a vport with {@code token} towards {@code switchAt}, giving up after 3 s; checks its line and exit code. */
    private static void expect(Topology net, Host host, Path token, String switchAt, int exitCode, String line) {
        Proc vport = net.startVportProgram(host, "vport-" + token.getFileName(), "connect", "--token-file",
                token.toString(), "--key-file", net.clientKey(host).toString(), switchAt, "--tap", host.tap(),
                "--give-up-after", "3", "--status-dir", net.statusDir().toString());
        int exit = vport.awaitExit(EXIT_TIMEOUT);
        String log = vport.log();
        System.out.println(token.getFileName() + " to " + switchAt + ": exit " + exit + ", " + log.lines()
                .filter(l -> l.contains("gave up")).findFirst().orElse("(no line)").strip());
        assertEquals(exitCode, exit, vport + " ended with " + exit + ":\n" + log);
        assertTrue(log.lines().anyMatch(l -> l.contains("gave up after 3 s (--give-up-after): ") && l.contains(line)),
                vport + " did not say '" + line + "':\n" + log);
        assertTrue(log.lines().noneMatch(l -> l.matches("^\\s+at [\\w.$]+\\(.*")), "a stack trace:\n" + log);
        assertTrue(log.lines().filter(l -> l.contains(line) && !l.contains("gave up")).count() <= 1,
                "said at most once before giving up (once it is known):\n" + log);
    }

    /** The switch's token changed by {@code change}, written (mode 0600) to {@code out}. */
    private static Path token(Path real, Path out, UnaryOperator<JoinToken> change) throws IOException {
        JoinToken changed = change.apply(JoinToken.decode(Files.readString(real, StandardCharsets.US_ASCII)));
        Files.createFile(out, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(out, changed.encode() + "\n", StandardCharsets.US_ASCII);
        return out;
    }
}
