package dev.vswitch.protocol;

import java.security.SecureRandom;
import java.util.Locale;

/**
 * A 48-bit IEEE 802 MAC address held in the low 48 bits of a {@code long}, so that the data path can
 * compare, hash and store addresses without allocating.
 */
public final class MacAddress {

    public static final int LENGTH = 6;
    public static final long BROADCAST = 0xFFFF_FFFF_FFFFL;
    public static final long ZERO = 0L;

    /** The I/G bit: set on group (multicast and broadcast) addresses. */
    private static final long GROUP_BIT = 0x0100_0000_0000L;
    /** The U/L bit: set on locally administered addresses. */
    private static final long LOCAL_BIT = 0x0200_0000_0000L;

    private MacAddress() {
    }

    public static boolean isGroup(long mac) {
        return (mac & GROUP_BIT) != 0;
    }

    public static boolean isBroadcast(long mac) {
        return mac == BROADCAST;
    }

    /** A valid source address: unicast and not all zeros. */
    public static boolean isValidSource(long mac) {
        return mac != ZERO && !isGroup(mac);
    }

    /** Parses {@code aa:bb:cc:dd:ee:ff} (or with dashes); throws {@link IllegalArgumentException} with a readable message. */
    public static long parse(String text) {
        String[] parts = text.trim().split("[:-]");
        if (parts.length != LENGTH) {
            throw new IllegalArgumentException("not a MAC address (want six hex bytes like 02:00:5e:10:00:01): " + text);
        }
        long mac = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 2) {
                throw new IllegalArgumentException("not a MAC address (want six hex bytes like 02:00:5e:10:00:01): " + text);
            }
            try {
                mac = (mac << 8) | Integer.parseInt(part, 16);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a MAC address (want six hex bytes like 02:00:5e:10:00:01): " + text);
            }
        }
        return mac;
    }

    public static String format(long mac) {
        StringBuilder sb = new StringBuilder(17);
        for (int shift = 40; shift >= 0; shift -= 8) {
            if (sb.length() > 0) {
                sb.append(':');
            }
            sb.append(String.format(Locale.ROOT, "%02x", (mac >>> shift) & 0xFF));
        }
        return sb.toString();
    }

    /** A random locally administered unicast address, as Linux assigns to a new TAP device. */
    public static long randomLocal(SecureRandom random) {
        long mac = random.nextLong() & BROADCAST;
        return (mac | LOCAL_BIT) & ~GROUP_BIT;
    }

    public static byte[] toBytes(long mac) {
        byte[] bytes = new byte[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            bytes[i] = (byte) (mac >>> (40 - 8 * i));
        }
        return bytes;
    }
}
