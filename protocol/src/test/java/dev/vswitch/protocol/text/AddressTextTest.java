package dev.vswitch.protocol.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class AddressTextTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            # Java's full form in, RFC 5952's form out; the RFC's own examples are marked with their section.
            0:0:0:0:0:0:0:0                          | ::
            0:0:0:0:0:0:0:1                          | ::1
            1:0:0:0:0:0:0:0                          | 1::
            2001:0db8:0000:0000:0000:0000:0000:0001  | 2001:db8::1
            2001:db8:0:0:0:0:2:1                     | 2001:db8::2:1
            2001:db8:0:1:1:1:1:1                     | 2001:db8:0:1:1:1:1:1
            2001:0:0:1:0:0:0:1                       | 2001:0:0:1::1
            2001:db8:0:0:1:0:0:1                     | 2001:db8::1:0:0:1
            2001:DB8:0:0:0:0:0:AAAA                  | 2001:db8::aaaa
            2001:db8:aaaa:bbbb:cccc:dddd:eeee:0001   | 2001:db8:aaaa:bbbb:cccc:dddd:eeee:1
            2001:db8:0:0:0:0:0:0                     | 2001:db8::
            0:0:0:0:1:0:0:0                          | ::1:0:0:0
            fe80:0:0:0:0:0:0:0                       | fe80::
            ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff  | ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff
            0:0:0:0:0:0:c000:201                     | ::c000:201
            """)
    void ipv6InItsShortestForm(String given, String expected) throws UnknownHostException {
        assertEquals(expected, AddressText.address(InetAddress.getByName(given)));
    }

    @Test
    void ipv4StaysDottedDecimal() throws UnknownHostException {
        assertEquals("198.18.1.1", AddressText.address(InetAddress.getByName("198.18.1.1")));
    }

    @Test
    void anIpv4MappedAddressEndsInDottedDecimal() throws UnknownHostException {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 1};
        // InetAddress.getByAddress would turn these bytes into an Inet4Address; a dual-stack socket reports this form.
        Inet6Address address = Inet6Address.getByAddress(null, mapped, null);
        assertEquals("::ffff:192.0.2.1", AddressText.address(address));
        assertEquals("[::ffff:192.0.2.1]:9999", AddressText.endpoint(new InetSocketAddress(address, 9999)));
    }

    @Test
    void aScopeIsKept() throws UnknownHostException {
        byte[] linkLocal = InetAddress.getByName("fe80::1").getAddress();
        assertEquals("fe80::1%3", AddressText.address(Inet6Address.getByAddress(null, linkLocal, 3)));
    }

    @Test
    void endpointsBracketIpv6AndKeepUnresolvedNames() throws UnknownHostException {
        assertEquals("[::1]:9999", AddressText.endpoint(new InetSocketAddress(InetAddress.getByName("::1"), 9999)));
        assertEquals("[2001:db8::1:0:0:1]:53",
                AddressText.endpoint(new InetSocketAddress(InetAddress.getByName("2001:db8:0:0:1:0:0:1"), 53)));
        assertEquals("198.18.1.1:9", AddressText.endpoint(new InetSocketAddress(InetAddress.getByName("198.18.1.1"), 9)));
        assertEquals("switch.lan:9999", AddressText.endpoint(InetSocketAddress.createUnresolved("switch.lan", 9999)));
    }
}
