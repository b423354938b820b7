package dev.vswitch.vport.values;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vswitch.protocol.MacAddress;
import dev.vswitch.protocol.Mtu;
import org.junit.jupiter.api.Test;

class OptionValuesTest {

    @Test
    void mtuRangeIsMinTapMtuTo9000() {
        assertEquals(Mtu.MIN_TAP_MTU, OptionValues.mtu(Integer.toString(Mtu.MIN_TAP_MTU)));
        assertEquals(9000, OptionValues.mtu("9000"));
        assertEquals(1438, OptionValues.mtu(" 1438 "));
        assertMessage(() -> OptionValues.mtu("575"), "MTU out of range (want 576-9000): 575");
        assertMessage(() -> OptionValues.mtu("9001"), "MTU out of range (want 576-9000): 9001");
        assertMessage(() -> OptionValues.mtu("big"), "not a MTU (want 576-9000): 'big'");
    }

    @Test
    void portsAre1To65535() {
        assertEquals(1, OptionValues.port("1"));
        assertEquals(65535, OptionValues.port("65535"));
        assertMessage(() -> OptionValues.port("0"), "port out of range");
        assertMessage(() -> OptionValues.port("-1"), "port out of range");
        assertMessage(() -> OptionValues.port("99999999999"), "not a port");
    }

    @Test
    void secondsArePositive() {
        assertEquals(5, OptionValues.seconds("5"));
        assertMessage(() -> OptionValues.seconds("0"), "number of seconds out of range (want 1-86400): 0");
    }

    @Test
    void macMustBeAUsableUnicastAddress() {
        assertEquals(0x02005e100001L, OptionValues.unicastMac("02:00:5e:10:00:01"));
        assertEquals(0x02005e100001L, OptionValues.unicastMac("02-00-5E-10-00-01"));
        assertMessage(() -> OptionValues.unicastMac("01:00:5e:00:00:01"), "not a unicast MAC address");
        assertMessage(() -> OptionValues.unicastMac("ff:ff:ff:ff:ff:ff"), "not a unicast MAC address");
        assertMessage(() -> OptionValues.unicastMac("00:00:00:00:00:00"), "not a unicast MAC address");
        assertMessage(() -> OptionValues.unicastMac("02:00:5e:10:00"), "not a MAC address");
        assertTrue(MacAddress.isValidSource(OptionValues.unicastMac("00:16:3e:00:00:01")));
    }

    @Test
    void interfaceNamesFollowTheKernelsRules() {
        assertEquals("tapyuan", InterfaceName.validate("tapyuan"));
        assertEquals("vsw-tap.0_a", InterfaceName.validate("vsw-tap.0_a"));
        assertEquals("a23456789012345", InterfaceName.validate("a23456789012345"));
        assertMessage(() -> InterfaceName.validate("a234567890123456"), "1-15 characters");
        assertMessage(() -> InterfaceName.validate(""), "1-15 characters");
        assertMessage(() -> InterfaceName.validate("tap/0"), "may not contain '/'");
        assertMessage(() -> InterfaceName.validate("tap:0"), "may not contain ':'");
        assertMessage(() -> InterfaceName.validate("tap 0"), "may not contain ' '");
        assertMessage(() -> InterfaceName.validate("täp"), "may not contain 'ä'");
        assertMessage(() -> InterfaceName.validate(".."), "not an interface name");
    }

    private static void assertMessage(Runnable parse, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, parse::run);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
