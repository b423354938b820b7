package dev.vswitch.server.api;

import dev.vswitch.server.SwitchConfig;
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

/** The management API's bearer token: from configuration, or generated once into the key directory (0600). */
@ApplicationScoped
public class ApiToken {

    private final byte[] token;
    private final Path file;

    ApiToken(SwitchConfig config) {
        this.file = Path.of(config.keyDir(), "api.token");
        this.token = config.apiToken().orElseGet(() -> readOrCreate(file)).trim().getBytes(StandardCharsets.US_ASCII);
    }

    /** Whether an Authorization header carries the token; constant time, so the token cannot be guessed byte by byte. */
    public boolean admits(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return false;
        }
        byte[] offered = authorization.substring("Bearer ".length()).trim().getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(token, offered);
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
            throw new UncheckedIOException("cannot read or create the API token " + file + ": " + e.getMessage(), e);
        }
    }
}
