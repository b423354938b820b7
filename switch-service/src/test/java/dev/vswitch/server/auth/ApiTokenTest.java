package dev.vswitch.server.auth;


import dev.vswitch.server.config.SwitchConfig;
import dev.vswitch.server.config.SwitchConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The API token: the bearer scheme in any case (RFC 7235), the token exact, and a generated one on disk at once. */
class ApiTokenTest {

    @TempDir
    Path keyDir;

    @Test
    void theSchemeIsCaseInsensitiveAndTheTokenIsNot() {
        ApiToken token = new ApiToken(config(Map.of("vswitch.api-token", "Secret-Token")));
        for (String header : new String[] {"Bearer Secret-Token", "bearer Secret-Token", "BEARER Secret-Token",
                "Bearer   Secret-Token "}) {
            assertTrue(token.admits(header), header);
        }
        for (String header : new String[] {"Bearer secret-token", "BearerSecret-Token", "Basic Secret-Token",
                "Bearer", "Bearer ", "Secret-Token", ""}) {
            assertFalse(token.admits(header), header);
        }
        assertFalse(token.admits(null));
        assertEquals("from vswitch.api-token", token.source());
    }

    @Test
    void aGeneratedTokenIsWrittenWhenTheBeanIsMadeAndReadBackLater() throws Exception {
        ApiToken generated = new ApiToken(config(Map.of()));
        Path file = keyDir.resolve("api.token");
        assertTrue(Files.isRegularFile(file));
        String written = Files.readString(file).trim();
        assertTrue(generated.admits("bearer " + written));
        assertTrue(new ApiToken(config(Map.of())).admits("Bearer " + written), "the same token after a restart");
        assertTrue(generated.source().contains(file.toAbsolutePath().toString()), generated.source());
    }

    private SwitchConfig config(Map<String, String> properties) {
        Map<String, String> withDir = new HashMap<>(properties);
        withDir.put("vswitch.key-dir", keyDir.toString());
        return SwitchConfigs.of(withDir);
    }
}
