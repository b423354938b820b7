package dev.vswitch.server.keys;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks the endpoint that join tokens name ({@link SwitchKeys#endpoint}). On many machines the host name
 * resolves to 127.0.1.1 or 127.0.0.1 (a Debian /etc/hosts line, a container's defaults); a token naming it
 * sends every vport on another machine to its own loopback, where nothing answers and nothing says why.
 */
public final class TokenEndpoint {

    /** Looks a host name up; {@link InetAddress#getAllByName} in production, a fixed answer in tests. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private TokenEndpoint() {
    }

    /**
     * A warning when a host of {@code endpoint} ("host:port", "[v6]:port", several separated by commas)
     * resolves to a loopback or wildcard address here; empty when none does or none resolves.
     */
    public static Optional<String> loopbackWarning(String endpoint, Resolver resolver) {
        List<String> findings = new ArrayList<>();
        for (String part : endpoint.split(",")) {
            String host = hostOf(part.trim());
            if (host.isEmpty()) {
                continue;
            }
            try {
                for (InetAddress address : resolver.resolve(host)) {
                    if (address.isLoopbackAddress() || address.isAnyLocalAddress()) {
                        findings.add(host + " resolves to " + address.getHostAddress());
                        break;
                    }
                }
            } catch (UnknownHostException e) {
                // Clients may resolve a name that this machine cannot (a load balancer's public name): no finding.
            }
        }
        if (findings.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("join tokens name " + endpoint + ", but " + String.join(", ", findings)
                + ", a loopback address: a vport on another machine would look for the switch on itself. Set "
                + "vswitch.public-endpoint=HOST:PORT (VSWITCH_PUBLIC_ENDPOINT) to the name or address that clients "
                + "reach this switch by");
    }

    /** The host of "host:port" or "[v6]:port"; a bare host is its own host. */
    static String hostOf(String hostAndPort) {
        if (hostAndPort.startsWith("[")) {
            int close = hostAndPort.indexOf(']');
            return close < 0 ? hostAndPort.substring(1) : hostAndPort.substring(1, close);
        }
        int colon = hostAndPort.lastIndexOf(':');
        // More than one colon without brackets: a bare IPv6 address.
        if (colon < 0 || hostAndPort.indexOf(':') != colon) {
            return hostAndPort;
        }
        return hostAndPort.substring(0, colon);
    }
}
