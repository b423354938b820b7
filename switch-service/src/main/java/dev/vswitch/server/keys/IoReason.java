package dev.vswitch.server.keys;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * An I/O failure in the operating system's words, with the file it concerns. The JDK's file exceptions carry
 * only the path for the common errors (an AccessDeniedException's message is the path alone), which left
 * "cannot use key directory …/.switch.key.tmp" without saying why.
 */
public final class IoReason {

    private IoReason() {
    }

    /** "FILE: REASON", or just "REASON" when FILE is {@code context}, the folder the caller already names. */
    public static String of(IOException error, Path context) {
        String described = of(error);
        String prefix = context.toAbsolutePath() + ": ";
        return described.startsWith(prefix) ? described.substring(prefix.length()) : described;
    }

    /** "FILE: REASON", e.g. "/var/lib/vswitch/.switch.key.tmp: Permission denied". */
    public static String of(IOException error) {
        if (!(error instanceof FileSystemException failure)) {
            return String.valueOf(error.getMessage());
        }
        String reason = failure.getReason();
        if (reason == null) {
            reason = defaultReason(failure);
        }
        String file = failure.getFile();
        return file == null ? reason : file + ": " + reason;
    }

    private static String defaultReason(FileSystemException failure) {
        if (failure instanceof AccessDeniedException) {
            return "Permission denied";
        }
        if (failure instanceof NoSuchFileException) {
            return "No such file or directory";
        }
        if (failure instanceof FileAlreadyExistsException) {
            return "File exists";
        }
        if (failure instanceof NotDirectoryException) {
            return "Not a directory";
        }
        return failure.getClass().getSimpleName();
    }
}
