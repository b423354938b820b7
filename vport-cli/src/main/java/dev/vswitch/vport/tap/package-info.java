/**
 * The Linux TAP device: opening {@code /dev/net/tun}, its ioctls and interface configuration through JNA, with the
 * offload header. With {@code udp}, the only package with native calls ({@code jna} chooses how they bind); {@link
 * dev.vswitch.vport.tap.FrameDevice} is what the rest uses, so tests run the vport on an in-memory device.
 */
package dev.vswitch.vport.tap;
