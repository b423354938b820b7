package dev.vswitch.e2e;

import static org.awaitility.Awaitility.await;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Application traffic over the virtual LAN: a file of random bytes sent with {@code vport transfer} from one host to
 * another, and the check that the sender, the receiver and the received file all agree with the file's own size and
 * SHA-256.
 */
final class Transfer {

    private static final int PORT = 5000;
    private static final Pattern DIGEST_LINE = Pattern.compile("bytes=\\d+ sha256=[0-9a-f]{64}");

    private Transfer() {
    }

    /** What a finished transfer showed, and how long it took from the sender's start to both sides' exit. */
    record Outcome(String expected, String sent, String received, String receivedFile, Duration elapsed) {

        void assertIntact() {
            assertEquals(expected, sent, "what the sender reports");
            assertEquals(expected, received, "what the receiver reports");
            assertEquals(expected, receivedFile, "the file received");
        }

        double mebibytesPerSecond(long size) {
            return (size / (double) (1 << 20)) / (elapsed.toMillis() / 1e3);
        }
    }

    /** Writes {@code size} random bytes to {@code file}. */
    static void writeRandomFile(Path file, int size) {
        Random random = new Random();
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int written = 0; written < size; written += chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk, 0, Math.min(chunk.length, size - written));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sends {@code file} from {@code sender} to {@code receiver}'s overlay address, received into {@code received};
     * both programs must exit 0 within {@code timeout}.
     */
    static Outcome run(Topology net, Host sender, Host receiver, Path file, Path received, Duration timeout) {
        String expected = digestOf(file);
        String seconds = String.valueOf(timeout.toSeconds());
        Proc receiving = net.startVportProgram(receiver, "receive", "transfer", "receive",
                receiver.overlayIp(), String.valueOf(PORT), received.toString(), "--timeout", seconds);
        await(receiving + " to listen on tcp port " + PORT).atMost(Topology.READY_TIMEOUT)
                .until(() -> receiver.listensOnTcp(PORT));
        long start = System.nanoTime();
        Proc sending = net.startVportProgram(sender, "send", "transfer", "send",
                receiver.overlayIp(), String.valueOf(PORT), file.toString(), "--timeout", seconds);

        assertEquals(0, sending.awaitExit(timeout), sending + " failed");
        assertEquals(0, receiving.awaitExit(timeout), receiving + " failed");
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        return new Outcome(expected, digestLine(sending), digestLine(receiving), digestOf(received), elapsed);
    }

    /**
     * Sends {@code size} random bytes from {@code sender} to {@code receiver} through files in {@code dir} named after
     * {@code name}, prints how long that took, and fails unless they arrived intact.
     */
    static Outcome randomBytes(Topology net, Host sender, Host receiver, int size, Path dir, String name, Duration timeout) {
        Path file = dir.resolve(name + ".bin");
        writeRandomFile(file, size);
        Outcome outcome = run(net, sender, receiver, file, dir.resolve(name + "-received.bin"), timeout);
        System.out.printf("transfer '%s' of %d MiB %s -> %s took %.1f s (%.1f MiB/s, with the sender's start-up)%n",
                name, size >> 20, sender, receiver, outcome.elapsed().toMillis() / 1e3, outcome.mebibytesPerSecond(size));
        outcome.assertIntact();
        return outcome;
    }

    /** "bytes=N sha256=HEX" of a file, in the form both transfer programs print. */
    private static String digestOf(Path file) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
                in.transferTo(OutputStream.nullOutputStream());
            }
            return "bytes=" + Files.size(file) + " sha256=" + HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String digestLine(Proc transfer) {
        Matcher matcher = DIGEST_LINE.matcher(transfer.log());
        if (!matcher.find()) {
            throw new AssertionError(transfer + " printed no line like 'bytes=N sha256=HEX'");
        }
        return matcher.group();
    }
}
