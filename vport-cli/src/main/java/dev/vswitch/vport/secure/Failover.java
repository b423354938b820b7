package dev.vswitch.vport.secure;

import dev.vswitch.vport.link.Endpoints;
import dev.vswitch.vport.link.SwitchConnection;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Moves a {@link SecureLink} to another switch when the one in use does not answer: with one switch, to the address
 * its name resolves to now; with several ({@link Endpoints}), on to the next one in turn. The monitor thread moves the
 * link; the switch-to-TAP thread says when a handshake completed.
 */
final class Failover {

    /** Its lines are the link's: logged under {@link SecureLink}'s name, where users (and tests) look for them. */
    private static final Logger LOG = Logger.getLogger(SecureLink.class);

    private final Endpoints endpoints;
    private final SwitchConnection link;
    private final Handshaker handshaker;
    /** Moves to another switch since the last completed handshake, to log only the first round of them. */
    private final AtomicInteger failovers = new AtomicInteger();

    Failover(Endpoints endpoints, SwitchConnection link, Handshaker handshaker) {
        this.endpoints = endpoints;
        this.link = link;
        this.handshaker = handshaker;
    }

    /** One switch: its name may point elsewhere now (dynamic DNS, a rescheduled pod); follows it if so. */
    void followAddressChange() {
        Endpoints.Endpoint moved = endpoints.next();
        if (!moved.address().equals(link.remote()) && reconnect(moved)) {
            LOG.infof("switch %s now resolves to %s; reconnected", moved.target(), moved.ip());
        }
    }

    /**
     * Several switches: the one in use did not answer the handshake, so the link moves on to the next. Each move is
     * logged until every switch has been tried once without success; then one line says so, and the vport keeps
     * trying them in turn without more lines until one answers.
     */
    void failOver() {
        failOver(handshaker.answerFailed() ? "rejected the handshake" : "not answering");
    }

    /** Several switches: moves the link on to the next one, because the one in use is {@code why}. */
    void failOver(String why) {
        Endpoints.Endpoint from = endpoints.current();
        Endpoints.Endpoint to = endpoints.next();
        if (to.equals(from) || !to.address().equals(link.remote()) && !reconnect(to)) {
            return; // looked up again, the names left only this one; or the move failed (and said why)
        }
        int moves = failovers.incrementAndGet();
        int count = endpoints.all().size();
        if (moves < count) {
            LOG.warnf("switch %s %s; trying %s", from, why, to);
        } else if (moves == count) {
            LOG.warnf("switch %s %s; none of the %d switches answers, trying them in turn", from, why, count);
        }
    }

    void handshakeCompleted() {
        failovers.set(0);
    }

    /** True when the link moved to another switch since the last completed handshake. */
    boolean movedOn() {
        return failovers.get() > 0;
    }

    private boolean reconnect(Endpoints.Endpoint to) {
        try {
            link.reconnect(to.address());
            return true;
        } catch (IOException e) {
            LOG.warnf("cannot reconnect to switch %s: %s", to, e.getMessage());
            return false;
        }
    }
}
