/**
 * Wiring only: {@code SwitchService} builds the switch from its configuration (keys, the secure and legacy ports on
 * their {@link dev.vswitch.server.udp.UdpEdge}s, metrics, replica discovery), the health checks report on it, and
 * {@code VswitchMain} is the command line. The building blocks live in the packages below; none of them depends on
 * this one, and {@code ArchitectureTest} keeps every package free of cycles.
 */
package dev.vswitch.server;
