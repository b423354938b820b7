package dev.vswitch.vport.secure;

import dev.vswitch.protocol.wire.HandshakeRefusal;
import dev.vswitch.vport.ExitCode;

/**
 * Why a vport is not let in, as far as it can tell, in one line that says what to check: nothing listens at the
 * switch's address (ICMP port unreachable), no answer at all, the switch's refusal and its reason (docs/protocol.md,
 * type 6), or an answer that does not authenticate (a wrong network key). A refusal is unauthenticated, so it only ever
 * feeds these lines: the vport keeps trying whatever it says.
 *
 * @param line     what the user reads
 * @param exitCode what {@code connect --give-up-after} ends with
 */
record JoinTrouble(String line, ExitCode exitCode) {

    /** The switch's host answered "port unreachable": nothing listens there. */
    static JoinTrouble nothingListening(String switchAt) {
        return new JoinTrouble("nothing listens on udp " + switchAt + " (ICMP port unreachable): is the switch running"
                + " there, and is this its port (vswitch.port, 9999 by default)?", ExitCode.NO_SWITCH);
    }

    /** Nothing came back at all. */
    static JoinTrouble noAnswer(String switchAt) {
        return new JoinTrouble("no answer from the switch at " + switchAt + " to any handshake: check that the host"
                + " is up and reachable and that no firewall drops udp to it; a switch that explains no refusals"
                + " (vswitch.handshakes.explain-refusals=false) is also silent to a token it does not know",
                ExitCode.NO_SWITCH);
    }

    /** The switch answered, but not with a response that authenticates: it holds another network key. */
    static JoinTrouble wrongNetworkKey() {
        return new JoinTrouble(SecureLink.HANDSHAKE_FAILED_LINE, ExitCode.REFUSED);
    }

    /** The switch refused the handshake and said why. */
    static JoinTrouble refused(HandshakeRefusal.Reason reason, String switchAt, String network, String publicKey) {
        String why = switch (reason) {
            case UNKNOWN_SWITCH_KEY -> "it does not hold the switch key this token names: the token comes from another"
                    + " switch (or this switch's key changed); get a join token from this switch";
            case UNKNOWN_NETWORK -> "it has no network '" + network + "': the token is for another switch, or the network"
                    + " was removed; ask the switch's operator";
            case CLIENT_NOT_ALLOWED -> "this machine's key " + publicKey + " is not on the allow-list of network '"
                    + network + "'; ask the operator to add it to vswitch.networks." + network + ".allowed-clients";
            case STALE_TIMESTAMP -> "it has seen a newer handshake from this machine's key: another vport uses the same"
                    + " key file, or this machine's clock went back";
            case KEY_IN_USE -> "another vport with this machine's key (" + publicKey + ") is connected to it; give each"
                    + " machine its own key file (--key-file)";
        };
        return new JoinTrouble("the switch at " + switchAt + " refuses to let this vport in: " + why, ExitCode.REFUSED);
    }
}
