package dev.vswitch.vport.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Copies a stream through one fixed buffer while hashing it, so files of any size take constant memory. */
final class DigestingCopy {

    static final int BUFFER_BYTES = 64 * 1024;

    private DigestingCopy() {
    }

    /** Copies all of {@code in}, telling {@code progress} as it goes; {@code expectedBytes} is negative when unknown. */
    static TransferResult copy(InputStream in, OutputStream out, long expectedBytes, CopyProgress progress) throws IOException {
        MessageDigest sha256 = sha256();
        byte[] buffer = new byte[BUFFER_BYTES];
        long total = 0;
        int count;
        progress.started(expectedBytes);
        try {
            while ((count = in.read(buffer)) >= 0) {
                out.write(buffer, 0, count);
                sha256.update(buffer, 0, count);
                total += count;
                progress.copied(total);
            }
            out.flush();
        } finally {
            progress.finished();
        }
        return TransferResult.of(total, sha256.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
