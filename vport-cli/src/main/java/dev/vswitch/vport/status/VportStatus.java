package dev.vswitch.vport.status;

import dev.vswitch.protocol.MacAddress;
import dev.vswitch.protocol.text.AddressText;
import dev.vswitch.vport.link.LinkCounters;
import dev.vswitch.vport.link.LinkState;
import dev.vswitch.vport.link.PathProof;
import dev.vswitch.vport.values.HostPort;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a running {@code vport connect} publishes about itself once a second, and what {@code vport status}
 * reads back: the content of a status file. It holds nothing secret (no token, key or network key), so the
 * file can be readable by everyone. {@link StatusJson} writes and reads it, {@link StatusSummary} says it in one
 * line for people. The JSON form, members in this order:
 *
 * <pre>
 * {
 *   "format": 1,                          this layout; a reader ignores members it does not know
 *   "tap": "tapyuan",
 *   "mode": "secure",                     or "legacy" (the seed's plain format)
 *   "switch": "switch.lan:9999",          the switch in use, as given (token or command line)
 *   "switch_address": "198.18.1.1:9999",  where the vport sends now (the name as resolved last)
 *   "network": "lab",                     secure only, else null
 *   "connected": true,                    the switch answered within --dead-after (secure: and a session is in use)
 *   "state": "connected",                 connecting, connected, silent or rejected (secure: wrong keys)
 *   "session_age_seconds": 42,            secure: age of the session in use, else null
 *   "last_handshake": "2025-01-01T10:00:00.123Z",   secure: when the last handshake completed, else null
 *   "seconds_since_heard": 0.4,           since the last datagram (secure: authentic message) from the switch; null if none
 *   "rtt_ms": 0.41,                       the last keepalive round trip; null before the first reply
 *   "rtt_smoothed_ms": 0.45,              smoothed as TCP does (RFC 6298); null before the first reply
 *   "to_switch": {"frames": 1200, "bytes": 300000},
 *   "from_switch": {"frames": 3400, "bytes": 1200000},
 *   "keepalives": {"sent": 9, "answered": 9},
 *   "offload": {"mode": "auto", "path": "proven", "fallbacks": 0, "probes_sent": 4, "probes_answered": 4},
 *                                         --offload: how the path is used (path: unproven, proven, fell back or trusted);
 *                                         null with --offload=off
 *   "peers": [{"key": "base64", "mac": "02:00:00:00:00:02", "endpoint": "198.19.5.1:61000",
 *              "local": ["10.1.2.3:51820"], "path": "direct", "why": "answered at 10.1.2.3:51820",
 *              "direct": "10.1.2.3:51820", "rtt_ms": 0.4, "seconds_since_introduced": 3.2}],
 *                                         the vports the switch introduced this one to (rendezvous): path "direct"
 *                                         (unicast to it goes straight there, "direct" says where), "punching" (trying)
 *                                         or "relayed" (through the switch), "why" in a few words; rtt_ms from the last
 *                                         direct handshake, null before one
 *   "drops": {"oversize": 0, "runt": 0, ...},   every reason of the shutdown summary, with its count
 *   "pid": 1234,
 *   "started_at": "2025-01-01T09:59:18.001Z",
 *   "updated_at": "2025-01-01T10:00:00.456Z"
 * }
 * </pre>
 *
 * @param network             null in the plain format
 * @param sessionAgeSeconds   null without a session, and in the plain format
 * @param lastHandshake       null before the first handshake, and in the plain format
 * @param secondsSinceHeard   null until the switch is first heard
 * @param rttMillis           null until the first keepalive reply
 * @param rttSmoothedMillis   null until the first keepalive reply
 * @param offload             null without offload
 */
public record VportStatus(String tap, Mode mode, String switchTarget, String switchAddress, String network, boolean connected,
        String state, Long sessionAgeSeconds, Instant lastHandshake, Double secondsSinceHeard, Double rttMillis,
        Double rttSmoothedMillis, Traffic toSwitch, Traffic fromSwitch, long keepalivesSent, long keepalivesAnswered,
        Offload offload, List<Peer> peers, Map<String, Long> drops, long pid, Instant startedAt, Instant updatedAt) {

    /** The layout written; readers accept any, ignoring members they do not know. */
    public static final int FORMAT = 1;

    /** The protocol a vport speaks. */
    public enum Mode {
        SECURE, LEGACY;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Mode of(String label) {
            for (Mode mode : values()) {
                if (mode.label().equals(label)) {
                    return mode;
                }
            }
            throw new IllegalArgumentException("unknown mode \"" + label + "\"");
        }
    }

    /** Frames and their bytes (Ethernet frames, without UDP or protocol overhead) in one direction. */
    public record Traffic(long frames, long bytes) {
    }

    /**
     * What {@code --offload} knows of the path.
     *
     * @param mode auto or on
     * @param path unproven, proven, fell back (auto), or trusted (on)
     */
    public record Offload(String mode, String path, long fallbacks, long probesSent, long probesAnswered) {

        static Offload of(PathProof.Reading reading) {
            return reading == null ? null : new Offload(reading.mode().label(), reading.verdict().label(), reading.fallbacks(),
                    reading.probesSent(), reading.probesAnswered());
        }
    }

    /**
     * Another vport the switch introduced this one to.
     *
     * @param key      its static public key, base64
     * @param endpoint where the switch sees it (after NAT)
     * @param local    the endpoints it reported (its interfaces' addresses)
     * @param path     how unicast to it goes: "direct", "punching" (through the switch while trying) or "relayed"
     * @param why      why the path is what it is, in a few words
     * @param direct   where the direct path reaches it; null unless direct
     * @param rttMillis the round trip of the last direct handshake; null before one
     */
    public record Peer(String key, String mac, String endpoint, List<String> local, String path, String why, String direct,
                       Double rttMillis, double secondsSinceIntroduced) {

        public Peer {
            local = List.copyOf(local);
        }

        static Peer of(LinkState.Peer peer) {
            return new Peer(peer.publicKey(), MacAddress.format(peer.mac()), AddressText.endpoint(peer.observed()),
                    peer.local().stream().map(AddressText::endpoint).toList(), peer.path(), peer.why(),
                    peer.direct() == null ? null : AddressText.endpoint(peer.direct()),
                    peer.rtt() == null ? null : peer.rtt().toNanos() / 1e6, seconds(peer.sinceIntroduced()));
        }
    }

    /**
     * What does not change while a vport runs.
     *
     * @param switchTarget the switch the vport started with; the link names the one in use when it fails over
     * @param network      null in the plain format
     */
    public record Identity(String tap, Mode mode, HostPort switchTarget, String network, long pid, Instant startedAt) {

        /** This process, started now. */
        public static Identity ofThisProcess(String tap, Mode mode, HostPort switchTarget, String network, Instant startedAt) {
            return new Identity(tap, mode, switchTarget, network, ProcessHandle.current().pid(), startedAt);
        }
    }

    public VportStatus {
        drops = Collections.unmodifiableMap(new LinkedHashMap<>(drops));
        peers = List.copyOf(peers);
    }

    /** The status of a running link at {@code now}. */
    public static VportStatus of(Identity identity, LinkState link, LinkCounters counters, Instant now) {
        Map<String, Long> drops = new LinkedHashMap<>();
        for (LinkCounters.Drop reason : LinkCounters.Drop.values()) {
            drops.put(reason.label(), counters.drops(reason));
        }
        Instant lastHandshake = link.sinceHandshake() == null ? null : now.minus(link.sinceHandshake());
        HostPort target = link.target() != null ? link.target() : identity.switchTarget();
        return new VportStatus(identity.tap(), identity.mode(), target.toString(), AddressText.endpoint(link.remote()),
                identity.network(), link.connected(), link.phase().label(),
                link.sessionAge() == null ? null : link.sessionAge().toSeconds(), lastHandshake,
                link.sinceHeard() == null ? null : seconds(link.sinceHeard()),
                link.rtt().measured() ? link.rtt().lastMillis() : null, link.rtt().measured() ? link.rtt().smoothedMillis() : null,
                new Traffic(counters.framesToSwitch(), counters.bytesToSwitch()),
                new Traffic(counters.framesFromSwitch(), counters.bytesFromSwitch()),
                counters.keepalivesSent(), counters.keepalivesReceived(), Offload.of(link.offload()),
                link.peers().stream().map(Peer::of).toList(), drops, identity.pid(), identity.startedAt(), now);
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }
}
