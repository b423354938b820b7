package dev.vswitch.vport.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vswitch.vport.ExitCode;
import dev.vswitch.vport.VportException;
import dev.vswitch.vport.values.HostPort;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The switches of {@code vport connect}: one, several as separate arguments or comma lists, or the seed's HOST PORT. */
class HostPortArgumentsTest {

    private static final HostPort A = new HostPort("198.18.1.1", 9999);
    private static final HostPort B = new HostPort("198.18.1.1", 10000);
    private static final HostPort C = new HostPort("sw3.example", 9999);

    @Test
    void oneSwitch() {
        assertEquals(List.of(A), HostPortArguments.parseList(List.of("198.18.1.1:9999")));
        assertEquals(List.of(new HostPort("::1", 9999)), HostPortArguments.parseList(List.of("[::1]:9999")));
        assertEquals(List.of(), HostPortArguments.parseList(List.of()));
    }

    @Test
    void severalSwitchesKeepTheirOrderWhetherSeparateOrCommaSeparated() {
        assertEquals(List.of(A, B, C), HostPortArguments.parseList(List.of("198.18.1.1:9999", "198.18.1.1:10000", "sw3.example:9999")));
        assertEquals(List.of(A, B, C), HostPortArguments.parseList(List.of("198.18.1.1:9999,198.18.1.1:10000,sw3.example:9999")));
        assertEquals(List.of(C, A, B), HostPortArguments.parseList(List.of("sw3.example:9999", " 198.18.1.1:9999 , 198.18.1.1:10000")));
        assertEquals(List.of(A, new HostPort("fd00::2", 9999)), HostPortArguments.parseList(List.of("198.18.1.1:9999,[fd00::2]:9999")));
    }

    @Test
    void aSwitchGivenTwiceCountsOnce() {
        assertEquals(List.of(A, B), HostPortArguments.parseList(List.of("198.18.1.1:9999", "198.18.1.1:10000,198.18.1.1:9999")));
    }

    @Test
    void twoArgumentsAreTheSeedsHostAndPortWhenTheFirstHasNoPort() {
        assertEquals(List.of(A), HostPortArguments.parseList(List.of("198.18.1.1", "9999")));
        assertEquals(List.of(new HostPort("::1", 9999)), HostPortArguments.parseList(List.of("[::1]", "9999")));
        assertEquals(List.of(new HostPort("::1", 9999)), HostPortArguments.parseList(List.of("::1", "9999")));
        assertEquals(List.of(new HostPort("switch.lan", 9999)), HostPortArguments.parseList(List.of("switch.lan", "9999")));
    }

    @Test
    void aBarePortAfterAHostPortIsAnErrorNotASecondSwitch() {
        VportException error = assertThrows(VportException.class,
                () -> HostPortArguments.parseList(List.of("198.18.1.1:9999", "10000")));
        assertEquals(ExitCode.BAD_VALUE, error.exitCode());
        assertTrue(error.getMessage().contains("not HOST:PORT") && error.getMessage().endsWith(": 10000"), error.getMessage());
    }

    @Test
    void emptyEntriesAndBadAddressesAreBadValues() {
        for (List<String> bad : List.of(List.of("198.18.1.1:9999,"), List.of(",198.18.1.1:9999"), List.of("a:1,,b:2"),
                List.of("198.18.1.1:9999", ""), List.of("198.18.1.1:9999,host"), List.of("a:1", "b:0"), List.of("a:1", "::1:9999"),
                List.of("a", "b", "c"))) {
            VportException error = assertThrows(VportException.class, () -> HostPortArguments.parseList(bad), bad.toString());
            assertEquals(ExitCode.BAD_VALUE, error.exitCode(), bad.toString());
        }
        VportException empty = assertThrows(VportException.class, () -> HostPortArguments.parseList(List.of("a:1,,b:2")));
        assertEquals("empty entry in the switch list 'a:1,,b:2' (HOST:PORT,HOST:PORT)", empty.getMessage());
    }

    @Test
    void aTokenMayNameSeveralReplicas() {
        assertEquals(List.of(A, B), HostPortArguments.parseCommaListOrThrow("198.18.1.1:9999,198.18.1.1:10000"));
        assertThrows(IllegalArgumentException.class, () -> HostPortArguments.parseCommaListOrThrow(""));
        assertThrows(IllegalArgumentException.class, () -> HostPortArguments.parseCommaListOrThrow("switch-without-port"));
    }
}
