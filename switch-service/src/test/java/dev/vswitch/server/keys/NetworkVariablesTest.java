package dev.vswitch.server.keys;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Environment variables meant for a network that configuration could not apply are reported, not ignored. */
class NetworkVariablesTest {

    @Test
    void variablesOfExistingNetworksAreFine() {
        Map<String, String> environment = Map.of("VSWITCH_NETWORKS_LAB_KEY", "k", "VSWITCH_NETWORKS_LAB_ALLOWED_CLIENTS", "c",
                "VSWITCH_NETWORKS__MY_LAB__KEY", "k", "VSWITCH_PORT", "9999", "HOME", "/root");
        assertEquals(List.of(), NetworkVariables.unapplied(environment, List.of("default", "lab", "my.lab")));
    }

    @Test
    void aDashedNameThatNoNetworkTookIsReportedWithTheWayThatWorks() {
        List<String> warnings = NetworkVariables.unapplied(Map.of("VSWITCH_NETWORKS_MY_LAB_KEY", "k"), List.of("default"));
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).contains("VSWITCH_NETWORKS_MY_LAB_KEY was applied to no network"), warnings.get(0));
        assertTrue(warnings.get(0).contains("vswitch.networks.\"NAME\".key=${VSWITCH_NETWORKS_MY_LAB_KEY}"), warnings.get(0));
    }

    @Test
    void onceTheNetworkIsConfiguredByNameItsVariableIsApplied() {
        assertEquals(List.of(), NetworkVariables.unapplied(Map.of("VSWITCH_NETWORKS_MY_LAB_KEY", "k"), List.of("default", "my-lab")));
    }
}
