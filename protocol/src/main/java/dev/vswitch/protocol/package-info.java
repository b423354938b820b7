/**
 * What both programs agree on below the secure protocol: Ethernet frame fields and MAC addresses, the keepalive frame,
 * and the MTU arithmetic of a frame inside UDP. The formats and their crypto are in the packages below, which may
 * use this one but never the other way round.
 */
package dev.vswitch.protocol;
