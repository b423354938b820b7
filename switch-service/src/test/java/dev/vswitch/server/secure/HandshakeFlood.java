package dev.vswitch.server.secure;

import dev.vswitch.protocol.wire.CookieJar;
import dev.vswitch.protocol.wire.MessageMacs;
import dev.vswitch.protocol.wire.WireFormat;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * An attacker who holds a join token: from many loopback addresses (127.0.0.2 and up, each a source of its own to the
 * switch) it sends initiations that pass mac1 but hold junk, so each costs the switch a Diffie-Hellman before it fails,
 * and it answers cookie replies as a real sender does, so the cookies do not stop it. Bounded in time and count, paced to
 * a rate; runs on a thread of its own until {@link #close}.
 */
final class HandshakeFlood implements AutoCloseable {

    private final List<DatagramChannel> sources = new ArrayList<>();
    private final List<byte[]> junk = new ArrayList<>();
    private final InetSocketAddress target;
    private final byte[] switchPublicKey;
    private final byte[] mac1Key;
    private final int perSecond;
    private final long maxDatagrams;
    private final long deadlineNanos;
    private final Thread thread;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong cookiesAnswered = new AtomicLong();
    private volatile boolean stopped;

    /**
     * @param template     a genuine initiation to this switch, whose encrypted part is garbled for each source
     * @param sourceCount  source addresses, 127.0.0.2 onwards
     * @param perSecond    initiations a second, all sources together
     */
    HandshakeFlood(int switchPort, byte[] switchPublicKey, byte[] template, int sourceCount, int perSecond,
            long maxDatagrams, long maxNanos) throws IOException {
        this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), switchPort);
        this.switchPublicKey = switchPublicKey;
        this.mac1Key = MessageMacs.mac1Key(switchPublicKey);
        this.perSecond = perSecond;
        this.maxDatagrams = maxDatagrams;
        this.deadlineNanos = System.nanoTime() + maxNanos;
        for (int i = 0; i < sourceCount; i++) {
            DatagramChannel channel = DatagramChannel.open();
            channel.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, (byte) ((i + 2) >> 8),
                    (byte) (i + 2)}), 0));
            channel.configureBlocking(false);
            sources.add(channel);
            byte[] message = template.clone();
            message[WireFormat.HEADER_LENGTH] ^= (byte) i; // its own sender index
            message[60] ^= (byte) (i + 1); // the encrypted static key no longer decrypts
            MessageMacs.write(message, mac1Key, null);
            junk.add(message);
        }
        this.thread = new Thread(this::run, "handshake-flood");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    long sent() {
        return sent.get();
    }

    long cookiesAnswered() {
        return cookiesAnswered.get();
    }

    private void run() {
        ByteBuffer reply = ByteBuffer.allocate(2048);
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
        long next = System.nanoTime();
        try {
            while (!stopped && sent.get() < maxDatagrams && System.nanoTime() < deadlineNanos) {
                for (int i = 0; i < sources.size() && !stopped; i++) {
                    DatagramChannel source = sources.get(i);
                    reply.clear();
                    if (source.receive(reply) != null && reply.position() == WireFormat.COOKIE_REPLY_LENGTH) {
                        takeCookie(i, reply);
                    }
                    source.send(ByteBuffer.wrap(junk.get(i)), target);
                    sent.incrementAndGet();
                    next += intervalNanos;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait); // pacing the load, not waiting for a result
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("the flood's socket failed", e);
        }
    }

    /** A cookie for source {@code i}'s junk: from now on it carries mac2, as a sender that receives at its address does. */
    private void takeCookie(int i, ByteBuffer reply) {
        byte[] message = junk.get(i);
        byte[] bytes = new byte[WireFormat.COOKIE_REPLY_LENGTH];
        reply.flip().get(bytes);
        byte[] cookie = CookieJar.openReply(bytes, switchPublicKey, MessageMacs.mac1(message));
        byte[] withCookie = message.clone();
        MessageMacs.write(withCookie, mac1Key, cookie);
        junk.set(i, withCookie);
        cookiesAnswered.incrementAndGet();
    }

    @Override
    public void close() throws Exception {
        stopped = true;
        thread.join(TimeUnit.SECONDS.toMillis(5));
        for (DatagramChannel source : sources) {
            source.close();
        }
    }
}
