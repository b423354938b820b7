package dev.vswitch.switching;

import java.time.Duration;

/**
 * The per-network protections against a hostile or broken host on the LAN (in the spirit of Linux
 * bridge {@code fdb_max_learned}, switch port security and SoftEther's storm control).
 *
 * @param maxMacsPerPort      MACs one port may own; new source MACs beyond it are dropped (CAM overflow)
 * @param macMoveHold         a MAC seen on a live port this recently cannot be taken over by another port
 * @param macOwnerHold        a MAC that a port's keepalive named this recently cannot be taken over by another port:
 *                            longer than the vports' keepalive interval, so an owner that keeps alive keeps its MAC
 * @param broadcast           storm control for broadcast frames, per port
 * @param multicast           storm control for multicast frames, per port
 * @param unknownUnicast      storm control for frames to unknown MACs, per port
 */
public record L2Safety(int maxMacsPerPort, Duration macMoveHold, Duration macOwnerHold, FloodLimit broadcast, FloodLimit multicast,
                       FloodLimit unknownUnicast) {
}
