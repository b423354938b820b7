package dev.vswitch.vport.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each TAP failure a user can meet gets its own exit code and one line of advice, checked on the packaged jar. */
class TapErrorsIT {

    private static final Duration EXIT = Duration.ofSeconds(30);

    private NetworkNamespace namespace;

    @BeforeEach
    void createNamespace() {
        RootRequirement.assumeRootWithTun("ip", "setpriv", "unshare");
        namespace = NetworkNamespace.create();
    }

    @AfterEach
    void deleteNamespace() {
        if (namespace != null) {
            namespace.close();
        }
    }

    @Test
    void withoutCapNetAdminItIsExit3WithTheFix() throws Exception {
        List<String> dropNetAdmin = List.of("setpriv", "--inh-caps=-net_admin", "--bounding-set=-net_admin");
        BackgroundProcess vport = namespace.start("vport", Vports.vport(dropNetAdmin, "connect", "--legacy", "127.0.0.1:9", "--tap", "vsw0"));
        assertEquals(3, vport.awaitExit(EXIT), vport.describe());
        assertOneLine(vport, "not permitted to create TAP device vsw0 (needs CAP_NET_ADMIN)");
        assertTrue(vport.stderr().contains("sudo") && vport.stderr().contains("--ambient-caps=+net_admin"), vport.describe());
    }

    @Test
    void withoutDevNetTunItIsExit4WithTheFix() throws Exception {
        // A private mount namespace with an empty /dev/net: the device node is missing, as without the driver.
        List<String> hideTun = List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
                "mount -t tmpfs none /dev/net && exec \"$0\" \"$@\"");
        BackgroundProcess vport = namespace.start("vport", Vports.vport(hideTun, "connect", "--legacy", "127.0.0.1:9", "--tap", "vsw0"));
        assertEquals(4, vport.awaitExit(EXIT), vport.describe());
        assertOneLine(vport, "no /dev/net/tun");
        assertTrue(vport.stderr().contains("modprobe tun"), vport.describe());
    }

    @Test
    void aNameTakenByAnotherKindOfInterfaceIsExit5() throws Exception {
        namespace.ip("link", "add", "vsw0", "type", "veth", "peer", "name", "vsw0-peer");
        BackgroundProcess vport = namespace.start("vport", Vports.vport("connect", "--legacy", "127.0.0.1:9", "--tap", "vsw0"));
        assertEquals(5, vport.awaitExit(EXIT), vport.describe());
        assertOneLine(vport, "interface vsw0 already exists and is not a TAP device");
    }

    @Test
    void aTapInUseByAnotherVportIsExit5AndTheFirstKeepsRunning() throws Exception {
        BackgroundProcess first = namespace.start("vport-1", Vports.vport("connect", "--legacy", "127.0.0.1:9", "--tap", "vsw0"));
        first.awaitOutput("vport: vsw0 (", EXIT);
        BackgroundProcess second = namespace.start("vport-2", Vports.vport("connect", "--legacy", "127.0.0.1:9", "--tap", "vsw0"));
        assertEquals(5, second.awaitExit(EXIT), second.describe());
        assertOneLine(second, "TAP device vsw0 is in use by another process");
        assertEquals(0, first.stop(), first.describe());
    }

    private static void assertOneLine(BackgroundProcess vport, String expected) {
        List<String> lines = vport.stderr().lines().filter(line -> !line.isBlank()).toList();
        assertEquals(1, lines.size(), vport.describe());
        assertTrue(lines.get(0).startsWith("vport: error: ") && lines.get(0).contains(expected), vport.describe());
        assertFalse(vport.stderr().contains("\tat "), vport.describe());
    }
}
