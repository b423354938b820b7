package dev.vswitch.vport.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** The byte layout of {@code struct ifreq} as the kernel reads it (x86-64 and AArch64 are little-endian). */
class IfreqTest {

    @Test
    void isFortyBytesWithANulTerminatedName() {
        Ifreq ifreq = new Ifreq().reset("tapyuan");
        ByteBuffer bytes = ifreq.buffer();
        assertEquals(40, bytes.capacity());
        assertEquals("tapyuan", ifreq.name());
        assertEquals('t', bytes.get(0));
        assertEquals('n', bytes.get(6));
        assertEquals(0, bytes.get(7));
    }

    @Test
    void resetClearsWhatTheLastRequestLeft() {
        Ifreq ifreq = new Ifreq().reset("a-long-name-xyz").mtu(-1);
        ifreq.reset("ab");
        for (int i = 2; i < Ifreq.SIZE; i++) {
            assertEquals(0, ifreq.buffer().get(i), "byte " + i);
        }
    }

    @Test
    void tunSetIffFlagsAreANativeShortAfterTheName() {
        Ifreq ifreq = new Ifreq().reset("tap0").flags((short) (Ifreq.IFF_TAP | Ifreq.IFF_NO_PI));
        assertEquals((short) 0x1002, ifreq.buffer().order(ByteOrder.nativeOrder()).getShort(16));
        assertEquals(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? 0x02 : 0x10, ifreq.buffer().get(16));
    }

    @Test
    void mtuIsANativeIntAfterTheName() {
        Ifreq ifreq = new Ifreq().reset("tap0").mtu(1438);
        assertEquals(1438, ifreq.buffer().order(ByteOrder.nativeOrder()).getInt(16));
        assertEquals(1438, ifreq.mtu());
    }

    @Test
    void ipv4IsASockaddrInWithTheAddressInNetworkOrder() {
        Ifreq ifreq = new Ifreq().reset("tap0").ipv4(0xC6130001); // 198.19.0.1
        ByteBuffer bytes = ifreq.buffer();
        assertEquals(2, bytes.order(ByteOrder.nativeOrder()).getShort(16), "sin_family AF_INET");
        assertEquals(0, bytes.getShort(18), "sin_port");
        assertEquals((byte) 198, bytes.get(20));
        assertEquals(19, bytes.get(21));
        assertEquals(0, bytes.get(22));
        assertEquals(1, bytes.get(23));
    }

    @Test
    void hardwareAddressIsEtherFamilyThenSixBytes() {
        Ifreq ifreq = new Ifreq().reset("tap0").hardwareAddress(0x02005e100001L);
        ByteBuffer bytes = ifreq.buffer();
        assertEquals(1, bytes.order(ByteOrder.nativeOrder()).getShort(16), "sa_family ARPHRD_ETHER");
        byte[] expected = {0x02, 0x00, 0x5e, 0x10, 0x00, 0x01};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], bytes.get(18 + i), "sa_data[" + i + "]");
        }
        assertEquals(0x02005e100001L, ifreq.hardwareAddress());
    }

    @Test
    void ioctlNumbersAreTheKernelsOnes() {
        assertEquals(0x400454caL, TapDevice.TUNSETIFF);
        assertEquals(0x8913, InterfaceConfigurator.SIOCGIFFLAGS);
        assertEquals(0x8914, InterfaceConfigurator.SIOCSIFFLAGS);
        assertEquals(0x8916, InterfaceConfigurator.SIOCSIFADDR);
        assertEquals(0x891c, InterfaceConfigurator.SIOCSIFNETMASK);
        assertEquals(0x8922, InterfaceConfigurator.SIOCSIFMTU);
        assertEquals(0x8924, InterfaceConfigurator.SIOCSIFHWADDR);
        assertEquals(0x8927, InterfaceConfigurator.SIOCGIFHWADDR);
    }
}
