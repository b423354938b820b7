/**
 * Direct paths between vports: what this vport tells the switch of its own endpoints, the other vports the switch
 * introduced it to (rendezvous), hole punching towards them, and direct sessions that carry unicast to the MACs behind
 * them ({@link dev.vswitch.vport.direct.DirectPaths} has the flow in order). Everything else, and everything to a peer
 * without a direct path, goes through the switch.
 */
package dev.vswitch.vport.direct;
