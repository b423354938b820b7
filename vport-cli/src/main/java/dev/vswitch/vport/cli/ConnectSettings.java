package dev.vswitch.vport.cli;

import dev.vswitch.protocol.keys.JoinToken;
import dev.vswitch.vport.values.HostPort;
import dev.vswitch.vport.values.Ipv4Cidr;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Validated settings of one {@code connect}.
 *
 * @param ip        null: assign no address
 * @param mac       null: keep the kernel's random MAC
 * @param secure    null: the seed's plain format (--legacy)
 * @param statusDir where the status file for {@code vport status} goes
 */
record ConnectSettings(HostPort target, String tapName, Ipv4Cidr ip, int mtu, Long mac, boolean verbose,
        Duration keepalive, Duration deadAfter, Secure secure, Path statusDir) {

    /**
     * The secure protocol's credentials.
     *
     * @param keyFile the client key file given with --key-file, or null for the default (or the token's key)
     */
    record Secure(JoinToken token, Path keyFile) {
    }
}
