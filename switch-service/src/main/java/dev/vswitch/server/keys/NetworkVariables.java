package dev.vswitch.server.keys;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Finds environment variables meant for a network that configuration did not apply. An environment variable's
 * name cannot tell a network "my-lab" from "my.lab" or "MY_LAB", so MicroProfile Config maps
 * VSWITCH_NETWORKS_MY_LAB_KEY to no network at all, and the switch would silently run without it. The rule that
 * works: a name of lower-case letters and digits maps directly (VSWITCH_NETWORKS_LAB_KEY is network "lab"); any
 * other name is written out in a configuration file, its value taken from a variable:
 * {@code vswitch.networks."my-lab".key=${MY_LAB_KEY}}.
 */
public final class NetworkVariables {

    private static final String PREFIX = "VSWITCH_NETWORKS_";
    private static final List<String> SETTINGS = List.of("key", "allowed-clients");

    private NetworkVariables() {
    }

    /** One warning for each VSWITCH_NETWORKS_…_KEY or …_ALLOWED_CLIENTS variable that no network in {@code networks} took. */
    public static List<String> unapplied(Map<String, String> environment, Collection<String> networks) {
        Set<String> applied = new HashSet<>();
        for (String network : networks) {
            for (String setting : SETTINGS) {
                applied.add(variableName("vswitch.networks." + network + "." + setting));
                applied.add(variableName("vswitch.networks.\"" + network + "\"." + setting));
            }
        }
        List<String> warnings = new ArrayList<>();
        for (String name : environment.keySet().stream().sorted().toList()) {
            boolean meantForNetwork = name.startsWith(PREFIX) && (name.endsWith("_KEY") || name.endsWith("_ALLOWED_CLIENTS"));
            if (meantForNetwork && !applied.contains(name)) {
                warnings.add("environment variable " + name + " was applied to no network (networks: "
                        + String.join(", ", networks) + "): only a name of lower-case letters and digits can be read "
                        + "from a variable's name; for any other, write vswitch.networks.\"NAME\"."
                        + (name.endsWith("_KEY") ? "key" : "allowed-clients") + "=${" + name
                        + "} in the configuration file (-Dquarkus.config.locations=FILE)");
            }
        }
        return warnings;
    }

    /** The environment variable that MicroProfile Config reads for a property: upper case, others as '_'. */
    static String variableName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }
}
