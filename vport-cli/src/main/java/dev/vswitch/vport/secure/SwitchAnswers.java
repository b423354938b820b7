package dev.vswitch.vport.secure;

import dev.vswitch.protocol.rendezvous.Rendezvous;
import java.nio.ByteBuffer;

/**
 * What the {@link DataPath}'s switch-to-TAP thread hands on to the link it serves: the switch's handshake messages,
 * which arrive on the same socket as its data, and what its keepalive replies say of the switch. This is all the data
 * path knows of the link; the link keeps the handshake state and acts on these.
 */
interface SwitchAnswers {

    /** A handshake response; {@code confirmFrame} and {@code confirmMessage} are the receiving thread's keepalive buffers. */
    void onResponse(byte[] response, ByteBuffer confirmFrame, ByteBuffer confirmMessage);

    /** A cookie reply: the switch is under load and wants the initiation again with the cookie. */
    void onCookieReply(byte[] reply);

    /** The switch refused the handshake and said why. */
    void onRefusal(byte[] refusal);

    /** The flags of the switch's keepalive reply: shutting down, introducing vports ({@link dev.vswitch.protocol.Keepalive}). */
    void onSwitchFlags(byte flags);

    /** The switch introduced another vport of the network (rendezvous); null when its message was malformed. */
    void onIntroduction(Rendezvous.PeerIntro peer);
}
