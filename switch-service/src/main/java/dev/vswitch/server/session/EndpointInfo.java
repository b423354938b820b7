package dev.vswitch.server.session;

/** What the management API shows about a port's far end; implemented by the secure port's peers. */
public interface EndpointInfo {

    /** Where its packets come from now, host:port. */
    String address();

    /** Its public key (base64), or null on the legacy port. */
    String clientKey();

    /** Age of its current session in seconds, or -1 without one. */
    long sessionAgeSeconds(long nowNanos);
}
