package dev.vswitch.vport.secure;

import dev.vswitch.vport.link.Endpoints;
import java.time.Duration;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Where a {@link SecureLink} stands as far as the user is told, and the one line for each change: connected (to which
 * switch), waiting for an answer, or, until the first handshake completes, why the vport is not let in
 * ({@link JoinTrouble}). The monitor thread and the switch-to-TAP thread change it and the status thread reads it, so
 * every method holds this object's lock.
 */
final class StateChanges {

    /** Its lines are the link's: logged under {@link SecureLink}'s name, where users (and tests) look for them. */
    private static final Logger LOG = Logger.getLogger(SecureLink.class);

    /** The state, and the switch the last "connected to" line named (null before the first), read together. */
    record Snapshot(SecureLink.State state, Endpoints.Endpoint connectedTo) {
    }

    private final String network;
    private final Duration deadAfter;
    private SecureLink.State state = SecureLink.State.CONNECTING;
    private Endpoints.Endpoint connectedTo;
    /** Why the vport is not let in, as last said. */
    private JoinTrouble trouble;

    StateChanges(String network, Duration deadAfter) {
        this.network = network;
        this.deadAfter = deadAfter;
    }

    synchronized SecureLink.State state() {
        return state;
    }

    synchronized Snapshot snapshot() {
        return new Snapshot(state, connectedTo);
    }

    /** Why the vport is not let in, as last said; null when nothing was said or the link connected since. */
    synchronized JoinTrouble trouble() {
        return trouble;
    }

    /** A handshake completed: says so when the link was not connected, or was connected to another switch. */
    synchronized void connected(Endpoints.Endpoint to) {
        if (state != SecureLink.State.CONNECTED || !to.equals(connectedTo)) {
            state = SecureLink.State.CONNECTED;
            connectedTo = to;
            trouble = null;
            LOG.infof("connected to %s (%snetwork %s)", to.target(), to.target().isLiteral() ? "" : to.ip() + ", ", network);
        }
    }

    /** The switch answered but will not let us in: {@code rejected} is REJECTED (wrong network key) or REFUSED. */
    synchronized void rejected(SecureLink.State rejected, JoinTrouble why) {
        state = rejected;
        say(why);
    }

    /** A first handshake went unanswered: says why, once per change, unless the switch has said why itself. */
    synchronized void unanswered(Supplier<JoinTrouble> silence) {
        if (state == SecureLink.State.CONNECTING || state == SecureLink.State.SILENT) {
            say(silence.get());
        }
    }

    /**
     * Nothing authentic came for --dead-after: true when the link just went silent (and says so); false when it was
     * silent, rejected or refused already. Before the first handshake with one switch the line says what the silence
     * means ({@code silence}); otherwise which switch is waited for.
     */
    synchronized boolean silent(Endpoints endpoints, Supplier<JoinTrouble> silence) {
        if (state == SecureLink.State.SILENT || state == SecureLink.State.REJECTED || state == SecureLink.State.REFUSED) {
            return false;
        }
        boolean first = state == SecureLink.State.CONNECTING;
        state = SecureLink.State.SILENT;
        if (first && !endpoints.several()) {
            say(silence.get());
        } else {
            LOG.warnf("waiting for handshake response from %s (no answer for %d s)", endpoints.current(), deadAfter.toSeconds());
        }
        return true;
    }

    /** Logs {@code why} unless it is what was said last. */
    private void say(JoinTrouble why) {
        if (!why.equals(trouble)) {
            trouble = why;
            LOG.warn(why.line());
        }
    }
}
