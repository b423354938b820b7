package dev.vswitch.vport.values;

import dev.vswitch.vport.ExitCode;
import dev.vswitch.vport.VportException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * A host (name or literal address) and a port, as the user typed it. Resolution is separate, because a
 * name that does not resolve is a different failure (and exit code) than one that cannot be parsed.
 *
 * @param host a host name, an IPv4 literal or an IPv6 literal without brackets
 * @param port 1..65535
 */
public record HostPort(String host, int port) {

    /** Parses {@code host:port}, {@code 1.2.3.4:port} or {@code [v6]:port}. */
    public static HostPort parse(String text) {
        String trimmed = text.trim();
        if (trimmed.startsWith("[")) {
            int close = trimmed.indexOf(']');
            if (close < 0 || close + 1 >= trimmed.length() || trimmed.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("not HOST:PORT (an IPv6 address goes in brackets, like [::1]:9999): " + text);
            }
            return of(trimmed.substring(1, close), trimmed.substring(close + 2));
        }
        int colon = trimmed.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("not HOST:PORT (want e.g. 127.0.0.1:9999), or give the port separately: " + text);
        }
        if (trimmed.indexOf(':', colon + 1) >= 0) {
            throw new IllegalArgumentException("put an IPv6 address in brackets, like [::1]:9999: " + text);
        }
        return of(trimmed.substring(0, colon), trimmed.substring(colon + 1));
    }

    /** The seed's two-argument form {@code HOST PORT}; the host may be a bracketed IPv6 literal. */
    public static HostPort of(String hostText, String portText) {
        String host = hostText.trim();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty() || host.chars().anyMatch(c -> Character.isWhitespace(c) || c == '/' || c == '[' || c == ']')) {
            throw new IllegalArgumentException("not a host name or address: '" + hostText + "'");
        }
        return new HostPort(host, OptionValues.port(portText));
    }

    /**
     * Looks the host up now; the JVM caches answers only briefly (30 s), so a later call follows a moved host.
     *
     * @throws VportException with {@link ExitCode#UNKNOWN_HOST} when the name does not resolve
     */
    public InetSocketAddress resolve() {
        try {
            if (isReservedInvalid()) {
                throw new UnknownHostException(host); // RFC 6761: never resolves, so ask no DNS server
            }
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new VportException(ExitCode.UNKNOWN_HOST, "cannot resolve host '" + host + "': check the name, or give an IP address");
        }
    }

    /** Names under the special-use domain "invalid." (RFC 6761 section 6.4) must fail without a lookup. */
    public boolean isReservedInvalid() {
        String name = host.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        return name.equals("invalid") || name.endsWith(".invalid");
    }

    /** True when the host is an IP literal, which resolving cannot change. */
    public boolean isLiteral() {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }

    /** {@code host:port}, with an IPv6 literal in brackets so the result parses back. */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
