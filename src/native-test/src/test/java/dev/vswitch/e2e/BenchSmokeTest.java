package dev.vswitch.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The end-to-end benchmark, {@code bench/netns-bench.sh}, run as a user runs it but kept short: vswitch's plain mode
 * against a direct veth and the user-space peers VDE and n2n; and vswitch's secure mode on the underlay that drops IP
 * fragments (the script itself fails when fragments still get through). Its figures are not judged here (a loaded CI machine
 * says nothing about speed); what is checked is that every path carried pings and TCP both ways, that the report
 * holds the processes' figures and the ratios, and that nothing is left behind, so the script cannot rot unseen.
 */
class BenchSmokeTest {

    private static final String SCRIPT = Artifacts.repo().resolve("bench").resolve("netns-bench.sh").toString();
    private static final int PINGS = 10;
    /** Commands the benchmark runs beyond the end-to-end tests' own, with the Debian package that has each. */
    private static final Map<String, String> TOOLS = new TreeMap<>(Map.of("iperf3", "iperf3", "curl", "curl",
            "vde_switch", "vde2", "vde_plug2tap", "vde2", "supernode", "n2n", "edge", "n2n", "nft", "nftables"));

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aQuickRunMeasuresEveryPathAndLeavesNothingBehind() throws Exception {
        NetnsSupport.require();
        requireTools();
        // timeout's SIGTERM lets the script clean up after itself, which a kill from here would not
        Command.Result run = Command.run(Duration.ofMinutes(4), List.of("timeout", "-s", "TERM", "210", "bash", SCRIPT,
                "--no-build", "--quick", "--modes", "plain", "--baselines", "direct,vde,n2n", "--udp-rates", "",
                "--pings", String.valueOf(PINGS), "--warmup", "0", "--tcp-seconds", "1")).orFail();

        JsonNode result = resultLine(run);
        assertEquals("lab", result.path("settings").path("underlay").asText(), run.toString());
        for (String path : List.of("direct", "vde", "n2n", "plain")) {
            JsonNode measured = result.path("paths").path(path);
            assertEveryPingAnswered(measured.path("ping"), path + " answered every ping\n" + run);
            assertTrue(measured.path("tcp_fwd").path("mbit_s").asDouble() > 0, path + " carried TCP 1->2\n" + run);
            assertTrue(measured.path("tcp_rev").path("mbit_s").asDouble() > 0, path + " carried TCP 2->1\n" + run);
        }
        JsonNode plain = result.path("paths").path("plain");
        assertTrue(plain.path("tcp_fwd").path("window").path("switch_frames").asLong() > 0, "the switch's own count");
        for (String path : List.of("vde", "n2n", "plain")) {
            for (String role : List.of("switch", "vport1", "vport2")) {
                assertTrue(result.path("paths").path(path).path("processes").path(role).path("peak_rss_mb").asDouble() > 0,
                        path + " " + role + " has its peak RSS in the report");
            }
        }
        for (String ratio : List.of("plain/direct", "plain/vde", "plain/n2n")) {
            assertTrue(result.path("ratios").path(ratio).path("tcp_fwd").asDouble() > 0, ratio + " in the report");
        }
        String namespaces = Command.run(Duration.ofSeconds(10), List.of("ip", "netns", "list")).orFail().output();
        assertFalse(namespaces.contains("vsb-"), "the benchmark removed its namespaces:\n" + namespaces);
    }

    /**
     * Secure mode without offload and with the default, --offload=auto, whose vports must find that the path does not
     * carry their large datagrams. n2n is left out: its 1400-byte MTU plus its own header needs fragments, so it carries
     * no TCP there.
     */
    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aQuickRunOnAnUnderlayThatDropsFragments() throws Exception {
        NetnsSupport.require();
        requireTools();
        Command.Result run = Command.run(Duration.ofMinutes(3), List.of("timeout", "-s", "TERM", "170", "bash", SCRIPT,
                "--no-build", "--quick", "--modes", "secure,auto", "--baselines", "direct", "--udp-rates", "",
                "--pings", String.valueOf(PINGS), "--warmup", "0", "--tcp-seconds", "1", "--underlay", "no-fragments"))
                .orFail();

        JsonNode result = resultLine(run);
        assertEquals("no-fragments", result.path("settings").path("underlay").asText(), run.toString());
        assertTrue(run.output().contains("underlay drops IP fragments"), run.toString());
        for (String mode : List.of("secure", "auto")) {
            JsonNode measured = result.path("paths").path(mode);
            assertEveryPingAnswered(measured.path("ping"), mode + " answered every ping\n" + run);
            assertTrue(measured.path("tcp_fwd").path("mbit_s").asDouble() > 0, mode + " carried TCP 1->2\n" + run);
            assertTrue(measured.path("tcp_rev").path("mbit_s").asDouble() > 0, mode + " carried TCP 2->1\n" + run);
        }
        for (String vport : List.of("vport1", "vport2")) {
            JsonNode offload = result.path("paths").path("auto").path("offload").path(vport);
            assertEquals("unproven", offload.path("path").asText(), vport + " found the path drops its probes\n" + run);
            assertTrue(offload.path("probes_sent").asLong() > 0, vport + " probed the path\n" + run);
        }
    }

    /**
     * At least {@link #PINGS} replies, and none lost: with {@code -c} and {@code -w} ping keeps sending until that many
     * replies came, so late replies on a busy machine make it send a few more, whose replies may still be on their way
     * when it stops; a request before the last one answered that got no reply is lost.
     */
    private static void assertEveryPingAnswered(JsonNode ping, String message) {
        assertTrue(ping.path("received").asInt() >= PINGS && ping.path("lost").asInt(-1) == 0, ping + ": " + message);
    }

    @Test
    void wrongOptionsGetAOneLineReasonAndExitCode2() {
        assertRefused("--hosts wants an even number", "--hosts", "3");
        assertRefused("--baselines takes direct, vde, n2n and/or vxlan, got 'tinc'", "--baselines", "direct,tinc");
        assertRefused("--ping-interval wants an integer from 1 to 1000, got '0'", "--ping-interval", "10,0");
        assertRefused("--underlay takes lab or no-fragments, got 'internet'", "--underlay", "internet");
        Command.Result help = Command.run(Duration.ofSeconds(30), List.of("bash", SCRIPT, "--help")).orFail();
        assertTrue(help.output().contains("--baselines LIST"), help.toString());
    }

    private static void assertRefused(String reason, String... options) {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT));
        command.addAll(List.of(options));
        Command.Result refused = Command.run(Duration.ofSeconds(30), command);
        assertEquals(2, refused.exitCode(), refused.toString());
        String said = refused.output().strip();
        assertTrue(said.startsWith("netns-bench: " + reason) && !said.contains("\n"), refused.toString());
    }

    private static JsonNode resultLine(Command.Result run) throws Exception {
        for (String line : run.output().split("\n")) {
            if (line.startsWith("RESULT ")) {
                return new ObjectMapper().readTree(line.substring("RESULT ".length()));
            }
        }
        return Assertions.fail("no RESULT line in the benchmark's output:\n" + run);
    }

    /** Missing tools skip the test on a developer's machine; with VSWITCH_REQUIRE_TOOLS=1 (CI) they fail it. */
    private static void requireTools() {
        List<String> missing = NetnsSupport.missingCommands(TOOLS);
        if (!missing.isEmpty()) {
            NetnsSupport.skipOrFail("VSWITCH_REQUIRE_TOOLS", "the benchmark's smoke test needs " + String.join(", ", missing));
        }
    }
}
