package dev.vswitch.vport.transfer;

import dev.vswitch.vport.ExitCode;
import dev.vswitch.vport.VportException;
import dev.vswitch.vport.values.HostPort;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Receives one file over plain TCP: listens, accepts a single sender, writes everything it sends. The data
 * goes to a temporary file beside the output that is renamed only when complete, so a broken transfer
 * never leaves a truncated file under the requested name.
 */
public final class FileReceiver {

    private static final Logger LOG = Logger.getLogger(FileReceiver.class);

    private FileReceiver() {
    }

    /** {@code timeout} bounds both the wait for a sender and any pause in the data; {@code progress} hears how far it is. */
    public static TransferResult receive(HostPort bind, Path out, Duration timeout, CopyProgress progress) throws IOException {
        Path directory = out.toAbsolutePath().getParent();
        if (!Files.isDirectory(directory) || !Files.isWritable(directory)) {
            throw new VportException(ExitCode.BAD_VALUE, "cannot write " + out + ": " + directory + " is not a writable directory");
        }
        try (ServerSocket server = listen(bind)) {
            server.setSoTimeout((int) timeout.toMillis());
            LOG.infof("waiting for a sender on %s", bind);
            Socket sender;
            try {
                sender = server.accept();
            } catch (SocketTimeoutException e) {
                throw new VportException(ExitCode.TIMED_OUT, "no sender on " + bind + " within " + timeout.toSeconds() + " s");
            }
            try (sender) {
                sender.setSoTimeout((int) timeout.toMillis());
                LOG.infof("receiving from %s", sender.getRemoteSocketAddress());
                return writeAtomically(sender, out, directory, progress);
            } catch (SocketTimeoutException e) {
                throw new VportException(ExitCode.TIMED_OUT, "sender stalled: no data for " + timeout.toSeconds() + " s");
            }
        }
    }

    private static ServerSocket listen(HostPort bind) throws IOException {
        ServerSocket server = new ServerSocket();
        try {
            server.setReuseAddress(true);
            server.bind(bind.resolve(), 1);
            return server;
        } catch (BindException e) {
            server.close();
            throw new VportException(ExitCode.BAD_VALUE, "cannot listen on " + bind + ": " + e.getMessage());
        } catch (RuntimeException | IOException e) {
            server.close();
            throw e;
        }
    }

    private static TransferResult writeAtomically(Socket sender, Path out, Path directory, CopyProgress progress) throws IOException {
        Path partial = Files.createTempFile(directory, "." + out.getFileName() + ".", ".part");
        try {
            TransferResult result;
            try (OutputStream file = Files.newOutputStream(partial)) {
                result = DigestingCopy.copy(sender.getInputStream(), file, -1, progress);
            }
            Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return result;
        } finally {
            Files.deleteIfExists(partial);
        }
    }
}
