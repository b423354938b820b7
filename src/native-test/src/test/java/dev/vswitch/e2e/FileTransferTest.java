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
        Path file = dir.resolve("random.bin");
        Transfer.writeRandomFile(file, SIZE);

        Transfer.Outcome outcome = Transfer.run(net, net.host(1), net.host(2), file, dir.resolve("received.bin"),
                TRANSFER_TIMEOUT);

        System.out.printf("transfer of %d MiB took %.1f s (%.1f MiB/s, with the sender's start-up)%n",
                SIZE >> 20, outcome.elapsed().toMillis() / 1e3, outcome.mebibytesPerSecond(SIZE));
        outcome.assertIntact();
    }
}
