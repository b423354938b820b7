/** Micrometer meters for the ports, networks, handshakes and trunks, and the bounded per-port series. */
package dev.vswitch.server.metrics;
