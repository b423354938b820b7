package dev.vswitch.deploy;

import io.fabric8.kubernetes.api.model.Secret;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Properties;

import static dev.vswitch.deploy.ChartDefaultsTest.assertKey;
import static dev.vswitch.deploy.ChartDefaultsTest.decode;
import static dev.vswitch.deploy.ChartDefaultsTest.properties;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The keys are generated once and kept: an upgrade finds the release's Secret with Helm's lookup (here served by
 * {@link FakeKubernetesApi}) and keeps every key in it, so the join tokens already handed out stay valid.
 */
class SecretKeysTest {

    private static final String SECRET_PATH = "/api/v1/namespaces/" + Chart.NAMESPACE + "/secrets/" + Chart.FULLNAME;
    private static final String SWITCH_KEY = "X49P/i7e0nzeoS1/54n9UFpEDgy3g2NfwVOVo+WPfkM=";
    private static final String DEFAULT_KEY = "pOQ7ZZGgMu4SHkRqJT6NdXDuNNvl1hF5OPNrO/1cB1c=";
    private static final String API_TOKEN = "_UYZHVibG4eLVsbGDAQALWIdWMRPF_xj194NYZHv6dI";
    private static final String CLUSTER_SECRET = "c2NhbGUtb3V0IHRlc3Qgc2VjcmV0LCBub3QgYSBrZXk=";

    private final FakeKubernetesApi api = FakeKubernetesApi.get();

    @BeforeEach
    void clear() {
        api.clear();
    }

    @Test
    void firstInstallGeneratesFreshKeysEachTime() throws IOException {
        Properties first = secretFile(Chart.render("{}").objects());
        Properties second = secretFile(Chart.render("{}").objects());
        assertKey(first.getProperty("vswitch.private-key"));
        assertNotEquals(first.getProperty("vswitch.private-key"), second.getProperty("vswitch.private-key"), "random, not derived");
        assertNotEquals(first.getProperty("vswitch.networks.\"default\".key"), second.getProperty("vswitch.networks.\"default\".key"));
        assertNotEquals(first.getProperty("vswitch.api-token"), second.getProperty("vswitch.api-token"));
        assertNotEquals(first.getProperty("vswitch.private-key"), first.getProperty("vswitch.networks.\"default\".key"));
        assertTrue(api.requests().contains("GET " + SECRET_PATH), "looked for the release's Secret: " + api.requests());
        assertTrue(api.requests().stream().allMatch(r -> r.equals("GET /api/v1") || r.equals("GET " + SECRET_PATH)),
                "nothing but discovery and the look-up: " + api.requests());
    }

    @Test
    void upgradeKeepsEveryKeyAndAddsOnlyNewNetworks() throws IOException {
        api.put(SECRET_PATH, existingSecret());
        Chart.Rendered rendered = Chart.render("""
                networks:
                  - name: default
                  - name: lab
                """);
        Properties keys = secretFile(rendered.objects());
        assertEquals(SWITCH_KEY, keys.getProperty("vswitch.private-key"));
        assertEquals(API_TOKEN, keys.getProperty("vswitch.api-token"));
        assertEquals(DEFAULT_KEY, keys.getProperty("vswitch.networks.\"default\".key"));
        assertKey(keys.getProperty("vswitch.networks.\"lab\".key"));
        assertNotEquals(DEFAULT_KEY, keys.getProperty("vswitch.networks.\"lab\".key"));

        Secret secret = secret(rendered.objects());
        assertEquals(SWITCH_KEY, decode(secret.getData().get("switch.key")));
        assertEquals(keys.getProperty("vswitch.networks.\"lab\".key"), decode(secret.getData().get("network.lab.key")),
                "the new key is stored for the next upgrade");
    }

    @Test
    void upgradeDoesNotRestartThePodWhenNothingChanged() {
        api.put(SECRET_PATH, existingSecret());
        String first = checksum(Chart.render("{}"));
        String second = checksum(Chart.render("{}"));
        assertEquals(first, second, "same keys, same checksum/secret, no rollout");
    }

    @Test
    void givenValuesWinOverTheStoredOnes() throws IOException {
        api.put(SECRET_PATH, existingSecret());
        String newKey = Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
        Properties keys = secretFile(Chart.render("""
                secret: {privateKey: "%s", apiToken: a-token-of-my-own-choosing}
                """.formatted(newKey)).objects());
        assertEquals(newKey, keys.getProperty("vswitch.private-key"));
        assertEquals("a-token-of-my-own-choosing", keys.getProperty("vswitch.api-token"));
        assertEquals(DEFAULT_KEY, keys.getProperty("vswitch.networks.\"default\".key"), "the rest is kept");
    }

    @Test
    void clusterSecretIsMadeOnScaleOutAndKeptFromThenOn() throws IOException {
        api.put(SECRET_PATH, existingSecret());
        Properties scaledOut = secretFile(Chart.render("replicaCount: 3").objects());
        assertKey(scaledOut.getProperty("vswitch.cluster.secret"));
        assertEquals(SWITCH_KEY, scaledOut.getProperty("vswitch.private-key"), "the replicas get the switch key already in use");
        assertEquals(DEFAULT_KEY, scaledOut.getProperty("vswitch.networks.\"default\".key"));

        api.put(SECRET_PATH, existingSecret(CLUSTER_SECRET));
        assertEquals(CLUSTER_SECRET, secretFile(Chart.render("replicaCount: 5").objects()).getProperty("vswitch.cluster.secret"));
        assertEquals(CLUSTER_SECRET, secretFile(Chart.render("replicaCount: 1").objects()).getProperty("vswitch.cluster.secret"),
                "kept with one replica too, so that scaling out again keeps it");
    }

    @Test
    void keepOnUninstallAnnotatesTheSecret() {
        Secret secret = secret(Chart.render("secret: {keepOnUninstall: true}").objects());
        assertEquals("keep", secret.getMetadata().getAnnotations().get("helm.sh/resource-policy"));
        Secret plain = secret(Chart.render("{}").objects());
        assertTrue(plain.getMetadata().getAnnotations().isEmpty());
    }

    /** The Secret as a release of one replica leaves it. */
    private static String existingSecret() {
        return existingSecret(null);
    }

    /** The Secret as a release leaves it, with a cluster secret once it ran replicas (else null). */
    private static String existingSecret(String clusterSecret) {
        Base64.Encoder b64 = Base64.getEncoder();
        String cluster = clusterSecret == null ? ""
                : "\"cluster.secret\":\"" + b64.encodeToString(clusterSecret.getBytes(StandardCharsets.US_ASCII)) + "\",";
        return """
                {"apiVersion":"v1","kind":"Secret","type":"Opaque",
                 "metadata":{"name":"%s","namespace":"%s"},
                 "data":{%s"switch.key":"%s","api.token":"%s","network.default.key":"%s","vswitch-secret.properties":""}}
                """.formatted(Chart.FULLNAME, Chart.NAMESPACE, cluster,
                b64.encodeToString(SWITCH_KEY.getBytes(StandardCharsets.US_ASCII)),
                b64.encodeToString(API_TOKEN.getBytes(StandardCharsets.US_ASCII)),
                b64.encodeToString(DEFAULT_KEY.getBytes(StandardCharsets.US_ASCII)));
    }

    private static Secret secret(List<com.fasterxml.jackson.databind.JsonNode> objects) {
        return Manifests.validate(objects, null).only(Secret.class);
    }

    private static Properties secretFile(List<com.fasterxml.jackson.databind.JsonNode> objects) throws IOException {
        return properties(decode(secret(objects).getData().get("vswitch-secret.properties")));
    }

    private static String checksum(Chart.Rendered rendered) {
        return Manifests.validate(rendered.objects(), null).deployment().getSpec().getTemplate().getMetadata()
                .getAnnotations().get("checksum/secret");
    }
}
