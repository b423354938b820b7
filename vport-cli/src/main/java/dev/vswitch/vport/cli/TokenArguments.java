package dev.vswitch.vport.cli;

import dev.vswitch.protocol.keys.JoinToken;
import dev.vswitch.protocol.wire.WireFormat;
import dev.vswitch.vport.ExitCode;
import dev.vswitch.vport.VportException;
import dev.vswitch.vport.values.HostPort;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The join token from {@code --token} or {@code --token-file}. Every way a token can be unusable is
 * {@link ExitCode#BAD_CREDENTIALS} with one line; no message ever contains the token itself.
 */
final class TokenArguments {

    private TokenArguments() {
    }

    /** Decodes {@code --token}'s value. */
    static JoinToken fromText(String text) {
        return checked(text, null);
    }

    /** Reads and decodes a token file, e.g. the switch's {@code tokens/NAME.token}; surrounding blanks are ignored. */
    static JoinToken fromFile(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new VportException(ExitCode.BAD_CREDENTIALS, "token file " + file + " does not exist");
        } catch (AccessDeniedException e) {
            throw new VportException(ExitCode.BAD_CREDENTIALS, "cannot read token file " + file + ": permission denied");
        } catch (IOException e) {
            throw new VportException(ExitCode.BAD_CREDENTIALS, "cannot read token file " + file + ": " + e.getMessage());
        }
        return checked(text, file);
    }

    /**
     * The switch the token names, unless the command line overrides it: {@code HOST:PORT}, or several replicas as
     * {@code HOST:PORT,HOST:PORT} (a switch's {@code vswitch.public-endpoint} may list them).
     */
    static List<HostPort> endpoints(JoinToken token) {
        try {
            return List.copyOf(new LinkedHashSet<>(HostPortArguments.parseCommaListOrThrow(token.endpoint())));
        } catch (IllegalArgumentException e) {
            throw new VportException(ExitCode.BAD_CREDENTIALS, "the join token names no usable switch address ("
                    + e.getMessage() + "): give HOST:PORT after the token");
        }
    }

    private static JoinToken checked(String text, Path file) {
        String where = file == null ? "" : " (" + file + ")";
        JoinToken token;
        try {
            token = JoinToken.decode(text);
        } catch (IllegalArgumentException e) {
            throw new VportException(ExitCode.BAD_CREDENTIALS, e.getMessage() + where);
        }
        int nameLength = token.network().getBytes(StandardCharsets.UTF_8).length;
        if (nameLength == 0 || nameLength > WireFormat.NETWORK_NAME_LENGTH) {
            throw new VportException(ExitCode.BAD_CREDENTIALS, "join token names no valid network (1 to "
                    + WireFormat.NETWORK_NAME_LENGTH + " bytes)" + where);
        }
        return token;
    }
}
