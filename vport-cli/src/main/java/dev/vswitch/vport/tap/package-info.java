/**
 * The Linux TAP device: opening {@code /dev/net/tun}, its ioctls and interface configuration through JNA, with the
 * offload header. The only package with native calls; {@link dev.vswitch.vport.tap.FrameDevice} is what the rest uses,
 * so tests run the vport on an in-memory device.
 */
package dev.vswitch.vport.tap;
