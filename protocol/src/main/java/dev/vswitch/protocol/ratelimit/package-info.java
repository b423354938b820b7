/** A token bucket on the caller's clock: storm control, handshake rate limits, new ports of the open network. */
package dev.vswitch.protocol.ratelimit;
