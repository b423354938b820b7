package dev.vswitch.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Application traffic over the virtual LAN: a file sent with {@code vport transfer} arrives byte for byte. */
class FileTransferTest {

    private static final int SIZE = 20 * 1024 * 1024;
    private static final int PORT = 5000;
    private static final Duration TRANSFER_TIMEOUT = Duration.ofSeconds(90);
    private static final Pattern DIGEST_LINE = Pattern.compile("bytes=\\d+ sha256=[0-9a-f]{64}");

    @RegisterExtension
    final Lab lab = new Lab();

    @Test
    void twentyMebibytesOfRandomBytesArriveIntact(@TempDir Path dir) throws Exception {
        Topology net = lab.topology(2);
        Host sender = net.host(1);
        Host receiver = net.host(2);
        net.startSwitch();
        net.startVports();
        Path file = dir.resolve("random.bin");
        Path received = dir.resolve("received.bin");
        writeRandomFile(file);
        String expected = "bytes=" + SIZE + " sha256=" + sha256(file);
        String timeout = String.valueOf(TRANSFER_TIMEOUT.toSeconds());

        Proc receiving = net.startVportProgram(receiver, "receive", "transfer", "receive",
                receiver.overlayIp(), String.valueOf(PORT), received.toString(), "--timeout", timeout);
        Poll.until(Topology.READY_TIMEOUT, receiving + " to listen on tcp port " + PORT,
                () -> receiver.listensOnTcp(PORT) ? Optional.of(true) : Optional.empty());
        long start = System.nanoTime();
        Proc sending = net.startVportProgram(sender, "send", "transfer", "send",
                receiver.overlayIp(), String.valueOf(PORT), file.toString(), "--timeout", timeout);

        assertEquals(0, sending.awaitExit(TRANSFER_TIMEOUT), sending + " failed");
        assertEquals(0, receiving.awaitExit(TRANSFER_TIMEOUT), receiving + " failed");
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("transfer of %d MiB took %.1f s (%.1f MiB/s, with the sender's start-up)%n",
                SIZE >> 20, seconds, (SIZE >> 20) / seconds);
        assertEquals(expected, digestLine(sending), "what the sender reports");
        assertEquals(expected, digestLine(receiving), "what the receiver reports");
        assertEquals(expected, "bytes=" + Files.size(received) + " sha256=" + sha256(received), "the file received");
    }

    private static void writeRandomFile(Path file) throws IOException {
        Random random = new Random();
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int written = 0; written < SIZE; written += chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk);
            }
        }
    }

    private static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String digestLine(Proc transfer) {
        Matcher matcher = DIGEST_LINE.matcher(transfer.log());
        if (!matcher.find()) {
            throw new AssertionError(transfer + " printed no line like 'bytes=N sha256=HEX'");
        }
        return matcher.group();
    }
}
