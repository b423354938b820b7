package dev.vswitch.vport.secure;

import dev.vswitch.protocol.wire.Session;
import dev.vswitch.protocol.wire.WireFormat;

/**
 * The sessions of a {@link SecureLink}: the one frames are sealed with, and the one it replaced, kept for opening
 * packets still in flight. Each is swapped with one volatile write under {@link #sessionLock}, so the forwarding
 * threads read them without taking it.
 */
final class SessionPair {

    private final Object sessionLock = new Object();
    /** The session frames are sealed with; written under {@link #sessionLock}. */
    private volatile Session current;
    /** The session before the current one, still opened for packets in flight; written under {@link #sessionLock}. */
    private volatile Session previous;
    /** The switch sent an offload message in the current session, so it takes them (and knows we do). */
    private volatile boolean switchTakesOffload;

    /** The session frames are sent with, or null before the first handshake. */
    Session current() {
        return current;
    }

    /** The current or the previous session, whichever has {@code localIndex}; null when neither has. */
    Session withLocalIndex(int localIndex) {
        Session session = current;
        if (session == null || session.localIndex() != localIndex) {
            session = previous;
            if (session == null || session.localIndex() != localIndex) {
                return null;
            }
        }
        return session;
    }

    /** A handshake completed: its session becomes the current one, and the one it replaces the previous. */
    void install(Session session) {
        synchronized (sessionLock) {
            if (current != null) {
                previous = current;
            }
            current = session;
            switchTakesOffload = false; // perhaps another switch now: it says again whether it takes offload messages
        }
    }

    /** Forgets sessions older than {@link WireFormat#REJECT_AFTER_SECONDS}; returns the current one, if still usable. */
    Session retireExpired(long now) {
        synchronized (sessionLock) {
            if (previous != null && previous.isExpired(now)) {
                previous = null;
            }
            if (current != null && current.isExpired(now)) {
                current = null;
            }
            return current;
        }
    }

    boolean switchTakesOffload() {
        return switchTakesOffload;
    }

    /** An authentic offload message came from the switch. */
    void switchSentOffload() {
        switchTakesOffload = true;
    }
}
