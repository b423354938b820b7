package dev.vswitch.vport.values;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Ipv4CidrTest {

    @Test
    void splitsAddressAndNetmask() {
        Ipv4Cidr cidr = Ipv4Cidr.parse("198.19.0.1/24");
        assertArrayEquals(new byte[] {(byte) 198, 19, 0, 1}, cidr.addressBytes());
        assertArrayEquals(new byte[] {(byte) 255, (byte) 255, (byte) 255, 0}, cidr.netmaskBytes());
        assertEquals("198.19.0.1/24", cidr.toString());
        assertEquals("198.19.0.1", cidr.addressText());
    }

    @ParameterizedTest
    @CsvSource({"10.1.1.101/8, 255.0.0.0", "10.1.1.101/32, 255.255.255.255", "198.18.0.1/15, 255.254.0.0", "198.18.0.1/31, 255.255.255.254"})
    void computesNetmasks(String text, String netmask) {
        int mask = Ipv4Cidr.parse(text).netmask();
        assertEquals(netmask, (mask >>> 24) + "." + ((mask >>> 16) & 0xFF) + "." + ((mask >>> 8) & 0xFF) + "." + (mask & 0xFF));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "198.19.0.1        | ADDRESS/PREFIX",
        "198.19.0/24       | not an IPv4 address",
        "198.19.0.1.5/24   | not an IPv4 address",
        "198.19.0.x/24     | not an IPv4 address",
        "198.19.0.256/24   | above 255",
        "198.19.0.1/33     | prefix length must be 1-32",
        "198.19.0.1/0      | prefix length must be 1-32",
        "198.19.0.1/x      | prefix length must be a number",
        "198.19.0.0/24     | network address",
        "198.19.0.255/24   | broadcast address",
        "127.0.0.1/8       | not a usable interface address",
        "224.0.0.1/24      | not a usable interface address",
        "tap0/24           | not an IPv4 address",
    })
    void rejectsWithAReason(String text, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ipv4Cidr.parse(text));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }
}
