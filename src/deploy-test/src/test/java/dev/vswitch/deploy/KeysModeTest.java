package dev.vswitch.deploy;

import com.marcnuri.helm.DryRun;
import io.fabric8.kubernetes.api.model.Secret;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Properties;

import static dev.vswitch.deploy.ChartDefaultsTest.decode;
import static dev.vswitch.deploy.ChartDefaultsTest.properties;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keys that never change by accident: GitOps modes render byte for byte the same every time (Argo CD and Flux
 * render with `helm template` and apply whatever differs), and an upgrade that cannot find the keys' Secret fails
 * with what to do instead of making new keys.
 */
class KeysModeTest {

    private static final String LAB_KEY = "MqzkkyANJWj5D5IeF7V5EvnDuxOuMC7qiF7VQ94Ey58=";
    private static final String DEFAULT_KEY = "pOQ7ZZGgMu4SHkRqJT6NdXDuNNvl1hF5OPNrO/1cB1c=";
    private static final String SWITCH_KEY = "X49P/i7e0nzeoS1/54n9UFpEDgy3g2NfwVOVo+WPfkM=";
    private static final String CLUSTER_SECRET = "c2NhbGUtb3V0IHRlc3Qgc2VjcmV0LCBub3QgYSBrZXk=";
    private static final String VALUES_MODE = """
            keys: {mode: values}
            secret: {privateKey: "%s", apiToken: an-api-token-from-sops-not-random}
            networks: [{name: default, key: "%s"}, {name: lab, key: "%s"}]
            """.formatted(SWITCH_KEY, DEFAULT_KEY, LAB_KEY);

    private final FakeKubernetesApi api = FakeKubernetesApi.get();

    @BeforeEach
    void clear() {
        api.clear();
    }

    @Test
    void existingSecretModeRendersByteIdenticalManifestsAndLooksNothingUp() {
        String values = """
                keys: {mode: existingSecret}
                existingSecret: vswitch-keys-from-sealed-secrets
                replicaCount: 3
                prometheusRule: {enabled: true}
                networkPolicy: {enabled: true, management: {namespaces: [monitoring]}}
                """;
        Chart.Rendered first = Chart.render(values);
        Chart.Rendered second = Chart.render(values);
        assertEquals(first.manifest(), second.manifest(), "two renderings of the same values differ");
        Manifests manifests = Manifests.validate(first.objects(), "vswitch-keys-from-sealed-secrets");
        assertTrue(manifests.all(Secret.class).isEmpty());
        assertTrue(api.requests().stream().noneMatch(r -> r.contains("/secrets/")), "no lookup: " + api.requests());
    }

    @Test
    void valuesModeRendersByteIdenticalManifestsWithTheGivenKeys() throws IOException {
        Chart.Rendered first = Chart.render(VALUES_MODE);
        Chart.Rendered second = Chart.render(VALUES_MODE);
        assertEquals(first.manifest(), second.manifest(), "two renderings of the same values differ");
        Secret secret = Manifests.validate(first.objects(), null).only(Secret.class);
        Properties keys = properties(decode(secret.getData().get("vswitch-secret.properties")));
        assertEquals(SWITCH_KEY, keys.getProperty("vswitch.private-key"));
        assertEquals(LAB_KEY, keys.getProperty("vswitch.networks.\"lab\".key"));
        assertEquals("an-api-token-from-sops-not-random", keys.getProperty("vswitch.api-token"));
        assertTrue(api.requests().stream().noneMatch(r -> r.contains("/secrets/")), "no lookup in values mode: " + api.requests());
    }

    @Test
    void generateModeStillMakesNewKeysOnEveryFirstInstall() {
        assertNotEquals(Chart.render("{}").manifest(), Chart.render("{}").manifest(),
                "generate mode makes random keys when there is nothing to keep, which is why GitOps needs another mode");
    }

    @Test
    void valuesModeNamesEveryMissingKey() {
        String refusal = Chart.rejection("""
                keys: {mode: values}
                secret: {apiToken: an-api-token-from-sops-not-random}
                replicaCount: 2
                networks: [{name: default}, {name: lab, key: "%s"}]
                """.formatted(LAB_KEY));
        assertTrue(refusal.contains("keys.mode values needs every key in values; missing: secret.privateKey, secret.clusterSecret,"
                + " the key of network \"default\""), refusal);
        Chart.render(VALUES_MODE.replace("keys: {mode: values}", "keys: {mode: values}\nreplicaCount: 2")
                .replace("apiToken:", "clusterSecret: \"" + CLUSTER_SECRET + "\", apiToken:"));
    }

    @Test
    void existingSecretModeAndTheSecretsNameGoTogether() {
        String noName = Chart.rejection("keys: {mode: existingSecret}");
        assertTrue(noName.contains("existingSecret"), noName);
        String noMode = Chart.rejection("existingSecret: my-keys");
        assertTrue(noMode.contains("existingSecret is set but keys.mode is generate: set keys.mode=existingSecret to use Secret my-keys"), noMode);
        String badMode = Chart.rejection("keys: {mode: hookJob}");
        assertTrue(badMode.contains("/keys/mode"), badMode);
    }

    @Test
    void anUpgradeThatFindsNoSecretFailsAndSaysWhatToDo() {
        api.putRelease(Chart.NAMESPACE, Chart.RELEASE);
        for (DryRun dryRun : new DryRun[] {DryRun.SERVER, DryRun.CLIENT}) {
            String refusal = Chart.upgradeRefusal("{}", dryRun);
            assertTrue(refusal.contains("keys: this upgrade found no Secret demo-vswitch in namespace net to take the switch's keys from,"
                    + " and will not make new ones"), dryRun + ": " + refusal);
            assertTrue(refusal.contains("keys.mode=existingSecret or values"), refusal);
            assertTrue(refusal.contains("keys.allowRegenerate=true"), refusal);
        }
        assertTrue(api.requests().contains("GET /api/v1/namespaces/net/secrets/demo-vswitch"),
                "the server dry run looked for the Secret: " + api.requests());
    }

    @Test
    void anUpgradeThatFindsTheSecretGetsPastTheKeys() {
        api.putRelease(Chart.NAMESPACE, Chart.RELEASE);
        api.put("/api/v1/namespaces/net/secrets/demo-vswitch", """
                {"apiVersion":"v1","kind":"Secret","metadata":{"name":"demo-vswitch","namespace":"net"},
                 "data":{"switch.key":"%s"}}
                """.formatted(java.util.Base64.getEncoder().encodeToString(SWITCH_KEY.getBytes(java.nio.charset.StandardCharsets.US_ASCII))));
        String outcome;
        try {
            outcome = Chart.upgradeRefusal("{}", DryRun.SERVER);
        } catch (AssertionError accepted) {
            outcome = "accepted";
        }
        assertTrue(!outcome.contains("found no Secret"), "the Secret was there: " + outcome);
    }

    @Test
    void givenKeysOrAllowRegenerateLetAnUpgradeWithoutTheSecretThrough() {
        api.putRelease(Chart.NAMESPACE, Chart.RELEASE);
        for (String values : new String[] {VALUES_MODE, "keys: {allowRegenerate: true}"}) {
            String outcome;
            try {
                outcome = Chart.upgradeRefusal(values, DryRun.CLIENT);
            } catch (AssertionError accepted) {
                outcome = "accepted";
            }
            assertTrue(!outcome.contains("found no Secret"), values + ": " + outcome);
        }
    }
}
