package dev.vswitch.vport.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vswitch.vport.ExitCode;
import dev.vswitch.vport.VportException;
import dev.vswitch.vport.testing.LogCapture;
import dev.vswitch.vport.values.HostPort;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real TCP transfers over 127.0.0.1, sender and receiver in this JVM. */
class TransferTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void aFewMebibytesArriveIntactAndBothSidesPrintTheSameLine() throws Exception {
        byte[] data = new byte[3 * 1024 * 1024 + 12_345];
        new Random(42).nextBytes(data);
        Path file = Files.write(dir.resolve("demo.bin"), data);
        Path out = dir.resolve("received.bin");
        HostPort address = new HostPort("127.0.0.1", freePort());

        CompletableFuture<TransferResult> receiving = CompletableFuture.supplyAsync(() -> receive(address, out, TIMEOUT));
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        TerminalProgress progress = new TerminalProgress(new PrintStream(terminal, true, StandardCharsets.UTF_8), "sent", System::nanoTime);
        TransferResult sent = FileSender.send(address, file, TIMEOUT, progress);
        TransferResult received = receiving.get(30, TimeUnit.SECONDS);
        String shown = terminal.toString(StandardCharsets.UTF_8);
        String lastDrawn = shown.substring(shown.lastIndexOf('\r') + 1);
        assertTrue(lastDrawn.startsWith("sent 3.2 MB of 3.2 MB (100%), ") && lastDrawn.endsWith(" MB/s\n"), shown);

        String expectedHash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        assertEquals("bytes=" + data.length + " sha256=" + expectedHash, sent.toString());
        assertEquals(sent.toString(), received.toString());
        assertArrayEquals(data, Files.readAllBytes(out));
    }

    @Test
    void theSenderWaitsForAReceiverThatStartsLater() throws Exception {
        Path file = Files.writeString(dir.resolve("small.txt"), "hello over the virtual LAN\n");
        Path out = dir.resolve("small.out");
        HostPort address = new HostPort("127.0.0.1", freePort());

        TransferResult received;
        CompletableFuture<TransferResult> sending;
        try (LogCapture log = new LogCapture(FileSender.class)) {
            sending = CompletableFuture.supplyAsync(() -> send(address, file));
            Awaitility.await("the sender found no receiver").atMost(TIMEOUT).pollInterval(Duration.ofMillis(20))
                    .until(() -> log.count("no receiver at " + address + " yet") == 1);
            received = FileReceiver.receive(address, out, TIMEOUT, CopyProgress.NONE);
        }

        assertEquals(received, sending.get(30, TimeUnit.SECONDS));
        assertEquals("hello over the virtual LAN\n", Files.readString(out));
    }

    @Test
    void aReceiverWithoutSenderTimesOutAndLeavesNoFile() throws Exception {
        Path out = dir.resolve("never.bin");
        VportException e = assertThrows(VportException.class,
                () -> FileReceiver.receive(new HostPort("127.0.0.1", freePort()), out, Duration.ofSeconds(1), CopyProgress.NONE));
        assertEquals(ExitCode.TIMED_OUT, e.exitCode());
        assertFalse(Files.exists(out));
        try (var leftovers = Files.list(dir)) {
            assertEquals(0, leftovers.count());
        }
    }

    @Test
    void aSenderWithoutReceiverGivesUpAfterTheTimeout() throws Exception {
        Path file = Files.writeString(dir.resolve("x"), "x");
        long start = System.nanoTime();
        VportException e = assertThrows(VportException.class,
                () -> FileSender.send(new HostPort("127.0.0.1", freePort()), file, Duration.ofSeconds(1), CopyProgress.NONE));
        assertEquals(ExitCode.TIMED_OUT, e.exitCode());
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(seconds >= 0.9 && seconds < 5, "gave up after " + seconds + " s");
    }

    @Test
    void aMissingFileOrDirectoryIsABadValue() {
        HostPort address = new HostPort("127.0.0.1", 9);
        assertEquals(ExitCode.BAD_VALUE, assertThrows(VportException.class,
                () -> FileSender.send(address, dir.resolve("missing"), TIMEOUT, CopyProgress.NONE)).exitCode());
        assertEquals(ExitCode.BAD_VALUE, assertThrows(VportException.class,
                () -> FileReceiver.receive(address, dir.resolve("no/such/dir/out"), TIMEOUT, CopyProgress.NONE)).exitCode());
    }

    private static TransferResult receive(HostPort address, Path out, Duration timeout) {
        try {
            return FileReceiver.receive(address, out, timeout, CopyProgress.NONE);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static TransferResult send(HostPort address, Path file) {
        try {
            return FileSender.send(address, file, TIMEOUT, CopyProgress.NONE);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return probe.getLocalPort();
        }
    }
}
