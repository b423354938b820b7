package dev.vswitch.bench;

import dev.vswitch.switching.FloodLimit;
import dev.vswitch.switching.ForwardingDecision;
import dev.vswitch.switching.L2Safety;
import dev.vswitch.switching.SwitchSettings;
import dev.vswitch.switching.VirtualSwitch;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Frames per second through the pure forwarding decision (learn the source, look up the destination)
 * with 10, 1 000 and 100 000 MACs spread over 1 000 ports; no I/O.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class ForwardingBenchmark {

    private static final int PORTS = 1000;
    private static final long BASE_MAC = 0x02_00_00_00_00_00L;

    @Param({"10", "1000", "100000"})
    public int macs;

    private VirtualSwitch<Integer> network;
    private final ForwardingDecision<Integer> decision = new ForwardingDecision<>();
    private Integer[] endpoints;
    private int next;
    private long now;

    @Setup
    public void setUp() {
        FloodLimit unlimited = new FloodLimit(1e12, Integer.MAX_VALUE);
        network = new VirtualSwitch<>("bench", new SwitchSettings(1518, Duration.ofSeconds(300), Duration.ofSeconds(300),
                macs, PORTS, new L2Safety(macs, Duration.ZERO, Duration.ZERO, unlimited, unlimited, unlimited)));
        endpoints = new Integer[PORTS];
        for (int i = 0; i < PORTS; i++) {
            endpoints[i] = i;
        }
        for (int i = 0; i < macs; i++) {
            network.forward(endpoints[i % PORTS], 64, BASE_MAC | 0xFFFFFF, BASE_MAC | i, 0, decision);
        }
    }

    @Benchmark
    public ForwardingDecision<Integer> forwardKnownUnicast() {
        int source = next;
        int destination = (next * 7 + 1) % macs;
        next = (next + 1) % macs;
        now += 1000;
        return network.forward(endpoints[source % PORTS], 1400, BASE_MAC | destination, BASE_MAC | source, now, decision);
    }
}
