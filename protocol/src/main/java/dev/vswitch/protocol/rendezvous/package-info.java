/**
 * Rendezvous through the switch: what a vport tells the switch of its own addresses, and what the switch tells two
 * vports of each other when unicast flows between them, so that they can try a direct path.
 */
package dev.vswitch.protocol.rendezvous;
