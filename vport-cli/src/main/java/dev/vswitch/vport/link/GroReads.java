package dev.vswitch.vport.link;

import java.nio.ByteBuffer;

/**
 * The datagrams of one UDP GRO read, handed over one at a time: the kernel gave several datagrams of one flow in one
 * read, each {@link #split segment size} long but the last; the first is returned at once and the others wait here
 * for the next receives ({@link #next}). Only the receiving thread touches it; nothing is allocated per datagram.
 */
public final class GroReads {

    private final ByteBuffer waiting = ByteBuffer.allocateDirect(FrameLimits.BUFFER_BYTES).limit(0);
    private int waitingSize;
    /** Reads that brought several datagrams; for tests. */
    private long coalescedReads;

    /** Whether datagrams of the last read wait to be handed over. */
    public boolean hasWaiting() {
        return waiting.hasRemaining();
    }

    /**
     * The next waiting datagram into {@code buffer}, which then holds it from 0 to its position; its length, or -1 when
     * none waits.
     */
    public int next(ByteBuffer buffer) {
        if (!waiting.hasRemaining()) {
            return -1;
        }
        int length = Math.min(waitingSize, waiting.remaining());
        buffer.clear().put(0, waiting, waiting.position(), length).position(length);
        waiting.position(waiting.position() + length);
        return length;
    }

    /**
     * A read of {@code length} bytes into {@code buffer} whose datagrams are {@code segmentSize} long: all but the first
     * wait here, and {@code buffer} is left holding the first. Returns its length.
     */
    public int split(ByteBuffer buffer, int length, int segmentSize) {
        if (segmentSize >= length) {
            return length;
        }
        coalescedReads++;
        waiting.clear().put(0, buffer, segmentSize, length - segmentSize).limit(length - segmentSize);
        waitingSize = segmentSize;
        buffer.position(segmentSize);
        return segmentSize;
    }

    long coalescedReads() {
        return coalescedReads;
    }
}
