package dev.vswitch.vport.values;

import dev.vswitch.protocol.MacAddress;
import dev.vswitch.protocol.Mtu;

/** Parsing of the plain numeric and MAC option values; every error message names the accepted range. */
public final class OptionValues {

    /** Jumbo frames: the largest MTU common NICs and switches support. */
    public static final int MAX_TAP_MTU = 9000;
    /** A day: longer keepalive or time-out values are surely typos. */
    public static final int MAX_SECONDS = 86_400;

    private OptionValues() {
    }

    public static int port(String text) {
        return bounded(text, 1, 65_535, "port");
    }

    public static int mtu(String text) {
        return bounded(text, Mtu.MIN_TAP_MTU, MAX_TAP_MTU, "MTU");
    }

    public static int seconds(String text) {
        return bounded(text, 1, MAX_SECONDS, "number of seconds");
    }

    /** A MAC address a NIC may use as its own: unicast and not all zeros. */
    public static long unicastMac(String text) {
        long mac = MacAddress.parse(text);
        if (!MacAddress.isValidSource(mac)) {
            throw new IllegalArgumentException("not a unicast MAC address (the first byte must be even, and not all zeros): " + text
                    + "; try a locally administered one like 02:00:5e:10:00:01");
        }
        return mac;
    }

    private static int bounded(String text, int min, int max, String what) {
        int value;
        try {
            value = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a " + what + " (want " + min + "-" + max + "): '" + text + "'");
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException(what + " out of range (want " + min + "-" + max + "): " + value);
        }
        return value;
    }
}
