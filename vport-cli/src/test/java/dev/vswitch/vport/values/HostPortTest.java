package dev.vswitch.vport.values;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vswitch.vport.ExitCode;
import dev.vswitch.vport.VportException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostPortTest {

    @ParameterizedTest
    @CsvSource({
        "127.0.0.1:9999, 127.0.0.1, 9999",
        "switch.example:1, switch.example, 1",
        "[::1]:9999, ::1, 9999",
        "'  [fe80::1%eth0]:65535 ', fe80::1%eth0, 65535",
    })
    void parsesHostColonPort(String text, String host, int port) {
        assertEquals(new HostPort(host, port), HostPort.parse(text));
    }

    @Test
    void acceptsTheSeedsSeparateHostAndPort() {
        assertEquals(new HostPort("localhost", 9999), HostPort.of("localhost", "9999"));
        assertEquals(new HostPort("::1", 9999), HostPort.of("[::1]", "9999"));
        assertEquals(new HostPort("::1", 9999), HostPort.of("::1", "9999"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "localhost          | HOST:PORT",
        "::1:9999           | brackets",
        "[::1]9999          | brackets",
        "[::1               | brackets",
        "host:0             | port out of range (want 1-65535): 0",
        "host:65536         | port out of range",
        "host:http          | not a port (want 1-65535)",
        ":9999              | not a host name",
        "a b:9999           | not a host name",
    })
    void rejectsMalformedAddressesWithAReadableReason(String text, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostPort.parse(text));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @Test
    void printsInAFormThatParsesBack() {
        for (String text : new String[] {"[::1]:9999", "10.1.1.1:5", "name:7"}) {
            assertEquals(text, HostPort.parse(text).toString());
            assertEquals(HostPort.parse(text), HostPort.parse(HostPort.parse(text).toString()));
        }
    }

    @Test
    void knowsIpLiteralsFromNames() {
        assertTrue(HostPort.parse("127.0.0.1:1").isLiteral());
        assertTrue(HostPort.parse("[::1]:1").isLiteral());
        assertFalse(HostPort.parse("localhost:1").isLiteral());
        assertFalse(HostPort.parse("switch1.example:1").isLiteral());
    }

    @Test
    void resolvesLiteralsWithoutDns() {
        assertEquals("127.0.0.1", HostPort.parse("127.0.0.1:9").resolve().getAddress().getHostAddress());
        assertEquals(9, HostPort.parse("127.0.0.1:9").resolve().getPort());
    }

    @Test
    void anUnresolvableNameIsItsOwnExitCode() {
        VportException e = assertThrows(VportException.class, () -> HostPort.parse("no-such-switch.invalid:9999").resolve());
        assertEquals(ExitCode.UNKNOWN_HOST, e.exitCode());
        assertTrue(e.getMessage().contains("no-such-switch.invalid"), e.getMessage());
    }
}
