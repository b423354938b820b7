package dev.vswitch.server.secure;

import java.util.Locale;

/** What became of a handshake initiation. */
public enum HandshakeResult {
    /** Answered; the session starts once the client's first data message proves it has the keys. */
    ACCEPTED,
    /** The client sent data under the new session: it holds the network key. */
    CONFIRMED,
    /** The session was never confirmed: most likely a wrong network key. */
    UNCONFIRMED,
    /** mac1 wrong: the sender does not know the switch's public key (scanner, garbage). */
    BAD_MAC1,
    /** Under load without a valid mac2: answered with a cookie instead of a handshake. */
    COOKIE_SENT,
    /** The source sent initiations faster than its rate limit. */
    RATE_LIMITED,
    /** Did not decrypt: wrong switch key, tampered or truncated. */
    DECRYPT_FAILED,
    /** Names a network this switch does not have. */
    UNKNOWN_NETWORK,
    /** The client key is not on the network's allow-list (never added, or revoked). */
    CLIENT_NOT_ALLOWED,
    /** Timestamp not newer than the last accepted one from this key: a replayed initiation. */
    REPLAYED,
    /** From a vport whose session another vport with the same key replaced, while that one is live: two machines, one key. */
    KEY_IN_USE,
    /** Dropped unread: the handshake workers' queue was full (a flood); the vport retries with a new one. */
    BUSY;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
