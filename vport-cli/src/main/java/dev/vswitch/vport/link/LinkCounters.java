package dev.vswitch.vport.link;

import dev.vswitch.protocol.wire.Session;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What crossed the link in each direction, and what was dropped and why. Updated from the forwarding
 * threads without allocation; read for the shutdown summary and by tests.
 */
public final class LinkCounters {

    /** Why a frame or datagram was not forwarded. */
    public enum Drop {
        /** A frame from the TAP longer than the vport sends (see {@code FrameLimits#maxFrameLength}). */
        OVERSIZE,
        /** A datagram from the switch shorter than an Ethernet header. */
        RUNT,
        /** The switch's host answered "port unreachable": the switch is down or restarting. */
        SWITCH_UNREACHABLE,
        /** Any other failure to send or receive a datagram (no route, link being replaced). */
        LINK_ERROR,
        /** The kernel refused a frame written to the TAP. */
        TAP_WRITE_FAILED,
        /** Secure mode: a frame from the TAP while no session is established (handshake not done yet). */
        NO_SESSION,
        /** Secure mode: a data message that did not authenticate (tampered, or not from the switch). */
        FORGED,
        /** Secure mode: a data message whose counter was seen already. */
        REPLAYED,
        /** Secure mode: a data message whose counter is too far behind the newest to be checked. */
        TOO_OLD,
        /** Secure mode: a data message or handshake answer for a session this vport does not have (anymore). */
        UNKNOWN_SESSION,
        /**
         * Secure mode: a datagram of another protocol version, an unknown type or a wrong length. With --offload also an
         * offload frame from the switch, or a frame from the TAP, whose virtio_net_hdr does not fit the frame.
         */
        MALFORMED,
        /** Direct paths: a handshake from a vport the switch did not introduce, or of another network. */
        STRANGER;

        /** Why a data message that did not open is dropped. */
        public static Drop of(Session.Verdict verdict) {
            return switch (verdict) {
                case REPLAYED -> REPLAYED;
                case TOO_OLD -> TOO_OLD;
                default -> FORGED;
            };
        }

        /** The name in the shutdown summary and in status files, e.g. {@code switch-unreachable}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private static final Drop[] DROPS = Drop.values();

    private final AtomicLong framesToSwitch = new AtomicLong();
    private final AtomicLong bytesToSwitch = new AtomicLong();
    private final AtomicLong framesFromSwitch = new AtomicLong();
    private final AtomicLong bytesFromSwitch = new AtomicLong();
    private final AtomicLong keepalivesSent = new AtomicLong();
    private final AtomicLong keepalivesReceived = new AtomicLong();
    private final AtomicLongArray drops = new AtomicLongArray(DROPS.length);
    private final AtomicLong handshakesCompleted = new AtomicLong();
    private final AtomicLong handshakesFailed = new AtomicLong();
    private final AtomicLong cookiesReceived = new AtomicLong();
    private final AtomicLong offloadSent = new AtomicLong();
    private final AtomicLong offloadReceived = new AtomicLong();
    /** TAP writes that joined several frames from the switch into one TCP super-frame, and the frames they joined. */
    private final AtomicLong joinedWrites = new AtomicLong();
    private final AtomicLong joinedFrames = new AtomicLong();

    public void sentToSwitch(int bytes) {
        framesToSwitch.incrementAndGet();
        bytesToSwitch.addAndGet(bytes);
    }

    /** {@code frames} frames of {@code bytes} bytes in all went to the switch together. */
    public void sentToSwitch(int frames, long bytes) {
        framesToSwitch.addAndGet(frames);
        bytesToSwitch.addAndGet(bytes);
    }

    /**
     * Counts how writing a frame of {@code bytes} from the switch onto the TAP went: delivered, or dropped as
     * {@link Drop#TAP_WRITE_FAILED}. Returns {@code written}.
     */
    public boolean tapWrite(boolean written, int bytes) {
        return tapWrite(written, 1, bytes);
    }

    /** As {@link #tapWrite(boolean, int)} for one write that joined {@code frames} frames of {@code bytes} in all. */
    public boolean tapWrite(boolean written, int frames, int bytes) {
        if (written) {
            framesFromSwitch.addAndGet(frames);
            bytesFromSwitch.addAndGet(bytes);
            if (frames > 1) {
                joinedWrites.incrementAndGet();
                joinedFrames.addAndGet(frames);
            }
        } else {
            drops.addAndGet(Drop.TAP_WRITE_FAILED.ordinal(), frames);
        }
        return written;
    }

    public void keepaliveSent() {
        keepalivesSent.incrementAndGet();
    }

    public void keepaliveReceived() {
        keepalivesReceived.incrementAndGet();
    }

    public void drop(Drop reason) {
        drops.incrementAndGet(reason.ordinal());
    }

    /** Secure mode: a handshake response authenticated and its session was installed. */
    public void handshakeCompleted() {
        handshakesCompleted.incrementAndGet();
    }

    /** Secure mode: a handshake response for our handshake did not authenticate. */
    public void handshakeFailed() {
        handshakesFailed.incrementAndGet();
    }

    /** Secure mode: the switch was under load and sent a cookie to repeat the handshake with. */
    public void cookieReceived() {
        cookiesReceived.incrementAndGet();
    }

    /** --offload: a message went to the switch carrying a frame with offload work (a TCP segment over MTU, a checksum). */
    public void sentOffload() {
        offloadSent.incrementAndGet();
    }

    /** --offload: such a frame came from the switch, to be finished by this host's kernel. */
    public void receivedOffload() {
        offloadReceived.incrementAndGet();
    }

    public long offloadSent() {
        return offloadSent.get();
    }

    public long offloadReceived() {
        return offloadReceived.get();
    }

    /** TAP writes of several frames joined into one super-frame. */
    public long joinedWrites() {
        return joinedWrites.get();
    }

    /** The frames those writes joined. */
    public long joinedFrames() {
        return joinedFrames.get();
    }

    public long handshakesCompleted() {
        return handshakesCompleted.get();
    }

    public long handshakesFailed() {
        return handshakesFailed.get();
    }

    public long cookiesReceived() {
        return cookiesReceived.get();
    }

    public long framesToSwitch() {
        return framesToSwitch.get();
    }

    public long framesFromSwitch() {
        return framesFromSwitch.get();
    }

    public long keepalivesSent() {
        return keepalivesSent.get();
    }

    public long keepalivesReceived() {
        return keepalivesReceived.get();
    }

    public long bytesToSwitch() {
        return bytesToSwitch.get();
    }

    public long bytesFromSwitch() {
        return bytesFromSwitch.get();
    }

    public long drops(Drop reason) {
        return drops.get(reason.ordinal());
    }

    /**
     * One line, e.g. {@code to switch 12 frames/1500 bytes, from switch 10 frames/1300 bytes, keepalives 3 sent/3 answered,
     * dropped none}; in secure mode also {@code handshakes 2 completed/0 failed} (with {@code , 1 cookie} under load)
     * before the drops, with --offload {@code offload 40 sent/38 received}, and when frames from the switch were joined
     * for the TAP {@code joined 900 frames into 25 TAP writes}.
     */
    public String summary() {
        StringBuilder dropped = new StringBuilder();
        for (Drop reason : DROPS) {
            long count = drops(reason);
            if (count > 0) {
                dropped.append(dropped.length() == 0 ? "" : " ").append(reason.label()).append('=').append(count);
            }
        }
        long completed = handshakesCompleted.get();
        long failed = handshakesFailed.get();
        long cookies = cookiesReceived.get();
        String handshakes = completed + failed + cookies == 0 ? ""
                : String.format(Locale.ROOT, " handshakes %d completed/%d failed%s,", completed, failed,
                        cookies == 0 ? "" : ", " + cookies + (cookies == 1 ? " cookie" : " cookies"));
        long offloads = offloadSent.get() + offloadReceived.get();
        String offload = offloads == 0 ? ""
                : String.format(Locale.ROOT, " offload %d sent/%d received,", offloadSent.get(), offloadReceived.get());
        String joined = joinedWrites.get() == 0 ? ""
                : String.format(Locale.ROOT, " joined %d frames into %d TAP writes,", joinedFrames.get(), joinedWrites.get());
        return String.format(Locale.ROOT, "to switch %d frames/%d bytes, from switch %d frames/%d bytes, keepalives %d sent/%d answered,%s%s%s dropped %s",
                framesToSwitch.get(), bytesToSwitch.get(), framesFromSwitch.get(), bytesFromSwitch.get(),
                keepalivesSent.get(), keepalivesReceived.get(), handshakes, offload, joined, dropped.length() == 0 ? "none" : dropped);
    }
}
