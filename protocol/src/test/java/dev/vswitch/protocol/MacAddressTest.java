package dev.vswitch.protocol;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MacAddressTest {

    @Test
    void parsesAndFormatsBothWays() {
        long mac = MacAddress.parse("02:00:5E:10:00:0a");
        assertEquals(0x02005E10000AL, mac);
        assertEquals("02:00:5e:10:00:0a", MacAddress.format(mac));
        assertEquals(mac, MacAddress.parse("02-00-5e-10-00-0a"));
        assertArrayEquals(new byte[] {2, 0, 0x5E, 0x10, 0, 0x0A}, MacAddress.toBytes(mac));
    }

    @Test
    void rejectsWhatIsNotAMac() {
        for (String bad : new String[] {"", "02:00:5e:10:00", "02:00:5e:10:00:0a:01", "02:00:5e:10:00:zz", "0200:5e:10:00:0a:1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MacAddress.parse(bad));
            assertTrue(e.getMessage().startsWith("not a MAC address"), e.getMessage());
        }
    }

    @Test
    void classifiesGroupAndSourceAddresses() {
        assertTrue(MacAddress.isGroup(MacAddress.BROADCAST));
        assertTrue(MacAddress.isGroup(0x3333_0000_0001L), "IPv6 multicast");
        assertTrue(MacAddress.isGroup(0x0100_5E00_0001L), "IPv4 multicast");
        assertFalse(MacAddress.isGroup(0x0200_5E10_000AL));
        assertFalse(MacAddress.isValidSource(MacAddress.ZERO));
        assertFalse(MacAddress.isValidSource(MacAddress.BROADCAST));
        assertTrue(MacAddress.isValidSource(0x0200_5E10_000AL));
    }

    @Test
    void randomAddressesAreLocalUnicast() {
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < 1000; i++) {
            long mac = MacAddress.randomLocal(random);
            assertTrue(MacAddress.isValidSource(mac));
            assertEquals(0x02, (mac >>> 40) & 0x03);
        }
    }
}
