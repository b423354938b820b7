/**
 * The seed's plain format (the legacy port): Ethernet frames in UDP datagrams as they are, a keepalive that asks after
 * the switch, and with {@code --offload} the offload frames. What both formats share (the socket, the threads and TAP
 * loop, counters and state) is in {@code dev.vswitch.vport.link}; the secure format is {@code dev.vswitch.vport.secure}.
 */
package dev.vswitch.vport.plain;
