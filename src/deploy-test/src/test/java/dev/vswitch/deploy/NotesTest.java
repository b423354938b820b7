package dev.vswitch.deploy;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What `helm install` prints: how to find the switch's address and get a join token, for each kind of Service. */
class NotesTest {

    @Test
    void loadBalancerNotesTellTheAddressTheTokenAndTheConnectCommand() {
        String notes = Chart.installOutput("""
                networks: [{name: default}, {name: lab.one}]
                """);
        assertContains(notes, "kubectl get svc --namespace net demo-vswitch -w");
        assertContains(notes, "{.status.loadBalancer.ingress[0].ip}");
        assertContains(notes, "kubectl exec --namespace net deploy/demo-vswitch -- cat /var/lib/vswitch/tokens/default.token > default.token");
        assertContains(notes, "kubectl exec --namespace net deploy/demo-vswitch -- cat /var/lib/vswitch/tokens/lab.one.token > lab.one.token");
        assertContains(notes, "vport connect --token-file default.token \"$VSWITCH_ADDRESS:$VSWITCH_PORT\"");
        assertContains(notes, "The tokens name the pod's own host name");
        assertContains(notes, "jsonpath='{.data.api\\.token}'");
        assertContains(notes, "curl localhost:8080/q/metrics");
        assertFalse(notes.contains("WARNING"), notes);
    }

    @Test
    void nodePortNotesTellTheNodePort() {
        String notes = Chart.installOutput("service: {type: NodePort}");
        assertContains(notes, "{.spec.ports[?(@.name==\"vswitch\")].nodePort}");
        assertContains(notes, "only the node that runs the switch answers");
    }

    @Test
    void nodePortNotesGiveAFixedNodePortAndNotTheServicePort() {
        String notes = Chart.installOutput("service: {type: NodePort, nodePort: 31999}");
        assertContains(notes, "export VSWITCH_PORT=31999");
        assertContains(notes, "set switch.publicEndpoint=NODE_ADDRESS:31999");
        assertFalse(notes.contains("VSWITCH_PORT=9999"), notes);
    }

    @Test
    void everyApiCallHasItsTokenSetFirst() {
        for (String values : new String[] {"{}", "replicaCount: 3", "keys: {mode: existingSecret}\nexistingSecret: my-keys",
                "replicaCount: 3\nkeys: {mode: existingSecret}\nexistingSecret: my-keys"}) {
            String notes = Chart.installOutput(values);
            int set = notes.indexOf("export VSWITCH_API_TOKEN=");
            int used = notes.indexOf("$VSWITCH_API_TOKEN");
            assertTrue(used < 0 || (set >= 0 && set < used), values + ": $VSWITCH_API_TOKEN used before it is set:\n" + notes);
        }
    }

    @Test
    void helmTestIsMentioned() {
        assertContains(Chart.installOutput("{}"), "helm test demo --namespace net");
        assertFalse(Chart.installOutput("tests: {enabled: false}").contains("helm test"));
    }

    @Test
    void clusterIpNotesSayItIsInternal() {
        String notes = Chart.installOutput("service: {type: ClusterIP}");
        assertContains(notes, "reachable only inside the cluster, at\n   demo-vswitch.net.svc:9999");
    }

    @Test
    void publicEndpointMeansTokensWorkAlone() {
        String notes = Chart.installOutput("switch: {publicEndpoint: \"vpn.example.org:9999\"}");
        assertContains(notes, "The tokens name vpn.example.org:9999");
        assertFalse(notes.contains("pod's own host name"), notes);
    }

    @Test
    void riskyChoicesAreWarnedAbout() {
        String notes = Chart.installOutput("switch: {legacyPort: 9998}");
        assertContains(notes, "WARNING: switch.legacyPort 9998 speaks the seed's plaintext format");
    }

    @Test
    void clusterNotesTellHowTheReplicasLinkUp() {
        String notes = Chart.installOutput("replicaCount: 3");
        assertContains(notes, "kubectl exec --namespace net sts/demo-vswitch -- cat /var/lib/vswitch/tokens/default.token > default.token");
        assertContains(notes, "5. The cluster: 3 replicas, one LAN");
        assertContains(notes, "through the headless Service demo-vswitch-peer\n   and link up over UDP port 9999");
        assertContains(notes, "kubectl port-forward --namespace net pod/demo-vswitch-0 8080:8080");
        assertContains(notes, "localhost:8080/api/v1/cluster/peers");
        assertFalse(notes.contains("WARNING"), notes);
        assertContains(Chart.installOutput("replicaCount: 3\nkeys: {mode: existingSecret}\nexistingSecret: my-keys"),
                "Secret my-keys must hold vswitch.cluster.secret in its vswitch-secret.properties:\n   without it, no replica starts");
    }

    @Test
    void existingSecretNotesPointAtTheUsersSecret() {
        String notes = Chart.installOutput("keys: {mode: existingSecret}\nexistingSecret: my-keys");
        assertContains(notes, "export VSWITCH_API_TOKEN=$(kubectl get secret --namespace net my-keys"
                + " -o jsonpath='{.data.vswitch-secret\\.properties}' | base64 -d | sed -n 's/^vswitch\\.api-token=//p')");
        assertFalse(notes.contains("{.data.api\\.token}"), "no entry api.token in the user's Secret: " + notes);
    }

    private static void assertContains(String text, String expected) {
        assertTrue(text.contains(expected), "expected\n  " + expected + "\nin\n" + text);
    }
}
