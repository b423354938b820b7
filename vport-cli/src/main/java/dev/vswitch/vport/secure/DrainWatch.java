package dev.vswitch.vport.secure;

import java.net.InetSocketAddress;

/**
 * Whether the switch in use said it is shutting down (its keepalive replies carry the draining flag), and whether the
 * monitor has acted on that yet: the receiving thread notes every reply, the monitor asks at each tick and acts once per
 * draining switch.
 */
final class DrainWatch {

    /** The switch whose last keepalive reply said it is shutting down, or null. */
    private volatile InetSocketAddress drainingSwitch;
    /** The draining switch the monitor has acted on (moved off, or said so), or null. */
    private volatile InetSocketAddress handled;

    /** A keepalive reply from the switch at {@code from} said whether it is shutting down; the receiving thread. */
    void replied(InetSocketAddress from, boolean draining) {
        if (draining) {
            drainingSwitch = from;
        } else if (from.equals(drainingSwitch)) {
            drainingSwitch = null; // a switch at that address that is not shutting down (a new one, or it changed its mind)
            handled = null;
        }
    }

    /** True, once, when the switch at {@code remote} (the one in use) said it is shutting down; the monitor thread. */
    boolean newlyDraining(InetSocketAddress remote) {
        InetSocketAddress draining = drainingSwitch;
        if (draining != null && draining.equals(remote) && !draining.equals(handled)) {
            handled = draining;
            return true;
        }
        return false;
    }
}
