package dev.vswitch.server;

import dev.vswitch.server.VswitchMain.Launch;
import dev.vswitch.server.VswitchMain.Launch.Action;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line, read before anything starts (the packaged program: SwitchCommandLineIT). */
class VswitchMainTest {

    @Test
    void helpAndVersionWinWherePresent() {
        assertEquals(Action.HELP, Launch.parse("--help").action());
        assertEquals(Action.HELP, Launch.parse("-Dvswitch.port=1", "-h").action());
        assertEquals(Action.VERSION, Launch.parse("--version").action());
        assertEquals(Action.VERSION, Launch.parse("-V").action());
    }

    @Test
    void settingsAreNameValuePairs() {
        Launch launch = Launch.parse("-Dvswitch.port=10000", "-Dvswitch.public-endpoint=sw.example:10000", "-Dempty=");
        assertEquals(Action.RUN, launch.action());
        assertEquals(Map.of("vswitch.port", "10000", "vswitch.public-endpoint", "sw.example:10000", "empty", ""),
                launch.settings());
        assertEquals(Action.RUN, Launch.parse().action());
    }

    @Test
    void anythingElseIsRefusedByName() {
        for (String wrong : new String[] {"--port", "start", "-D", "-D=1", "-Dnovalue"}) {
            Launch launch = Launch.parse(wrong);
            assertEquals(Action.REFUSE, launch.action(), wrong);
            assertEquals("unknown argument '" + wrong + "'", launch.error());
        }
    }

    @Test
    void theUsageNamesTheVersionAndEveryMainSetting() {
        String usage = VswitchMain.usage();
        assertTrue(usage.contains("vswitch " + VswitchMain.version()), usage);
        assertTrue(!usage.contains("@VERSION@"), usage);
    }
}
