package dev.vswitch.vport.plain;

import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.Keepalive;
import dev.vswitch.vport.link.FrameLimits;
import dev.vswitch.vport.link.FrameTrace;
import dev.vswitch.vport.link.LinkCounters;
import dev.vswitch.vport.link.LinkState;
import dev.vswitch.vport.link.LinkThreads;
import dev.vswitch.vport.link.PathProof;
import dev.vswitch.vport.link.StopSignal;
import dev.vswitch.vport.link.SwitchLink;
import dev.vswitch.vport.link.TapReaders;
import dev.vswitch.vport.tap.FrameDevice;
import dev.vswitch.vport.values.HostPort;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A running vport in the seed's plain format: two forwarding threads (TAP to switch, switch to TAP) and a monitor thread for
 * keepalives and liveness. Each forwarding thread owns its direct buffers for its whole life, so forwarding
 * a frame allocates nothing and, without {@code -v}, logs nothing. What the kernel answers to a frame written onto
 * the TAP leaves from the writing thread ({@link TapReaders}). With a TAP that has {@code --offload}
 * the frames go through a {@link PlainOffloadPath}, which knows the TAP's virtio_net_hdr and the offload frames.
 */
public final class Vport implements AutoCloseable, LinkState.Source {

    private final FrameDevice tap;
    private final SwitchLink link;
    private final LinkCounters counters;
    private final SwitchMonitor monitor;
    /** The frames with --offload; null without. */
    private final PlainOffloadPath offloadPath;
    private final FrameTrace trace;
    private final int maxFrameLength;
    private final Duration keepaliveInterval;
    private final TapReaders tapReaders = new TapReaders();
    private final LinkThreads threads;

    /**
     * @param tapMac the TAP's actual MAC, the source of our keepalives
     * @param trace  per-frame trace for {@code -v}, or null
     */
    public Vport(FrameDevice tap, SwitchLink link, LinkCounters counters, Settings settings, long tapMac, FrameTrace trace,
            StopSignal stopSignal) {
        this.tap = tap;
        this.link = link;
        this.counters = counters;
        this.trace = trace;
        this.maxFrameLength = FrameLimits.maxFrameLength(settings.tapMtu());
        this.keepaliveInterval = settings.keepalive();
        this.monitor = new SwitchMonitor(settings.target(), link, counters, tapMac, settings.deadAfter(),
                tap.offload() ? settings.offload() : PathProof.Mode.OFF);
        this.offloadPath = tap.offload()
                ? new PlainOffloadPath(tap, link, counters, maxFrameLength, monitor::switchTakesOffload, monitor.path(), trace)
                : null;
        this.threads = new LinkThreads(tap, tapReaders, this::newTapReader, this::forwardSwitchToTap, stopSignal);
    }

    /**
     * What the vport needs to know beyond its devices.
     *
     * @param offload how a TAP with offload uses offload frames (--offload=auto or on); without, not used
     */
    public record Settings(HostPort target, int tapMtu, Duration keepalive, Duration deadAfter, PathProof.Mode offload) {
    }

    public void start() {
        threads.start();
        threads.monitor().scheduleAtFixedRate(threads.guarded(monitor::sendKeepalive), 0, keepaliveInterval.toMillis(),
                TimeUnit.MILLISECONDS);
        threads.monitor().scheduleWithFixedDelay(threads.guarded(monitor::check), 1, 1, TimeUnit.SECONDS);
        if (monitor.path().mode() == PathProof.Mode.AUTO) {
            threads.monitor().scheduleWithFixedDelay(threads.guarded(
                    () -> monitor.provePath(counters.framesToSwitch() + counters.framesFromSwitch())), 0, 100, TimeUnit.MILLISECONDS);
        }
    }

    /** For {@code vport status}: taken by its own thread once a second. */
    @Override
    public LinkState linkState() {
        return monitor.linkState();
    }

    /** Stops all threads and closes the link; the caller closes the TAP afterwards. */
    @Override
    public void close() throws InterruptedException {
        threads.close(link);
    }

    private void forwardSwitchToTap() {
        PlainOffloadPath.FromSwitch offloaded = offloadPath == null ? null : offloadPath.new FromSwitch();
        ByteBuffer datagram = offloaded == null ? ByteBuffer.allocateDirect(FrameLimits.BUFFER_BYTES) : offloaded.receiveBuffer();
        TapReaders.Reader answers = newTapReader();
        int length;
        while ((length = link.receive(datagram)) >= 0) {
            monitor.heard();
            byte keepalive = Keepalive.kind(datagram, 0, length);
            if (length < EthernetFrame.HEADER_LENGTH) {
                counters.drop(LinkCounters.Drop.RUNT);
            } else if (keepalive == Keepalive.PROBE_REPLY) {
                monitor.probeAnswered();
            } else if (keepalive != 0) {
                counters.keepaliveReceived();
                if (keepalive == Keepalive.REPLY || keepalive == Keepalive.REPLY_OFFLOAD) {
                    monitor.keepaliveReplied(Keepalive.offersOffload(keepalive));
                }
            } else if (offloaded != null) {
                offloaded.deliver(length);
            } else if (deliver(datagram, length)) {
                tapReaders.forwardAnswers(answers);
            }
            if (offloaded != null && !link.datagramWaiting() && offloaded.endOfBatch()) {
                tapReaders.forwardAnswers(answers);
            }
        }
    }

    /** Writes a frame from the switch onto the TAP; true when the TAP took it. */
    private boolean deliver(ByteBuffer frame, int length) {
        if (trace != null) {
            trace.frame("switch->tap", frame, length);
        }
        frame.flip();
        return counters.tapWrite(tap.write(frame), length);
    }

    /** A forwarding thread's own buffers for reading the TAP, as {@link TapReaders} wants them. */
    private TapReaders.Reader newTapReader() {
        return offloadPath != null ? offloadPath.new ToSwitch() : new PlainReader();
    }

    /** Frames from a TAP without offload go to the switch as they are. */
    private final class PlainReader implements TapReaders.Reader {

        private final ByteBuffer frame = ByteBuffer.allocateDirect(FrameLimits.BUFFER_BYTES);

        @Override
        public boolean forwardOne() {
            int length = tap.readNow(frame);
            if (length == 0) {
                return false;
            }
            if (length > maxFrameLength) {
                counters.drop(LinkCounters.Drop.OVERSIZE);
            } else {
                if (trace != null) {
                    trace.frame("tap->switch", frame, length);
                }
                if (link.send(frame)) {
                    counters.sentToSwitch(length);
                }
            }
            return true;
        }
    }
}
