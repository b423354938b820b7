/**
 * What the secure port and the replica mesh share: the table of live sessions by receiver index, the pending, current
 * and previous session of each far end, and what a port's far end is ({@link dev.vswitch.server.session.PortEndpoint}:
 * a vport's peer or a trunk to another replica).
 */
package dev.vswitch.server.session;
