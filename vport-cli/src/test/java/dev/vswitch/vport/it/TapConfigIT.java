package dev.vswitch.vport.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged vport creating and configuring a real TAP device, checked with {@code ip}, inside a network
 * namespace of the test's own. The switch address is a closed port on the namespace's loopback: these
 * tests are about the TAP, and a silent switch must not disturb it.
 */
class TapConfigIT {

    private static final Duration STARTUP = Duration.ofSeconds(30);

    private NetworkNamespace namespace;

    @BeforeEach
    void createNamespace() {
        RootRequirement.assumeRootWithTun("ip");
        namespace = NetworkNamespace.create();
    }

    @AfterEach
    void deleteNamespace() {
        if (namespace != null) {
            namespace.close();
        }
    }

    @Test
    void configuresAddressMtuAndMacAndRemovesTheTapOnSigterm() throws Exception {
        BackgroundProcess vport = namespace.start("vport", Vports.vport("connect", "--legacy", "127.0.0.1:9",
                "--tap", "vsw0", "--ip", "198.18.0.1/24", "--mtu", "1400", "--mac", "02:00:5e:10:00:01"));
        vport.awaitOutput("vport: vsw0 (02:00:5e:10:00:01) mtu 1400 up, 198.18.0.1/24 -> switch 127.0.0.1:9", STARTUP);

        String link = namespace.ip("-d", "-j", "addr", "show", "dev", "vsw0");
        assertTrue(link.contains("\"info_kind\":\"tun\"") && link.contains("\"type\":\"tap\""), "a TAP device: " + link);
        assertTrue(link.contains("\"mtu\":1400"), link);
        assertTrue(link.contains("\"address\":\"02:00:5e:10:00:01\""), link);
        assertTrue(link.contains("\"UP\""), link);
        assertTrue(link.contains("\"family\":\"inet\",\"local\":\"198.18.0.1\",\"prefixlen\":24,\"broadcast\":\"198.18.0.255\""), link);

        assertEquals(0, vport.stop(), vport.describe());
        assertTrue(vport.stdout().contains("vport: stopped; to switch"), vport.describe());
        assertNotEquals(0, namespace.exec("ip", "link", "show", "vsw0").exitCode(), "the TAP is gone once vport exits");
    }

    @Test
    void withoutOptionsTheSeedsFormBringsUpTapyuanWithTheKernelsMac() throws Exception {
        BackgroundProcess vport = namespace.start("vport", Vports.vport("127.0.0.1", "9"));
        vport.awaitOutput("-> switch 127.0.0.1:9", STARTUP);

        Matcher startup = Pattern.compile("vport: tapyuan \\(([0-9a-f:]{17})\\) mtu 1438 up, no IPv4 address").matcher(vport.stdout());
        assertTrue(startup.find(), vport.describe());
        String link = namespace.ip("-j", "addr", "show", "dev", "tapyuan");
        assertTrue(link.contains("\"address\":\"" + startup.group(1) + "\""), "the startup line shows the TAP's real MAC: " + link);
        assertTrue(link.contains("\"mtu\":1438"), link);
        assertTrue(link.contains("\"UP\""), link);
        assertFalse(link.contains("\"family\":\"inet\""), "no IPv4 address without --ip: " + link);
        assertEquals(0, vport.stop(), vport.describe());
    }

    @Test
    void framesLongerThanTheMtuAllowsAreDroppedAndCounted() throws Exception {
        BackgroundProcess vport = namespace.start("vport", Vports.vport("connect", "--legacy", "127.0.0.1:9", "--tap", "vsw0", "--ip", "198.18.0.1/24"));
        vport.awaitOutput("mtu 1438 up", STARTUP);
        // Raising the MTU behind vport's back makes the kernel emit frames vport must not send to the switch.
        namespace.ip("link", "set", "vsw0", "mtu", "3000");
        namespace.ip("neigh", "replace", "198.18.0.9", "lladdr", "02:00:5e:10:00:09", "dev", "vsw0");
        namespace.exec("ping", "-c", "1", "-W", "1", "-s", "2500", "198.18.0.9");
        namespace.exec("ping", "-c", "1", "-W", "1", "-s", "1000", "198.18.0.9");

        assertEquals(0, vport.stop(), vport.describe());
        Matcher summary = Pattern.compile("to switch (\\d+) frames/.* dropped .*oversize=1\\b").matcher(vport.stdout());
        assertTrue(summary.find(), "one oversize drop, the 1000-byte ping still sent: " + vport.describe());
        assertTrue(Integer.parseInt(summary.group(1)) >= 1, vport.describe());
    }

    @Test
    void aTapRemovedUnderVportEndsItWithExit1AndOneLine() throws Exception {
        BackgroundProcess vport = namespace.start("vport", Vports.vport("connect", "--legacy", "127.0.0.1:9", "--tap", "vsw0"));
        vport.awaitOutput("mtu 1438 up", STARTUP);
        namespace.ip("link", "del", "vsw0");
        assertEquals(1, vport.awaitExit(STARTUP), vport.describe());
        assertEquals("vport: error: TAP device vsw0 failed or was removed", vport.stderr().strip());
        assertTrue(vport.stdout().contains("vport: stopped;"), "the summary is still printed: " + vport.describe());
    }
}
