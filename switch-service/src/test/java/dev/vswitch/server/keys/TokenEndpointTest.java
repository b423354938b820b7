package dev.vswitch.server.keys;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The warning about join tokens that name a host resolving to loopback here. */
class TokenEndpointTest {

    /** Names as a Debian /etc/hosts answers them: the machine's own name on 127.0.1.1. */
    private static final Map<String, String> HOSTS = Map.of("debian-box", "127.0.1.1", "sw1", "192.0.2.1",
            "sw2", "192.0.2.2", "v6-box", "::1");

    private static InetAddress[] resolve(String host) throws UnknownHostException {
        String address = HOSTS.get(host);
        if (address == null) {
            throw new UnknownHostException(host);
        }
        return new InetAddress[] {InetAddress.getByName(address)};
    }

    @Test
    void aHostNameOnLoopbackIsWarnedAboutWithTheSettingToUse() {
        Optional<String> warning = TokenEndpoint.loopbackWarning("debian-box:9999", TokenEndpointTest::resolve);
        assertTrue(warning.isPresent());
        assertTrue(warning.get().contains("debian-box resolves to 127.0.1.1"), warning.get());
        assertTrue(warning.get().contains("Set vswitch.public-endpoint=HOST:PORT"), warning.get());
    }

    @Test
    void loopbackLiteralsAndIpv6AreWarnedAbout() {
        assertTrue(TokenEndpoint.loopbackWarning("127.0.0.1:9999", InetAddress::getAllByName).isPresent());
        assertTrue(TokenEndpoint.loopbackWarning("[::1]:9999", InetAddress::getAllByName).isPresent());
        assertTrue(TokenEndpoint.loopbackWarning("sw1:9999,v6-box:9999", TokenEndpointTest::resolve).isPresent());
    }

    @Test
    void routableOrUnknownNamesAreNot() {
        assertEquals(Optional.empty(), TokenEndpoint.loopbackWarning("sw1:9999,sw2:9999", TokenEndpointTest::resolve));
        assertEquals(Optional.empty(), TokenEndpoint.loopbackWarning("192.0.2.7:9999", InetAddress::getAllByName));
        assertEquals(Optional.empty(), TokenEndpoint.loopbackWarning("vswitch.example:9999", TokenEndpointTest::resolve),
                "clients may resolve a name this machine cannot");
    }

    @Test
    void hostsAreTakenFromEveryForm() {
        assertEquals("sw1", TokenEndpoint.hostOf("sw1:9999"));
        assertEquals("::1", TokenEndpoint.hostOf("[::1]:9999"));
        assertEquals("fe80::1", TokenEndpoint.hostOf("fe80::1"));
        assertEquals("sw1", TokenEndpoint.hostOf("sw1"));
    }
}
