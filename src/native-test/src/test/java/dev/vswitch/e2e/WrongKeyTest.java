package dev.vswitch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vswitch.protocol.keys.JoinToken;
import dev.vswitch.protocol.keys.Keys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A vport whose token carries the wrong network key (the switch's real key and network name, so the switch answers
 * its handshake) never gets a working link, and says why in one line, without a stack trace.
 */
class WrongKeyTest {

    @RegisterExtension
    final Lab lab = new Lab();

    @Test
    void aTokenWithAnAlteredNetworkKeyGetsNoLinkAndTheVportSaysTheHandshakeFailed(@TempDir Path dir)
            throws IOException {
        Topology net = lab.topology(2);
        Host member = net.host(1);
        Host intruder = net.host(2);
        net.startSwitch();
        net.startVport(member);
        Path wrongToken = withOtherNetworkKey(net.tokenFile(SwitchSetup.DEFAULT_NETWORK), dir.resolve("wrong.token"));

        Proc vport = net.startVportWithoutLink(intruder, Join.withToken(wrongToken));
        String failure = vport.awaitLine(Topology.READY_TIMEOUT, "handshake failed");
        Command.Result in = intruder.ping(member.overlayIp(), 3);
        Command.Result out = member.ping(intruder.overlayIp(), 3);

        System.out.println("wrong key: the vport said: " + failure.strip());
        assertFalse(in.succeeded(), "the vport with the wrong network key reached a member: " + in);
        assertFalse(out.succeeded(), "a member reached the vport with the wrong network key: " + out);
        assertFalse(vport.log().contains("connected to "), vport + " says it connected:\n" + vport.log());
        long failureLines = vport.log().lines().filter(line -> line.contains("handshake failed")).count();
        assertEquals(1, failureLines, "the vport should say once that the handshake failed, not " + failureLines
                + " times:\n" + vport.log());
        List<String> trace = vport.log().lines()
                .filter(line -> line.matches("^\\s+at [\\w.$]+\\(.*") || line.contains("Exception"))
                .toList();
        assertTrue(trace.isEmpty(), "the vport printed a stack trace or an exception name: " + trace);
    }

    /** {@code token} with the network key replaced by a random one, written (mode 0600) to {@code out}. */
    private static Path withOtherNetworkKey(Path token, Path out) throws IOException {
        JoinToken real = JoinToken.decode(Files.readString(token, StandardCharsets.US_ASCII));
        JoinToken wrong = new JoinToken(real.endpoint(), real.switchPublicKey(), real.network(),
                Keys.generate(new SecureRandom()), real.clientPrivateKey());
        Files.createFile(out, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(out, wrong.encode() + "\n", StandardCharsets.US_ASCII);
        return out;
    }
}
