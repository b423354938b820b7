package dev.vswitch.e2e;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Application traffic over the secure virtual LAN: a file sent with {@code vport transfer} arrives byte for byte. */
class FileTransferTest {

    private static final int SIZE = 20 * 1024 * 1024;
    private static final Duration TRANSFER_TIMEOUT = Duration.ofSeconds(90);

    @RegisterExtension
    final Lab lab = new Lab();

    @Test
    void twentyMebibytesOfRandomBytesArriveIntact(@TempDir Path dir) {
        Topology net = lab.topology(2);
        net.startSwitch();
        net.startVports();

        Transfer.randomBytes(net, net.host(1), net.host(2), SIZE, dir, "random", TRANSFER_TIMEOUT);
    }
}
