/**
 * The vport's UDP socket to the switch owned through JNA ({@link dev.vswitch.vport.udp.NativeUdpSocket}), for what
 * {@code DatagramChannel} cannot do: send a run of equal-sized datagrams with one {@code sendmsg} (UDP GSO) and
 * receive them coalesced (UDP GRO). Besides {@code tap}, the only package with native calls.
 */
package dev.vswitch.vport.udp;
