package dev.vswitch.vport.direct;

import java.security.SecureRandom;
import java.time.Clock;

/**
 * What a vport's handshakes with other vports need: its own static key, and the network's key and name from its join
 * token. A direct session is Noise IKpsk2 as with the switch, the peer's static key (from its introduction) in place of
 * the switch's, so only a member of the same network completes one.
 *
 * @param wallClock the time in initiations: a peer accepts only one newer than the last it accepted from this vport
 */
public record PeerKeys(byte[] privateKey, byte[] networkKey, String network, SecureRandom random, Clock wallClock) {
}
