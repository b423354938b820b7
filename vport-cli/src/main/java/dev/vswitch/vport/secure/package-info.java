/**
 * The secure protocol's vport side: the client key, handshakes with cookies and rekeys, the data path that seals frames
 * from the TAP and opens the switch's, liveness and failover between the switch's addresses, and what the vport tells
 * its user when joining fails.
 */
package dev.vswitch.vport.secure;
