/**
 * What both wire formats share: the UDP connection to the switch (behind {@link dev.vswitch.vport.link.SwitchConnection},
 * so tests use an in-memory one), the threads and the TAP loop, frame limits, counters, link state and round trips.
 */
package dev.vswitch.vport.link;
