package dev.vswitch.protocol.text;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Addresses as text in RFC 5952's recommended form. Java's {@link InetAddress#getHostAddress()} writes every IPv6
 * group ({@code 0:0:0:0:0:0:0:1}), which is valid but not what people type or what other tools print; one form
 * for both programs lets a user match a switch log line with a vport status line.
 */
public final class AddressText {

    private static final int GROUPS = 8;

    private AddressText() {
    }

    /**
     * An IPv4 address in dotted decimal; an IPv6 address in lower case, without leading zeros, with the longest run
     * of two or more zero groups (the first of equal runs) as {@code ::}, an IPv4-mapped address as
     * {@code ::ffff:192.0.2.1} (RFC 5952 section 5), and its scope ({@code %eth0}, {@code %3}) kept.
     */
    public static String address(InetAddress address) {
        if (!(address instanceof Inet6Address v6)) {
            return address.getHostAddress();
        }
        byte[] bytes = v6.getAddress();
        String text = isIpv4Mapped(bytes) ? "::ffff:" + (bytes[12] & 0xff) + "." + (bytes[13] & 0xff) + "."
                + (bytes[14] & 0xff) + "." + (bytes[15] & 0xff) : compressed(bytes);
        return text + scope(v6);
    }

    /**
     * {@code 192.0.2.1:9999} or {@code [2001:db8::1]:9999}: brackets around IPv6 so the port stays apart (RFC 5952
     * section 6). An unresolved endpoint keeps its host name, and is bracketed when that name is an IPv6 literal.
     */
    public static String endpoint(InetSocketAddress endpoint) {
        InetAddress ip = endpoint.getAddress();
        String host = ip == null ? endpoint.getHostString() : address(ip);
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + endpoint.getPort();
    }

    private static boolean isIpv4Mapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return (bytes[10] & 0xff) == 0xff && (bytes[11] & 0xff) == 0xff;
    }

    private static String compressed(byte[] bytes) {
        int[] groups = new int[GROUPS];
        for (int i = 0; i < GROUPS; i++) {
            groups[i] = (bytes[2 * i] & 0xff) << 8 | bytes[2 * i + 1] & 0xff;
        }
        // RFC 5952 4.2.2/4.2.3: a single zero group is written as 0; of equal runs the first is shortened.
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < GROUPS; ) {
            int end = i;
            while (end < GROUPS && groups[end] == 0) {
                end++;
            }
            if (end - i > bestLength) {
                bestStart = i;
                bestLength = end - i;
            }
            i = Math.max(end, i + 1);
        }
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < GROUPS; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    /** Java writes the scope after a '%' as the interface name when it has one, else as the number. */
    private static String scope(Inet6Address address) {
        String full = address.getHostAddress();
        int percent = full.indexOf('%');
        return percent < 0 ? "" : full.substring(percent);
    }
}
