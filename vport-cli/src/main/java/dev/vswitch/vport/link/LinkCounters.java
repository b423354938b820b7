package dev.vswitch.vport.link;

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
        /** A frame from the TAP longer than the vport sends (see {@code Vport#maxFrameLength}). */
        OVERSIZE,
        /** A datagram from the switch shorter than an Ethernet header. */
        RUNT,
        /** The switch's host answered "port unreachable": the switch is down or restarting. */
        SWITCH_UNREACHABLE,
        /** Any other failure to send or receive a datagram (no route, link being replaced). */
        LINK_ERROR,
        /** The kernel refused a frame written to the TAP. */
        TAP_WRITE_FAILED;

        String label() {
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

    void sentToSwitch(int bytes) {
        framesToSwitch.incrementAndGet();
        bytesToSwitch.addAndGet(bytes);
    }

    void deliveredFromSwitch(int bytes) {
        framesFromSwitch.incrementAndGet();
        bytesFromSwitch.addAndGet(bytes);
    }

    void keepaliveSent() {
        keepalivesSent.incrementAndGet();
    }

    void keepaliveReceived() {
        keepalivesReceived.incrementAndGet();
    }

    void drop(Drop reason) {
        drops.incrementAndGet(reason.ordinal());
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

    public long drops(Drop reason) {
        return drops.get(reason.ordinal());
    }

    /** One line, e.g. {@code to switch 12 frames/1500 bytes, from switch 10 frames/1300 bytes, keepalives 3 sent/3 answered, dropped none}. */
    public String summary() {
        StringBuilder dropped = new StringBuilder();
        for (Drop reason : DROPS) {
            long count = drops(reason);
            if (count > 0) {
                dropped.append(dropped.length() == 0 ? "" : " ").append(reason.label()).append('=').append(count);
            }
        }
        return String.format(Locale.ROOT, "to switch %d frames/%d bytes, from switch %d frames/%d bytes, keepalives %d sent/%d answered, dropped %s",
                framesToSwitch.get(), bytesToSwitch.get(), framesFromSwitch.get(), bytesFromSwitch.get(),
                keepalivesSent.get(), keepalivesReceived.get(), dropped.length() == 0 ? "none" : dropped);
    }
}
