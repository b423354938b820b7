package dev.vswitch.vport.status;

import dev.vswitch.vport.status.VportStatus.Mode;
import dev.vswitch.vport.status.VportStatus.Traffic;

/** A {@link VportStatus} in one line for people: what {@code vport status} prints without {@code --json}. */
public final class StatusSummary {

    private StatusSummary() {
    }

    /**
     * E.g. {@code tapyuan: connected to 198.18.1.1:9999 (network lab), session 42 s, rtt 0.41 ms (avg 0.45 ms),
     * in 1.2 MiB / 3400 frames, out 300.0 KiB / 1200 frames}; dropped frames by reason at the end when there are any.
     */
    public static String line(VportStatus status) {
        StringBuilder line = new StringBuilder(status.tap()).append(": ");
        line.append(status.connected() ? "connected to " : "not connected to ").append(status.switchTarget());
        line.append(" (");
        if (status.switchAddress() != null && !status.switchAddress().equals(status.switchTarget())) {
            line.append(status.switchAddress()).append(", ");
        }
        line.append(status.mode() == Mode.SECURE ? "network " + status.network() : "legacy").append(')');
        if (!status.connected()) {
            line.append(": ").append(status.state() == null ? "unknown state" : status.state()).append(", ")
                    .append(status.secondsSinceHeard() == null ? "nothing heard yet"
                            : "last heard " + HumanUnits.duration(Math.round(status.secondsSinceHeard())) + " ago");
        }
        if (status.sessionAgeSeconds() != null) {
            line.append(", session ").append(HumanUnits.duration(status.sessionAgeSeconds()));
        }
        line.append(", rtt ");
        if (status.rttMillis() == null) {
            line.append("not measured yet");
        } else {
            line.append(HumanUnits.millis(status.rttMillis())).append(" ms");
            if (status.rttSmoothedMillis() != null) {
                line.append(" (avg ").append(HumanUnits.millis(status.rttSmoothedMillis())).append(" ms)");
            }
        }
        line.append(", in ").append(traffic(status.fromSwitch())).append(", out ").append(traffic(status.toSwitch()));
        if (status.offload() != null) {
            line.append(", offload ").append(status.offload().mode()).append(": path ").append(status.offload().path());
            if (status.offload().fallbacks() > 0) {
                line.append(" (").append(status.offload().fallbacks()).append(" fallback")
                        .append(status.offload().fallbacks() == 1 ? "" : "s").append(" to path-MTU datagrams)");
            }
        }
        if (!status.peers().isEmpty()) {
            line.append(status.peers().size() == 1 ? ", peer " : ", peers ");
            for (int i = 0; i < status.peers().size(); i++) {
                VportStatus.Peer peer = status.peers().get(i);
                line.append(i == 0 ? "" : "; ").append(peer.mac()).append(" at ").append(peer.endpoint()).append(' ')
                        .append(peer.path());
                if (peer.direct() != null) {
                    line.append(" via ").append(peer.direct());
                } else if (peer.why() != null) {
                    line.append(" (").append(peer.why()).append(')');
                }
            }
        }
        StringBuilder dropped = new StringBuilder();
        status.drops().forEach((reason, count) -> {
            if (count > 0) {
                dropped.append(dropped.length() == 0 ? "" : " ").append(reason).append('=').append(count);
            }
        });
        if (dropped.length() > 0) {
            line.append(", dropped ").append(dropped);
        }
        return line.toString();
    }

    private static String traffic(Traffic traffic) {
        return HumanUnits.bytes(traffic.bytes()) + " / " + traffic.frames() + (traffic.frames() == 1 ? " frame" : " frames");
    }
}
