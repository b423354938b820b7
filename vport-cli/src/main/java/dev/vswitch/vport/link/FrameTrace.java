package dev.vswitch.vport.link;

import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.MacAddress;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.util.Locale;

/** The {@code -v} trace: one line per forwarded frame, with the fields the seed's vport printed. */
public final class FrameTrace {

    private final PrintStream out;

    public FrameTrace(PrintStream out) {
        this.out = out;
    }

    /** Traces the frame in {@code frame[0, length)}; {@code direction} is e.g. "tap->switch". */
    public void frame(String direction, ByteBuffer frame, int length) {
        out.println(line(direction, frame, length));
    }

    static String line(String direction, ByteBuffer frame, int length) {
        return String.format(Locale.ROOT, "%s dst=%s src=%s type=0x%04x size=%d", direction,
                MacAddress.format(EthernetFrame.destination(frame, 0)), MacAddress.format(EthernetFrame.source(frame, 0)),
                EthernetFrame.etherType(frame, 0), length);
    }
}
