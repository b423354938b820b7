package dev.vswitch.vport.cli;

import dev.vswitch.protocol.keys.JoinToken;
import dev.vswitch.vport.link.PathProof;
import dev.vswitch.vport.values.HostPort;
import dev.vswitch.vport.values.Ipv4Cidr;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Validated settings of one {@code connect}.
 *
 * @param targets   the switch, or (secure protocol) several replicas of it in the order to try them
 * @param ip        null: assign no address
 * @param mac       null: keep the kernel's random MAC
 * @param giveUpAfter with no first handshake after this long, stop (secure protocol); zero: never
 * @param offload   TCP segmentation and checksum offload through the TAP (--offload), in either protocol: off, on (the
 *                  path is trusted with large datagrams) or auto (only while probes prove it carries them)
 * @param secure    null: the seed's plain format (--legacy)
 * @param statusDir where the status file for {@code vport status} goes
 */
record ConnectSettings(List<HostPort> targets, String tapName, Ipv4Cidr ip, int mtu, Long mac, boolean verbose,
        Duration keepalive, Duration deadAfter, Duration giveUpAfter, PathProof.Mode offload, Secure secure, Path statusDir) {

    ConnectSettings {
        targets = List.copyOf(targets);
    }

    /**
     * The secure protocol's credentials.
     *
     * @param keyFile the client key file given with --key-file, or null for the default (or the token's key)
     */
    record Secure(JoinToken token, Path keyFile) {
    }
}
