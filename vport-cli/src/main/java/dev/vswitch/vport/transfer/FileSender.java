package dev.vswitch.vport.transfer;

import dev.vswitch.vport.ExitCode;
import dev.vswitch.vport.VportException;
import dev.vswitch.vport.values.HostPort;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Sends one file over plain TCP. The receiver may start after the sender (both are often typed by hand on
 * two machines), so connecting is retried until the time-out.
 */
public final class FileSender {

    private static final Logger LOG = Logger.getLogger(FileSender.class);
    private static final long RETRY_MILLIS = 500;

    private FileSender() {
    }

    /** Sends {@code file} to {@code target}, telling {@code progress} how far it is, then waits for the receiver to close, which it does once the file is written. */
    public static TransferResult send(HostPort target, Path file, Duration timeout, CopyProgress progress)
            throws IOException, InterruptedException {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new VportException(ExitCode.BAD_VALUE, "cannot read " + file + ": not a readable file");
        }
        InetSocketAddress address = target.resolve();
        try (Socket socket = connect(target, address, timeout); InputStream in = Files.newInputStream(file)) {
            socket.setSoTimeout((int) timeout.toMillis());
            TransferResult result = DigestingCopy.copy(in, socket.getOutputStream(), Files.size(file), progress);
            socket.shutdownOutput();
            InputStream fromReceiver = socket.getInputStream();
            while (fromReceiver.read() >= 0) {
                // The receiver sends nothing; EOF means it has the whole file.
            }
            return result;
        } catch (SocketTimeoutException e) {
            throw new VportException(ExitCode.TIMED_OUT, "receiver at " + target + " did not confirm within " + timeout.toSeconds() + " s");
        }
    }

    private static Socket connect(HostPort target, InetSocketAddress address, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean announced = false;
        while (true) {
            Socket socket = new Socket();
            long remainingMillis = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            try {
                socket.connect(address, (int) Math.min(remainingMillis, Integer.MAX_VALUE));
                LOG.infof("sending to %s", target);
                return socket;
            } catch (ConnectException | NoRouteToHostException | SocketTimeoutException e) {
                socket.close();
                if (System.nanoTime() - deadline >= 0) {
                    throw new VportException(ExitCode.TIMED_OUT,
                            "no receiver at " + target + " within " + timeout.toSeconds() + " s (" + reason(e) + ")");
                }
                if (!announced) {
                    LOG.infof("no receiver at %s yet (%s); retrying for up to %d s", target, reason(e), timeout.toSeconds());
                    announced = true;
                }
                Thread.sleep(Math.min(RETRY_MILLIS, remainingMillis));
            }
        }
    }

    private static String reason(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
