package dev.vswitch.vport.cli;

import dev.vswitch.vport.values.HostPort;
import dev.vswitch.vport.values.Ipv4Cidr;
import java.time.Duration;

/**
 * Validated settings of one {@code connect}.
 *
 * @param ip  null: assign no address
 * @param mac null: keep the kernel's random MAC
 */
record ConnectSettings(HostPort target, String tapName, Ipv4Cidr ip, int mtu, Long mac, boolean verbose,
        Duration keepalive, Duration deadAfter) {
}
