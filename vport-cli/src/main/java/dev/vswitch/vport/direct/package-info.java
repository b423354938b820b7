/**
 * Direct paths between vports, first part: what this vport tells the switch of its own endpoints, and the other vports
 * the switch introduced it to (rendezvous). Hole punching and direct sessions are to come; until then every frame goes
 * through the switch, and {@code vport status} lists the introduced peers as relayed.
 */
package dev.vswitch.vport.direct;
