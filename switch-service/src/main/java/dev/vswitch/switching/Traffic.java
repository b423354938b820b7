package dev.vswitch.switching;

/**
 * Frames and bytes each way through one port or trunk. Only the event loop writes; metrics and the API read from other
 * threads, so the fields are volatile (a lone writer needs no atomic increment), and a reader sees whole values.
 */
public final class Traffic {

    private volatile long framesIn;
    private volatile long bytesIn;
    private volatile long framesOut;
    private volatile long bytesOut;

    /** A frame of {@code length} bytes came in. */
    public void received(int length) {
        framesIn++;
        bytesIn += length;
    }

    /** A frame of {@code length} bytes went out. */
    public void sent(int length) {
        framesOut++;
        bytesOut += length;
    }

    public long framesIn() {
        return framesIn;
    }

    public long bytesIn() {
        return bytesIn;
    }

    public long framesOut() {
        return framesOut;
    }

    public long bytesOut() {
        return bytesOut;
    }
}
