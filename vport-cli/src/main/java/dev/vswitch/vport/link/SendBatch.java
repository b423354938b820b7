package dev.vswitch.vport.link;

import dev.vswitch.protocol.Mtu;
import java.nio.ByteBuffer;

/**
 * Datagrams written back to back to leave in one system call (UDP GSO), as wireguard-go sends the frames one TCP
 * segment from the TAP is cut into: every datagram of a send as long as the first, but the last, which may be shorter.
 * The writer asks for room ({@link #room}), writes one datagram at the buffer's position, and says how many frame bytes
 * it carried ({@link #added}); what is batched leaves at {@link #send}, or before a datagram that cannot join it.
 * One thread's; nothing is allocated per datagram.
 */
public final class SendBatch {

    /** The most datagrams one UDP GSO send may carry (Linux's UDP_MAX_SEGMENTS). */
    static final int MAX_SEGMENTS = 64;

    /** Told what each send carried. */
    public interface Sent {
        void sent(int frames, long frameBytes);
    }

    private final DatagramSender link;
    private final Sent sent;
    /** As large as one UDP send may be. */
    private final ByteBuffer batch = ByteBuffer.allocateDirect(Mtu.MAX_DATAGRAM);
    /** The length of every datagram in the batch but perhaps the last; 0 while it is empty. */
    private int segment;
    private int datagrams;
    private long frameBytes;
    /** A datagram shorter than {@link #segment} went in: it must be the last. */
    private boolean ended;
    /** The length the writer asked room for, until it says it wrote it. */
    private int reserved;

    /** @param sent told of each send that went, e.g. the link's counters */
    public SendBatch(DatagramSender link, Sent sent) {
        this.link = link;
        this.sent = sent;
    }

    /**
     * The buffer to write a datagram of {@code length} bytes into, at its position: the batch, after what it held
     * went out if this one cannot follow it (longer than the others, after a shorter one, the 64th, or no room left).
     */
    public ByteBuffer room(int length) {
        if (datagrams > 0 && (ended || length > segment || datagrams == MAX_SEGMENTS
                || batch.position() + length > batch.capacity())) {
            send();
        }
        reserved = length;
        return batch;
    }

    /** The datagram asked room for is written; it carried {@code bytes} of frames. */
    public void added(long bytes) {
        if (datagrams == 0) {
            segment = reserved;
        } else if (reserved < segment) {
            ended = true;
        }
        datagrams++;
        frameBytes += bytes;
    }

    /** Sends what the batch holds, one datagram as it is and several with one GSO send, and counts its frames. */
    public void send() {
        if (datagrams == 0) {
            return;
        }
        batch.flip();
        if (datagrams == 1 ? link.send(batch) : link.sendSegments(batch, segment)) {
            sent.sent(datagrams, frameBytes);
        }
        batch.clear();
        datagrams = 0;
        frameBytes = 0;
        ended = false;
    }
}
