package dev.vswitch.server.session;

import dev.vswitch.protocol.wire.Session;

/**
 * The sessions between the switch and one remote (a vport or another replica): the one being confirmed, the
 * current one (the newest confirmed, which frames are sent with) and the previous one (still accepted for
 * packets in flight during a rekey). Touched only on the switch's event loop.
 */
public final class SessionSlots {

    private Session pending;
    private Session current;
    private Session previous;

    /** A session the switch answered, until the remote's first data message confirms it; else null. */
    public Session pending() {
        return pending;
    }

    /** The session frames are sent with, or null. */
    public Session current() {
        return current;
    }

    /** Installs a freshly answered handshake's session; returns the pending one it replaces, if any. */
    public Session replacePending(Session session) {
        Session replaced = pending;
        pending = session;
        return replaced;
    }

    /**
     * The remote proved it holds {@code session}'s keys: it becomes current, the current one becomes the
     * previous. Returns the session that falls out (the old previous), if any.
     */
    public Session confirm(Session session) {
        if (session != pending) {
            return null;
        }
        pending = null;
        return install(session);
    }

    /** A session known good (this side initiated it and the response authenticated) becomes current; returns the one that falls out. */
    public Session install(Session session) {
        Session retired = previous;
        previous = current;
        current = session;
        return retired;
    }

    /** Takes the previous session out (it belonged to a vport that another one with the same key replaced); returns it, or null. */
    public Session dropPrevious() {
        Session dropped = previous;
        previous = null;
        return dropped;
    }

    /** Drops {@code session} wherever it sits. */
    public void remove(Session session) {
        if (session == null) {
            return;
        }
        if (pending == session) {
            pending = null;
        }
        if (current == session) {
            current = null;
        }
        if (previous == session) {
            previous = null;
        }
    }

    public boolean isEmpty() {
        return pending == null && current == null && previous == null;
    }

    /** Every session held, for removal. */
    public Session[] all() {
        return new Session[] {pending, current, previous};
    }
}
