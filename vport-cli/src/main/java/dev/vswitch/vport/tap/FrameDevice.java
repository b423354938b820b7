package dev.vswitch.vport.tap;

import java.nio.ByteBuffer;

/**
 * Where a vport's frames come from and go to: the TAP device, or in tests a device in memory. The
 * contract is {@link TapDevice}'s: one thread reads while another writes.
 */
public interface FrameDevice {

    /**
     * Reads a frame that is waiting into {@code frame}, without waiting: the buffer is cleared first and then holds the
     * frame between position 0 and its limit. Returns the frame's length, or 0 when none is waiting.
     */
    int readNow(ByteBuffer frame);

    /** Waits up to {@code timeoutMillis} until a frame may be read; false when none came in that time. */
    boolean awaitFrame(int timeoutMillis);

    /** Writes the bytes between the buffer's position and limit as one frame; false if it was refused. */
    boolean write(ByteBuffer frame);

    /** Sets the device's MTU, as when the switch turns out to forward smaller frames than the MTU allows. */
    void setMtu(int mtu);

    /** True when every frame read and written starts with a virtio_net_hdr (TCP segmentation and checksum offload). */
    default boolean offload() {
        return false;
    }
}
