package dev.vswitch.server.keys;

import java.util.Set;

/**
 * A network as configured: its name, its key and the client keys allowed in (empty: anyone with the key).
 * Holds a secret: {@link #toString()} leaves it out.
 */
public record NetworkDefinition(String name, byte[] key, Set<String> allowedClients) {

    public boolean admits(String clientKey) {
        return allowedClients.isEmpty() || allowedClients.contains(clientKey);
    }

    @Override
    public String toString() {
        return "network " + name + (allowedClients.isEmpty() ? " (open to key holders)" : " (" + allowedClients.size() + " allowed clients)");
    }
}
