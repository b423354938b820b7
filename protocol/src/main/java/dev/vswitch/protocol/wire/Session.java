package dev.vswitch.protocol.wire;

import dev.vswitch.protocol.noise.CipherState;
import dev.vswitch.protocol.noise.NoiseException;
import dev.vswitch.protocol.replay.ReplayWindow;

import java.nio.ByteBuffer;

/**
 * One side of an established session: the transport keys from the handshake, the send counter and the
 * replay window. Sending and receiving touch disjoint state, so one thread may seal while another opens.
 */
public final class Session {

    /** What {@link #open} found. */
    public enum Verdict { OK, REPLAYED, TOO_OLD, FORGED }

    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    /** The associated data of an offload message: its type, so that it cannot be relabelled as plain data. */
    private static final byte[] OFFLOAD_AD = {WireFormat.TYPE_DATA_OFFLOAD};

    private final int localIndex;
    private final int remoteIndex;
    private final boolean initiator;
    private final byte[] remoteStatic;
    private final long createdNanos;
    private final CipherState sending;
    private final CipherState receiving;
    private final ReplayWindow replay = new ReplayWindow();
    private long sendCounter;
    private volatile boolean confirmed;

    Session(int localIndex, int remoteIndex, boolean initiator, byte[] remoteStatic, CipherState[] keys, long createdNanos) {
        this.localIndex = localIndex;
        this.remoteIndex = remoteIndex;
        this.initiator = initiator;
        this.remoteStatic = remoteStatic.clone();
        this.createdNanos = createdNanos;
        this.sending = initiator ? keys[0] : keys[1];
        this.receiving = initiator ? keys[1] : keys[0];
        this.confirmed = initiator; // the initiator has seen the response; the responder waits for data
    }

    /**
     * Writes a data message carrying {@code frame}'s remaining bytes (none for a keepalive) at {@code out}'s
     * position and returns its length. Throws {@link NoiseException} when the session may not send anymore.
     */
    public int seal(ByteBuffer frame, ByteBuffer out) {
        return seal(WireFormat.TYPE_DATA, frame, out);
    }

    /**
     * As {@link #seal(ByteBuffer, ByteBuffer)}, as a message of {@code type}: {@link WireFormat#TYPE_DATA} or
     * {@link WireFormat#TYPE_DATA_OFFLOAD}, whose plaintext starts with a virtio_net_hdr.
     */
    public int seal(byte type, ByteBuffer frame, ByteBuffer out) {
        if (sendCounter >= WireFormat.REJECT_AFTER_MESSAGES) {
            throw new NoiseException("session used up: a new handshake is needed");
        }
        long counter = sendCounter++;
        int start = out.position();
        WireFormat.putHeader(out, type);
        out.putInt(remoteIndex).putLong(counter);
        sending.seal(counter, associatedData(type), frame, out);
        return out.position() - start;
    }

    /**
     * Authenticates and decrypts the data message in {@code message}'s remaining bytes into {@code frame}.
     * The replay window moves only for authentic messages, so forgeries cannot push it forward.
     */
    public Verdict open(ByteBuffer message, ByteBuffer frame) {
        if (message.remaining() < WireFormat.DATA_OVERHEAD) {
            return Verdict.FORGED; // shorter than header and tag: it cannot authenticate
        }
        int start = message.position();
        byte[] ad = associatedData(message.get(start));
        long counter = message.getLong(start + WireFormat.DATA_COUNTER_OFFSET);
        if (!replay.mayAccept(counter)) {
            return counter < replay.newest() - ReplayWindow.WINDOW_SIZE ? Verdict.TOO_OLD : Verdict.REPLAYED;
        }
        message.position(start + WireFormat.DATA_HEADER_LENGTH);
        try {
            receiving.open(counter, ad, message, frame);
        } catch (NoiseException e) {
            return Verdict.FORGED;
        }
        return switch (replay.accept(counter)) {
            case ACCEPTED -> {
                confirmed = true;
                yield Verdict.OK;
            }
            case REPLAYED -> Verdict.REPLAYED;
            case TOO_OLD -> Verdict.TOO_OLD;
        };
    }

    private static byte[] associatedData(byte type) {
        return type == WireFormat.TYPE_DATA_OFFLOAD ? OFFLOAD_AD : null;
    }

    /** The initiator should start a new handshake: the keys are old or much used. */
    public boolean needsRekey(long nowNanos) {
        return initiator && (nowNanos - createdNanos > WireFormat.REKEY_AFTER_SECONDS * NANOS_PER_SECOND
                || sendCounter >= WireFormat.REKEY_AFTER_MESSAGES);
    }

    /** The keys must not be used anymore. */
    public boolean isExpired(long nowNanos) {
        return nowNanos - createdNanos > WireFormat.REJECT_AFTER_SECONDS * NANOS_PER_SECOND;
    }

    /** For the responder: the initiator has proved (by an authentic data message) that it holds the keys. */
    public boolean isConfirmed() {
        return confirmed;
    }

    public int localIndex() {
        return localIndex;
    }

    public int remoteIndex() {
        return remoteIndex;
    }

    public byte[] remoteStatic() {
        return remoteStatic.clone();
    }

    public long createdNanos() {
        return createdNanos;
    }

    /** The receiver index of a data message, for finding its session. */
    public static int receiverIndexOf(ByteBuffer message) {
        return message.getInt(message.position() + WireFormat.HEADER_LENGTH);
    }
}
