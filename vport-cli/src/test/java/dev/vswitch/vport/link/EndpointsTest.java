package dev.vswitch.vport.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vswitch.vport.ExitCode;
import dev.vswitch.vport.VportException;
import dev.vswitch.vport.values.HostPort;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The order in which a vport tries its switches, with a resolver the test controls (no DNS is asked). */
class EndpointsTest {

    /** Names and their addresses, changed by the tests as DNS would change. */
    private final Map<String, List<String>> dns = new HashMap<>();
    private final List<String> lookups = new ArrayList<>();
    private final Endpoints.Resolver resolver = host -> {
        lookups.add(host);
        List<String> addresses = dns.get(host);
        if (addresses == null) {
            throw new UnknownHostException(host);
        }
        List<InetAddress> found = new ArrayList<>();
        for (String address : addresses) {
            found.add(InetAddress.getByName(address)); // literals: no lookup
        }
        return found;
    };

    @Test
    void oneLiteralIsOneEndpointAndMovingOnStaysThere() {
        Endpoints endpoints = Endpoints.resolve(List.of(HostPort.parse("198.18.1.1:9999")), resolver);
        assertFalse(endpoints.several());
        assertEquals("198.18.1.1:9999", endpoints.current().toString());
        assertEquals(endpoints.current(), endpoints.next());
        assertEquals(List.of(), lookups, "a literal is never looked up");
    }

    @Test
    void switchesAreTriedInTheOrderGivenThenFromTheStartAgain() {
        Endpoints endpoints = Endpoints.resolve(List.of(HostPort.parse("198.18.1.1:9999"), HostPort.parse("198.18.2.1:10000"),
                HostPort.parse("[fd00::3]:9999")), resolver);
        assertTrue(endpoints.several());
        assertEquals(List.of("198.18.1.1:9999", "198.18.2.1:10000", "[fd00::3]:9999"), texts(endpoints.all()));
        List<String> order = new ArrayList<>(List.of(endpoints.current().toString()));
        for (int i = 0; i < 5; i++) {
            order.add(endpoints.next().toString());
        }
        assertEquals(List.of("198.18.1.1:9999", "198.18.2.1:10000", "[fd00::3]:9999",
                "198.18.1.1:9999", "198.18.2.1:10000", "[fd00::3]:9999"), order);
    }

    @Test
    void aNameWithSeveralAddressesIsSeveralEndpointsInTheResolversOrder() {
        dns.put("switch.lan", List.of("198.18.1.1", "198.18.2.1", "198.18.3.1"));
        Endpoints endpoints = Endpoints.resolve(List.of(HostPort.parse("switch.lan:9999")), resolver);
        assertTrue(endpoints.several());
        assertEquals(List.of("switch.lan:9999 (198.18.1.1)", "switch.lan:9999 (198.18.2.1)", "switch.lan:9999 (198.18.3.1)"),
                texts(endpoints.all()));
        assertEquals(new HostPort("switch.lan", 9999), endpoints.next().target());
        assertEquals("198.18.2.1", endpoints.current().ip());
    }

    @Test
    void anAddressReachedTwiceIsTriedOnce() {
        dns.put("sw1.lan", List.of("198.18.1.1", "198.18.2.1"));
        Endpoints endpoints = Endpoints.resolve(List.of(HostPort.parse("198.18.2.1:9999"), HostPort.parse("sw1.lan:9999"),
                HostPort.parse("198.18.2.1:9999")), resolver);
        assertEquals(List.of("198.18.2.1:9999", "sw1.lan:9999 (198.18.1.1)"), texts(endpoints.all()));
    }

    @Test
    void afterTheLastTheNamesAreLookedUpAgainAndANewAddressIsFollowed() {
        dns.put("sw1.lan", List.of("198.18.1.1"));
        dns.put("sw2.lan", List.of("198.18.2.1"));
        Endpoints endpoints = Endpoints.resolve(List.of(HostPort.parse("sw1.lan:9999"), HostPort.parse("sw2.lan:9999")), resolver);
        assertEquals(List.of("sw1.lan", "sw2.lan"), lookups);
        dns.put("sw1.lan", List.of("198.18.11.1"));
        assertEquals("sw2.lan:9999 (198.18.2.1)", endpoints.next().toString());
        assertEquals(2, lookups.size(), "no lookup in the middle of a round");
        assertEquals("sw1.lan:9999 (198.18.11.1)", endpoints.next().toString(), "the round starts over with fresh answers");
        assertEquals(4, lookups.size());
    }

    @Test
    void aSingleNameIsFollowedWhenItMoves() {
        dns.put("switch.lan", List.of("198.18.1.1"));
        Endpoints endpoints = Endpoints.resolve(List.of(HostPort.parse("switch.lan:9999")), resolver);
        assertFalse(endpoints.several());
        dns.put("switch.lan", List.of("198.18.5.1"));
        assertEquals("198.18.5.1", endpoints.next().ip());
        assertEquals("198.18.5.1", endpoints.current().ip());
    }

    @Test
    void aNameThatStopsResolvingKeepsItsLastAddresses() {
        dns.put("sw1.lan", List.of("198.18.1.1"));
        dns.put("sw2.lan", List.of("198.18.2.1"));
        Endpoints endpoints = Endpoints.resolve(List.of(HostPort.parse("sw1.lan:9999"), HostPort.parse("sw2.lan:9999")), resolver);
        dns.remove("sw1.lan");
        endpoints.next();
        assertEquals(List.of("sw1.lan:9999 (198.18.1.1)", "sw2.lan:9999 (198.18.2.1)"), texts(List.of(endpoints.next(), endpoints.next())));
    }

    @Test
    void aNameThatDoesNotResolveAtTheStartIsSkippedUntilItDoes() {
        dns.put("sw2.lan", List.of("198.18.2.1"));
        Endpoints endpoints = Endpoints.resolve(List.of(HostPort.parse("sw1.lan:9999"), HostPort.parse("sw2.lan:9999")), resolver);
        assertEquals(List.of("sw2.lan:9999 (198.18.2.1)"), texts(endpoints.all()));
        assertFalse(endpoints.several());
        dns.put("sw1.lan", List.of("198.18.1.1"));
        assertEquals("sw1.lan:9999 (198.18.1.1)", endpoints.next().toString(), "looked up again after the round, first again");
        assertTrue(endpoints.several());
        assertEquals("sw2.lan:9999 (198.18.2.1)", endpoints.next().toString());
    }

    @Test
    void noSwitchThatResolvesIsUnknownHost() {
        VportException error = assertThrows(VportException.class, () -> Endpoints.resolve(
                List.of(HostPort.parse("sw1.lan:9999"), HostPort.parse("sw2.lan:9999")), resolver));
        assertEquals(ExitCode.UNKNOWN_HOST, error.exitCode());
        assertEquals("cannot resolve host 'sw1.lan': check the name, or give an IP address", error.getMessage());
        error = assertThrows(VportException.class, () -> Endpoints.resolve(List.of(HostPort.parse("no-such.invalid:9999")), resolver));
        assertEquals(ExitCode.UNKNOWN_HOST, error.exitCode());
        assertFalse(lookups.contains("no-such.invalid"), "a name under .invalid is never looked up");
    }

    private static List<String> texts(List<Endpoints.Endpoint> endpoints) {
        return endpoints.stream().map(Endpoints.Endpoint::toString).toList();
    }
}
