package dev.vswitch.bench;

import dev.vswitch.protocol.noise.AeadAlgorithm;
import dev.vswitch.protocol.noise.CipherState;
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

import java.nio.ByteBuffer;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Seal and open of one data frame per AEAD and frame size: the benchmark that chose the protocol's AEAD.
 * Throughput in operations (frames) per second; multiply by the frame size for bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class AeadBenchmark {

    @Param({"AES_GCM", "CHACHA_POLY"})
    public AeadAlgorithm algorithm;

    @Param({"64", "512", "1420"})
    public int frameSize;

    /** Where the frames are: the data path's are in direct buffers (sockets, TAP), which the JDK's AES-GCM copies in chunks. */
    @Param({"HEAP", "DIRECT"})
    public Buffers buffers;

    public enum Buffers {
        HEAP, DIRECT;

        ByteBuffer allocate(int capacity) {
            return this == HEAP ? ByteBuffer.allocate(capacity) : ByteBuffer.allocateDirect(capacity);
        }
    }

    private CipherState sender;
    private CipherState receiver;
    private ByteBuffer frame;
    private ByteBuffer sealed;
    private ByteBuffer opened;
    /** Frames sealed under different counters: the JDK's ChaCha20 refuses a key and nonce twice in a row, even to open. */
    private final ByteBuffer[] sealedFrames = new ByteBuffer[16];
    private long counter;

    @Setup
    public void setUp() {
        byte[] key = new byte[32];
        new Random(1).nextBytes(key);
        sender = new CipherState(algorithm);
        sender.initializeKey(key);
        receiver = new CipherState(algorithm);
        receiver.initializeKey(key);
        frame = buffers.allocate(frameSize);
        sealed = buffers.allocate(frameSize + AeadAlgorithm.TAG_LENGTH);
        opened = buffers.allocate(frameSize);
        for (int i = 0; i < sealedFrames.length; i++) {
            sealedFrames[i] = buffers.allocate(frameSize + AeadAlgorithm.TAG_LENGTH);
            sender.seal(i, null, frame.duplicate(), sealedFrames[i]);
            sealedFrames[i].flip();
        }
    }

    @Benchmark
    public int seal() {
        frame.clear();
        sealed.clear();
        return sender.seal(++counter, null, frame, sealed);
    }

    @Benchmark
    public int open() {
        opened.clear();
        int i = (int) (counter++ & (sealedFrames.length - 1));
        return receiver.open(i, null, sealedFrames[i].duplicate(), opened);
    }
}
