package dev.vswitch.vport.link;

import java.nio.ByteBuffer;

/**
 * Where sealed datagrams go: the switch ({@link SwitchConnection}), or one peer on a direct path. Failures are counted
 * by the sender, never thrown.
 */
public interface DatagramSender {

    /** Sends the bytes between the buffer's position and limit as one datagram; false if it was dropped. */
    boolean send(ByteBuffer datagram);

    /**
     * Sends the bytes between the buffer's position and limit as datagrams of {@code segmentSize} bytes each, the last
     * one possibly shorter, in one system call where the kernel can (UDP GSO); false if any was dropped. This default
     * sends them one by one; the buffer's position ends at its limit.
     */
    default boolean sendSegments(ByteBuffer datagrams, int segmentSize) {
        int end = datagrams.limit();
        boolean sent = true;
        for (int at = datagrams.position(); at < end; at += segmentSize) {
            datagrams.limit(Math.min(end, at + segmentSize)).position(at);
            sent &= send(datagrams);
        }
        datagrams.limit(end).position(end);
        return sent;
    }
}
