package dev.vswitch.vport.secure;

import dev.vswitch.protocol.EthernetFrame;
import dev.vswitch.protocol.Keepalive;
import dev.vswitch.protocol.offload.TcpCoalescer;
import dev.vswitch.protocol.offload.VirtioNetHeader;
import dev.vswitch.protocol.rendezvous.Rendezvous;
import dev.vswitch.protocol.wire.Session;
import dev.vswitch.protocol.wire.WireFormat;
import dev.vswitch.vport.direct.DirectPaths;
import dev.vswitch.vport.direct.DirectSender;
import dev.vswitch.vport.link.FrameLimits;
import dev.vswitch.vport.link.FrameTrace;
import dev.vswitch.vport.link.LinkCounters;
import dev.vswitch.vport.link.LinkThreads;
import dev.vswitch.vport.link.OffloadSender;
import dev.vswitch.vport.link.PathProof;
import dev.vswitch.vport.link.RttMeter;
import dev.vswitch.vport.link.SendBatch;
import dev.vswitch.vport.link.SwitchConnection;
import dev.vswitch.vport.link.TapReaders;
import dev.vswitch.vport.tap.FrameDevice;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * The data messages of a {@link SecureLink}: every frame from the TAP sealed into one, every authentic one opened onto
 * the TAP, and the keepalives that ask after the switch. Each forwarding thread owns its buffers, so forwarding a frame
 * allocates nothing here. The switch-to-TAP thread also receives the switch's handshake messages, and hands them to the
 * link through {@link SwitchAnswers}; the TAP-to-switch loop itself is {@link LinkThreads}'s.
 *
 * <p>A frame written to the TAP is often answered at once: the kernel makes the TCP ACK or the ping reply while the
 * write is still in progress. So after each write the switch-to-TAP thread forwards what is waiting on the TAP itself,
 * if the TAP-to-switch thread is not at it already: the answer leaves without waking that thread, which on an idle
 * machine saves a CPU wake-up per answer (tens of microseconds on a virtual machine) and under load a context switch.
 * Reading and sending happen under one lock, so frames still leave in the order the kernel handed them over.
 *
 * <p>With --offload the TAP takes TCP super-frames, so the switch-to-TAP thread joins the frames of one TCP flow that
 * arrive together back into one ({@link TcpCoalescer}) and the kernel takes one packet where it would take dozens. What
 * it holds back goes onto the TAP once no datagram is waiting any more ({@link SwitchConnection#datagramWaiting}), and
 * the kernel's answers are forwarded after that write.
 */
final class DataPath {

    private static final Logger LOG = Logger.getLogger(DataPath.class);

    /** The largest frame an offload message carries, with its header, so the sealed message fits in one datagram. */
    private static final int MAX_OFFLOAD_FRAME = WireFormat.MAX_PLAINTEXT - VirtioNetHeader.LENGTH;
    /** A path probe is as large as the largest offload message: the echo proves exactly what offload sends. */
    static final int PROBE_LENGTH = WireFormat.MAX_PLAINTEXT;

    /** The link this is the data path of: told of the switch's handshake messages and of its draining. */
    private final SwitchAnswers answers;
    private final FrameDevice tap;
    private final SwitchConnection link;
    private final LinkCounters counters;
    private final SessionPair sessions;
    private final Liveness liveness;
    /** Whether offload messages may be used: the path carries them (--offload=auto) or is trusted to (on). */
    private final PathProof path;
    private final FrameTrace trace;
    private final long tapMac;
    private final int maxFrameLength;
    /** Bytes before each frame in the TAP's reads and writes: a virtio_net_hdr with --offload, else none. */
    private final int prefix;
    private final LongSupplier clock;
    private final int tapMtu;
    /** Whether the switch's largest frame was checked against the TAP's MTU; only on the switch-to-TAP thread. */
    private boolean maxFrameChecked;
    private final Object sealLock = new Object();
    /** Held from a TAP read to the send of what it read, by whichever thread forwards from the TAP. */
    private final TapReaders tapReaders = new TapReaders();
    private final RttMeter rtt = new RttMeter();
    /** Joins the TCP frames of a batch for the TAP (with --offload), else null; only on the switch-to-TAP thread. */
    private final TcpCoalescer coalescer;
    /** Where unicast to a vport reached directly goes instead of the switch. */
    private final DirectPaths direct;
    /** Something went onto the TAP since its answers were last forwarded; only on the switch-to-TAP thread. */
    private boolean wroteToTap;

    /**
     * @param tapMac the TAP's actual MAC, the source of our keepalives
     * @param trace  per-frame trace for {@code -v}, or null
     */
    DataPath(SwitchAnswers answers, FrameDevice tap, SwitchConnection link, LinkCounters counters, SecureLink.Settings settings,
            SessionPair sessions, Liveness liveness, PathProof path, long tapMac, FrameTrace trace, DirectPaths direct) {
        this.answers = answers;
        this.tap = tap;
        this.link = link;
        this.counters = counters;
        this.sessions = sessions;
        this.liveness = liveness;
        this.path = path;
        this.trace = trace;
        this.tapMac = tapMac;
        this.maxFrameLength = FrameLimits.maxFrameLength(settings.tapMtu());
        this.prefix = tap.offload() ? VirtioNetHeader.LENGTH : 0;
        this.clock = settings.clock();
        this.tapMtu = settings.tapMtu();
        this.coalescer = prefix == 0 ? null : new TcpCoalescer(this::writeToTap);
        this.direct = direct;
    }

    RttMeter.Reading rttReading() {
        return rtt.reading();
    }

    /** A buffer for the keepalive frames of one thread that sends them; the message goes in a {@link #newKeepaliveMessage()}. */
    ByteBuffer newKeepaliveFrame() {
        return ByteBuffer.allocateDirect(prefix + Keepalive.LENGTH);
    }

    ByteBuffer newKeepaliveMessage() {
        return ByteBuffer.allocateDirect(prefix + Keepalive.LENGTH + WireFormat.DATA_OVERHEAD);
    }

    // ---- TAP to switch -----------------------------------------------------------------------------

    /** The TAP's reading side, for the TAP-to-switch loop ({@link LinkThreads}) and this path's answers. */
    TapReaders tapReaders() {
        return tapReaders;
    }

    /** A forwarding thread's own buffers for reading the TAP, made on that thread. */
    TapReaders.Reader newTapReader() {
        return new TapReader();
    }

    /**
     * One thread's buffers for forwarding frames from the TAP to the switch; used through {@link #tapReaders}. The
     * frames a TCP segment from the TAP is cut into are sealed back to back into a {@link SendBatch} and leave in one
     * system call (UDP GSO).
     */
    private final class TapReader implements TapReaders.Reader, OffloadSender.Out {

        private final ByteBuffer frame = ByteBuffer.allocateDirect(prefix + FrameLimits.BUFFER_BYTES);
        private final ByteBuffer message = ByteBuffer.allocateDirect(prefix + FrameLimits.BUFFER_BYTES + WireFormat.DATA_OVERHEAD);
        private final OffloadSender offloaded = prefix == 0 ? null
                : new OffloadSender(maxFrameLength, MAX_OFFLOAD_FRAME, sessions::switchTakesOffload, path, counters, this);
        /** Sealed messages of one TAP packet's frames, to go together. */
        private final SendBatch batch = prefix == 0 ? null : new SendBatch(link, counters::sentToSwitch);
        private final DirectSender directly = new DirectSender(direct, counters, prefix, maxFrameLength, path);
        private Session session;

        @Override
        public boolean forwardOne() {
            int length = tap.readNow(frame);
            if (length == 0) {
                return false;
            }
            if (directly.trySend(frame, length)) {
                return true;
            }
            session = sessions.current();
            if (session == null || session.isExpired(clock.getAsLong())) {
                counters.drop(LinkCounters.Drop.NO_SESSION);
                return true;
            }
            if (trace != null && length >= prefix + EthernetFrame.HEADER_LENGTH) {
                trace.frame("tap->switch", frame.slice(prefix, length - prefix), length - prefix);
            }
            if (offloaded != null && !VirtioNetHeader.isPlain(frame, 0)) {
                offloaded.send(frame, length);
            } else if (length - prefix > maxFrameLength) {
                counters.drop(LinkCounters.Drop.OVERSIZE);
            } else {
                frame.position(prefix);
                sendData(session, WireFormat.TYPE_DATA, frame, message, frame.remaining());
            }
            return true;
        }

        /** A frame cut from a TAP packet: sealed into the batch, which leaves at the packet's end or when full. */
        @Override
        public void sendFrame(ByteBuffer ethernetFrame) {
            int frameBytes = ethernetFrame.remaining();
            ByteBuffer into = batch.room(frameBytes + WireFormat.DATA_OVERHEAD);
            synchronized (sealLock) {
                session.seal(WireFormat.TYPE_DATA, ethernetFrame, into);
            }
            batch.added(frameBytes);
        }

        @Override
        public void endOfPacket() {
            batch.send();
        }

        @Override
        public void sendPacket(ByteBuffer packet) {
            endOfPacket(); // frames held back go first, in the order the TAP handed them over
            sendData(session, WireFormat.TYPE_DATA_OFFLOAD, packet, message, packet.remaining() - VirtioNetHeader.LENGTH);
        }
    }

    private void sendData(Session session, byte type, ByteBuffer payload, ByteBuffer message, int frameBytes) {
        seal(session, type, payload, message);
        if (link.send(message)) {
            counters.sentToSwitch(frameBytes);
        }
    }

    /**
     * With --offload keepalives go as offload messages (an all-zero virtio_net_hdr first) while the path carries them:
     * that tells the switch that this vport takes them, and its reply in kind tells this vport that the switch does. An
     * ordinary keepalive tells the switch to cut super-frames for this vport into ordinary frames.
     */
    void sendKeepalive(Session session, long now, ByteBuffer frame, ByteBuffer message) {
        boolean offer = prefix != 0 && path.offer();
        int start = offer ? prefix : 0;
        Keepalive.writeRequest(frame.clear().slice(start, Keepalive.LENGTH), tapMac);
        frame.position(0).limit(start + Keepalive.LENGTH);
        if (offer) {
            VirtioNetHeader.writePlain(frame, 0);
        }
        seal(session, offer ? WireFormat.TYPE_DATA_OFFLOAD : WireFormat.TYPE_DATA, frame, message);
        liveness.keepaliveSent(now);
        rtt.requestSent(clock.getAsLong());
        if (link.send(message)) {
            counters.keepaliveSent();
        } else {
            rtt.requestFailed();
        }
    }

    /** Buffers for the path probes of the one thread that sends them (the monitor), with {@code --offload=auto}. */
    ByteBuffer newProbeFrame() {
        return ByteBuffer.allocateDirect(PROBE_LENGTH);
    }

    ByteBuffer newProbeMessage() {
        return ByteBuffer.allocateDirect(PROBE_LENGTH + WireFormat.DATA_OVERHEAD);
    }

    /** Sends a path probe as large as the largest offload message, as an ordinary data message; the switch echoes it. */
    void sendProbe(Session session, long now, ByteBuffer frame, ByteBuffer message) {
        Keepalive.writeProbe(frame, tapMac, PROBE_LENGTH);
        seal(session, WireFormat.TYPE_DATA, frame, message);
        path.probeSent(now);
        link.send(message);
    }

    /** Tells the switch this vport's own endpoints (rendezvous); the monitor thread, once a session. */
    void sendEndpoints(Session session, List<InetSocketAddress> endpoints) {
        ByteBuffer frame = ByteBuffer.allocateDirect(Rendezvous.MAX_ENDPOINTS_LENGTH);
        Rendezvous.writeEndpoints(frame, tapMac, endpoints);
        sendToSwitch(session, frame);
    }

    /** Tells the switch how this vport's direct paths fare; the monitor thread, when that changed. */
    void sendPaths(Session session, Rendezvous.PathReport report) {
        ByteBuffer frame = ByteBuffer.allocateDirect(Rendezvous.PATHS_LENGTH);
        Rendezvous.writePaths(frame, tapMac, report);
        sendToSwitch(session, frame);
    }

    /** A rare message of this vport's own to the switch: its buffers are made for it. */
    private void sendToSwitch(Session session, ByteBuffer frame) {
        ByteBuffer message = ByteBuffer.allocateDirect(frame.remaining() + WireFormat.DATA_OVERHEAD);
        seal(session, WireFormat.TYPE_DATA, frame, message);
        link.send(message);
    }

    /** Seals the payload's remaining bytes into {@code message} as a data message of {@code type}, left flipped for sending. */
    private void seal(Session session, byte type, ByteBuffer payload, ByteBuffer message) {
        message.clear();
        synchronized (sealLock) { // the monitor and receiving threads seal keepalives with the same session
            session.seal(type, payload, message);
        }
        message.flip();
    }

    // ---- switch to TAP -----------------------------------------------------------------------------

    /** The switch-to-TAP loop; ends when the link is closed. */
    void forwardSwitchToTap() {
        ByteBuffer datagram = ByteBuffer.allocateDirect(FrameLimits.BUFFER_BYTES);
        ByteBuffer plain = ByteBuffer.allocateDirect(FrameLimits.BUFFER_BYTES);
        ByteBuffer confirmFrame = newKeepaliveFrame();
        ByteBuffer confirmMessage = newKeepaliveMessage();
        TapReader tapAnswers = new TapReader();
        int length;
        while ((length = link.receive(datagram)) >= 0) {
            datagram.flip();
            // Handshake messages are rare: copying them out of the buffer costs nothing that matters.
            switch (WireFormat.typeOf(datagram, 0, length)) {
                case WireFormat.TYPE_DATA -> onData(datagram, plain, false);
                case WireFormat.TYPE_DATA_OFFLOAD -> onData(datagram, plain, true);
                case WireFormat.TYPE_RESPONSE -> answers.onResponse(WireFormat.copyOf(datagram), confirmFrame, confirmMessage);
                case WireFormat.TYPE_COOKIE_REPLY -> answers.onCookieReply(WireFormat.copyOf(datagram));
                case WireFormat.TYPE_HANDSHAKE_REFUSED -> answers.onRefusal(WireFormat.copyOf(datagram));
                default -> counters.drop(LinkCounters.Drop.MALFORMED);
            }
            if (coalescer == null || !link.datagramWaiting()) {
                endOfBatch(tapAnswers);
            }
        }
    }

    /**
     * No datagram is waiting: what the coalescer held goes onto the TAP, and what the kernel answered to the writes is
     * forwarded ({@link TapReaders#forwardAnswers}).
     */
    private void endOfBatch(TapReader tapAnswers) {
        if (coalescer != null) {
            coalescer.flush();
        }
        if (wroteToTap) {
            wroteToTap = false;
            tapReaders.forwardAnswers(tapAnswers);
        }
    }

    /** Writes a packet of {@code frames} frames from the switch onto the TAP, and counts them. */
    private void writeToTap(ByteBuffer packet, int frames, int frameBytes) {
        wroteToTap |= counters.tapWrite(tap.write(packet), frames, frameBytes);
    }

    /**
     * Opens a data message onto the TAP. With --offload the TAP takes a virtio_net_hdr before each frame: an offload
     * message carries one, and an ordinary one is opened after {@link #prefix} zero bytes, which say "nothing to do".
     */
    private void onData(ByteBuffer message, ByteBuffer plain, boolean offloaded) {
        if (offloaded && prefix == 0) {
            counters.drop(LinkCounters.Drop.MALFORMED); // the switch sends these only to vports that sent one
            return;
        }
        Session session = sessions.withLocalIndex(Session.receiverIndexOf(message));
        if (session == null) {
            counters.drop(LinkCounters.Drop.UNKNOWN_SESSION);
            return;
        }
        long now = clock.getAsLong();
        if (session.isExpired(now)) {
            counters.drop(LinkCounters.Drop.UNKNOWN_SESSION);
            return;
        }
        plain.clear().position(offloaded ? 0 : prefix);
        Session.Verdict verdict = session.open(message, plain);
        if (verdict != Session.Verdict.OK) {
            counters.drop(LinkCounters.Drop.of(verdict));
            return;
        }
        liveness.heard(now);
        plain.flip();
        if (!offloaded && prefix != 0) {
            // The TAP reads a virtio_net_hdr before the frame: all zero says "nothing to do". An offload message opened
            // before left its own header here, which would make the kernel complete a checksum or segment this frame.
            VirtioNetHeader.writePlain(plain, 0);
        }
        if (offloaded) {
            sessions.switchSentOffload();
            if (plain.limit() < prefix) {
                counters.drop(LinkCounters.Drop.MALFORMED);
                return;
            }
        }
        int length = plain.limit() - prefix;
        if (length == 0) {
            return; // an empty message is a sign of life, nothing more
        }
        byte keepalive = Keepalive.kind(plain, prefix, length);
        if (keepalive != 0) {
            if (keepalive == Keepalive.PROBE_REPLY) {
                path.answered();
            } else if (keepalive == Keepalive.REPLY) {
                rtt.replyReceived(clock.getAsLong());
                counters.keepaliveReceived();
                onSwitchMaxFrame(Keepalive.maxFrameOf(plain, prefix, length));
                answers.onSwitchFlags(Keepalive.flagsOf(plain, prefix, length));
            }
            return;
        }
        if (Rendezvous.kind(plain, prefix, length) == Rendezvous.PEER) { // for this vport, never for its TAP
            answers.onIntroduction(Rendezvous.readPeer(plain, prefix, length));
            return;
        }
        if (length < EthernetFrame.HEADER_LENGTH) {
            counters.drop(LinkCounters.Drop.RUNT);
            return;
        }
        if (trace != null) {
            trace.frame("switch->tap", plain.slice(prefix, length), length);
        }
        if (offloaded && !VirtioNetHeader.isPlain(plain, 0)) {
            counters.receivedOffload();
            if (VirtioNetHeader.gsoType(plain, 0) != VirtioNetHeader.GSO_NONE) {
                path.used();
            }
        }
        if (coalescer != null) {
            coalescer.add(plain);
        } else {
            writeToTap(plain, 1, length);
        }
    }

    /**
     * The switch's keepalive reply named the largest frame it forwards ({@code 0}: it did not). A TAP whose MTU allows
     * larger frames would lose every one of them silently at the switch, so the MTU comes down to fit, once, and says so.
     */
    private void onSwitchMaxFrame(int maxFrame) {
        if (maxFrameChecked || maxFrame == 0) {
            return;
        }
        maxFrameChecked = true;
        int fitting = maxFrame - EthernetFrame.HEADER_LENGTH;
        if (tapMtu > fitting) {
            tap.setMtu(fitting);
            LOG.warnf("the switch forwards frames of at most %d bytes, so the TAP's MTU %d would lose every longer frame:"
                    + " MTU lowered to %d (give --mtu %d or less to start with it)", maxFrame, tapMtu, fitting, fitting);
        }
    }
}
