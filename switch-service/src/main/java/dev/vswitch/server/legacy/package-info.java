/**
 * The opt-in legacy port, a {@link dev.vswitch.server.udp.DatagramHandler} for the seed's plain format: one
 * unauthenticated Ethernet frame per datagram, into its own open network whose new ports and flood traffic per source
 * are bounded.
 */
package dev.vswitch.server.legacy;
