package dev.vswitch.server.auth;

import dev.vswitch.server.config.SwitchConfig;
import dev.vswitch.server.keys.IoReason;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The management API's bearer token: from configuration, or generated once into the key directory (0600).
 * Made at start-up (SwitchService asks for {@link #source()}), so the file that a 401 answer points at exists.
 */
@ApplicationScoped
public class ApiToken {

    private static final String SCHEME = "Bearer";

    private final byte[] token;
    private final Path file;
    private final boolean configured;

    ApiToken(SwitchConfig config) {
        this.file = Path.of(config.keyDir(), "api.token");
        this.configured = config.apiToken().isPresent();
        this.token = config.apiToken().orElseGet(() -> readOrCreate(file)).trim().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Whether an Authorization header carries the token; constant time, so the token cannot be guessed byte by
     * byte. The scheme is case-insensitive ("bearer" works too), as RFC 7235 says of every auth scheme.
     */
    public boolean admits(String authorization) {
        if (authorization == null || authorization.length() <= SCHEME.length()
                || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
                || authorization.charAt(SCHEME.length()) != ' ') {
            return false;
        }
        byte[] offered = authorization.substring(SCHEME.length()).trim().getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(token, offered);
    }

    /** Where the token comes from, to tell operators (the token itself is never logged). */
    public String source() {
        return configured ? "from vswitch.api-token" : "in " + file.toAbsolutePath() + " (mode 0600)";
    }

    /** Where a generated token lives (to tell operators; the token itself is never logged). */
    public Path file() {
        return file;
    }

    private static String readOrCreate(Path file) {
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.US_ASCII);
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, token + "\n", StandardCharsets.US_ASCII);
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the API token " + file.toAbsolutePath() + ": "
                    + IoReason.of(e) + "; set vswitch.key-dir (VSWITCH_KEY_DIR) to a folder this user can write", e);
        }
    }
}
