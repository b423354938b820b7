/**
 * Replicas: discovery (DNS or a static list), and the full mesh of encrypted trunks over the secure port, each with its
 * own handshake, keepalives and a trunk port in every network.
 */
package dev.vswitch.server.cluster;
