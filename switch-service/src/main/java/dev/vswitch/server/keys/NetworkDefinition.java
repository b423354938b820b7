package dev.vswitch.server.keys;

import java.util.Set;

/**
 * A network as configured: its name, its key, the client keys allowed in (empty: anyone with the key), and whether its
 * vports are introduced to each other for direct paths. Holds a secret: {@link #toString()} leaves it out.
 */
public record NetworkDefinition(String name, byte[] key, Set<String> allowedClients, boolean directPaths) {

    public boolean admits(String clientKey) {
        return allowedClients.isEmpty() || allowedClients.contains(clientKey);
    }

    @Override
    public String toString() {
        return "network " + name + (allowedClients.isEmpty() ? " (open to key holders" : " (" + allowedClients.size()
                + " allowed clients") + (directPaths ? ")" : ", no direct paths)");
    }
}
