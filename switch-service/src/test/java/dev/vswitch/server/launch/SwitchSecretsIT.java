package dev.vswitch.server.launch;

import dev.vswitch.protocol.keys.JoinToken;
import dev.vswitch.protocol.keys.Keys;
import dev.vswitch.protocol.noise.X25519;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every secret setting reaches the packaged switch without being on its command line: from environment
 * variables, and from a configuration file named by {@code quarkus.config.locations}. Each is checked by its
 * effect (the join token's keys, the API's answer, the cluster line), never by the log repeating it.
 */
class SwitchSecretsIT {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path workDir;

    private final byte[] switchKey = X25519.generatePrivateKey(RANDOM);
    private final byte[] networkKey = Keys.generate(RANDOM);
    private final String apiToken = "api-" + Keys.encode(Keys.generate(RANDOM)).replaceAll("[^A-Za-z0-9]", "");
    private final String clusterSecret = Keys.encode(Keys.generate(RANDOM));

    @Test
    void secretsFromEnvironmentVariablesTakeEffect() throws Exception {
        Path keyDir = workDir.resolve("keys");
        Map<String, String> environment = Map.of(
                "VSWITCH_PRIVATE_KEY", Keys.encode(switchKey),
                "VSWITCH_NETWORKS_LAB_KEY", Keys.encode(networkKey),
                "VSWITCH_API_TOKEN", apiToken,
                "VSWITCH_CLUSTER_SECRET", clusterSecret,
                // A dashed name cannot be read from a variable's name: the switch must say so, not ignore it.
                "VSWITCH_NETWORKS_MY_LAB_KEY", Keys.encode(Keys.generate(RANDOM)),
                "VSWITCH_PUBLIC_ENDPOINT", "127.0.0.1:9999");
        try (SwitchProcess vswitch = SwitchProcess.start(SwitchProcess.command(SwitchProcess.loopbackOptions(keyDir),
                List.of()), workDir, environment)) {
            int httpPort = vswitch.awaitStartedHttpPort();
            assertSecretsApplied(vswitch, keyDir, "lab", httpPort);
            assertTrue(vswitch.output().contains("environment variable VSWITCH_NETWORKS_MY_LAB_KEY was applied to no network"),
                    vswitch.output());
            assertTrue(vswitch.output().contains("127.0.0.1 resolves to 127.0.0.1, a loopback address")
                            && vswitch.output().contains("Set vswitch.public-endpoint=HOST:PORT"),
                    "a token naming 127.0.0.1 is warned about:\n" + vswitch.output());
        }
    }

    @Test
    void secretsFromAPrivateConfigurationFileTakeEffect() throws Exception {
        Path keyDir = workDir.resolve("keys");
        Path file = workDir.resolve("vswitch.properties");
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, String.join("\n",
                "vswitch.private-key=" + Keys.encode(switchKey),
                "vswitch.networks.\"my-lab\".key=" + Keys.encode(networkKey),
                "vswitch.api-token=" + apiToken,
                "vswitch.cluster.secret=" + clusterSecret,
                "vswitch.public-endpoint=192.0.2.1:9999", ""), StandardCharsets.UTF_8);
        List<String> options = new ArrayList<>(SwitchProcess.loopbackOptions(keyDir));
        options.add("-Dquarkus.config.locations=" + file);
        try (SwitchProcess vswitch = SwitchProcess.start(SwitchProcess.command(options, List.of()), workDir, Map.of())) {
            int httpPort = vswitch.awaitStartedHttpPort();
            assertSecretsApplied(vswitch, keyDir, "my-lab", httpPort);
            assertFalse(vswitch.output().contains("vswitch.public-endpoint=HOST:PORT"),
                    "a token naming a routable address is not warned about:\n" + vswitch.output());
        }
    }

    @Test
    void aGeneratedApiTokenExistsFromTheStartAndAnyBearerCaseWorks() throws Exception {
        Path keyDir = workDir.resolve("keys");
        try (SwitchProcess vswitch = SwitchProcess.start(SwitchProcess.command(SwitchProcess.loopbackOptions(keyDir),
                List.of()), workDir, Map.of())) {
            int httpPort = vswitch.awaitStartedHttpPort();
            Path tokenFile = keyDir.resolve("api.token");
            assertTrue(Files.isRegularFile(tokenFile), "api.token exists before any API request");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)));
            HttpResponse<String> refused = get(httpPort, null);
            assertEquals(401, refused.statusCode());
            assertTrue(refused.body().contains("key-dir/api.token"), refused.body());
            String token = Files.readString(tokenFile).trim();
            assertEquals(200, get(httpPort, "bearer " + token).statusCode(), "scheme in lower case");
            assertEquals(200, get(httpPort, "BEARER " + token).statusCode(), "scheme in upper case");
        }
    }

    private void assertSecretsApplied(SwitchProcess vswitch, Path keyDir, String network, int httpPort) throws Exception {
        // The start-up lines come with the HTTP server's start, about when Quarkus's own; the API token's is the last.
        vswitch.awaitLine(line -> line.contains("management API token: from vswitch.api-token"), SwitchProcess.START_TIMEOUT);
        JoinToken token = JoinToken.decode(Files.readString(keyDir.resolve("tokens").resolve(network + ".token")).trim());
        assertArrayEquals(X25519.publicKey(switchKey), token.switchPublicKey(), "the switch key came through");
        assertArrayEquals(networkKey, token.networkKey(), "the network key came through");
        assertTrue(Files.exists(keyDir.resolve("tokens/default.token")), "network default is kept beside " + network);
        assertFalse(Files.exists(keyDir.resolve("switch.key")), "no switch key generated when one is given");
        assertEquals(200, get(httpPort, "Bearer " + apiToken).statusCode(), "the API token came through");
        assertEquals(401, get(httpPort, "Bearer not-" + apiToken).statusCode());
        assertTrue(vswitch.output().contains("of a cluster"), "the cluster secret came through:\n" + vswitch.output());
        for (String secret : List.of(Keys.encode(switchKey), Keys.encode(networkKey), apiToken, clusterSecret)) {
            assertFalse(vswitch.output().contains(secret), "a secret was logged:\n" + vswitch.output());
        }
    }

    private static HttpResponse<String> get(int httpPort, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/api/v1/networks"))
                .timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
