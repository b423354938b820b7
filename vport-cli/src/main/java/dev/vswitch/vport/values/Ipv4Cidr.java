package dev.vswitch.vport.values;

/**
 * An IPv4 interface address with its prefix length, such as {@code 198.19.0.1/24}. Parsed by hand rather
 * than with {@code InetAddress.getByName}, which would send a name like "tap0" to DNS.
 *
 * @param address the address as a 32-bit big-endian value
 * @param prefix  1..32
 */
public record Ipv4Cidr(int address, int prefix) {

    public static Ipv4Cidr parse(String text) {
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("not ADDRESS/PREFIX (want e.g. 198.19.0.1/24): '" + text + "'");
        }
        int address = parseAddress(trimmed.substring(0, slash), text);
        int prefix;
        try {
            prefix = Integer.parseInt(trimmed.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("prefix length must be a number 1-32 (as in 198.19.0.1/24): '" + text + "'");
        }
        if (prefix < 1 || prefix > 32) {
            throw new IllegalArgumentException("prefix length must be 1-32: '" + text + "'");
        }
        Ipv4Cidr cidr = new Ipv4Cidr(address, prefix);
        cidr.checkUsableByHost(text);
        return cidr;
    }

    public int netmask() {
        return (int) (0xFFFF_FFFFL << (32 - prefix));
    }

    public byte[] addressBytes() {
        return bytes(address);
    }

    public byte[] netmaskBytes() {
        return bytes(netmask());
    }

    @Override
    public String toString() {
        return dotted(address) + "/" + prefix;
    }

    /** {@code a.b.c.d} without the prefix. */
    public String addressText() {
        return dotted(address);
    }

    private void checkUsableByHost(String text) {
        int first = address >>> 24;
        if (first == 0 || first == 127 || first >= 224) {
            throw new IllegalArgumentException("not a usable interface address (0/8, loopback, multicast or reserved): '" + text + "'");
        }
        if (prefix <= 30) {
            int host = address & ~netmask();
            if (host == 0 || host == ~netmask()) {
                throw new IllegalArgumentException("that is the " + (host == 0 ? "network" : "broadcast")
                        + " address of the subnet, not a host address: '" + text + "'");
            }
        }
    }

    private static int parseAddress(String dotted, String text) {
        String[] parts = dotted.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address (want four numbers like 198.19.0.1): '" + text + "'");
        }
        int address = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("not an IPv4 address (want four numbers like 198.19.0.1): '" + text + "'");
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                throw new IllegalArgumentException("IPv4 address part above 255: '" + text + "'");
            }
            address = (address << 8) | octet;
        }
        return address;
    }

    private static byte[] bytes(int value) {
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    private static String dotted(int value) {
        return (value >>> 24) + "." + ((value >>> 16) & 0xFF) + "." + ((value >>> 8) & 0xFF) + "." + (value & 0xFF);
    }
}
