package dev.vswitch.vport.status;

import dev.vswitch.protocol.text.AddressText;
import dev.vswitch.vport.link.LinkCounters;
import dev.vswitch.vport.link.LinkState;
import dev.vswitch.vport.values.HostPort;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a running {@code vport connect} publishes about itself once a second, and what {@code vport status}
 * reads back: the content of a status file. It holds nothing secret (no token, key or network key), so the
 * file can be readable by everyone. The JSON form, members in this order:
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
 */
public record VportStatus(String tap, Mode mode, String switchTarget, String switchAddress, String network, boolean connected,
        String state, Long sessionAgeSeconds, Instant lastHandshake, Double secondsSinceHeard, Double rttMillis,
        Double rttSmoothedMillis, Traffic toSwitch, Traffic fromSwitch, long keepalivesSent, long keepalivesAnswered,
        Map<String, Long> drops, long pid, Instant startedAt, Instant updatedAt) {

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
                counters.keepalivesSent(), counters.keepalivesReceived(), drops, identity.pid(), identity.startedAt(), now);
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    // ---- JSON -------------------------------------------------------------------------------------

    public String toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("format", FORMAT);
        json.put("tap", tap);
        json.put("mode", mode.label());
        json.put("switch", switchTarget);
        json.put("switch_address", switchAddress);
        json.put("network", network);
        json.put("connected", connected);
        json.put("state", state);
        json.put("session_age_seconds", sessionAgeSeconds);
        json.put("last_handshake", instant(lastHandshake));
        json.put("seconds_since_heard", secondsSinceHeard);
        json.put("rtt_ms", rttMillis);
        json.put("rtt_smoothed_ms", rttSmoothedMillis);
        json.put("to_switch", trafficJson(toSwitch));
        json.put("from_switch", trafficJson(fromSwitch));
        Map<String, Object> keepalives = new LinkedHashMap<>();
        keepalives.put("sent", keepalivesSent);
        keepalives.put("answered", keepalivesAnswered);
        json.put("keepalives", keepalives);
        json.put("drops", drops);
        json.put("pid", pid);
        json.put("started_at", instant(startedAt));
        json.put("updated_at", instant(updatedAt));
        return Json.write(json);
    }

    private static String instant(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    private static Map<String, Object> trafficJson(Traffic traffic) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("frames", traffic.frames());
        json.put("bytes", traffic.bytes());
        return json;
    }

    /**
     * Reads a status file's content.
     *
     * @throws IllegalArgumentException when it is not JSON or lacks what every status has; the message says what
     */
    public static VportStatus fromJson(String text) {
        if (!(Json.read(text) instanceof Map<?, ?> root)) {
            throw new IllegalArgumentException("not a JSON object");
        }
        Fields json = new Fields(root, "");
        Fields keepalives = json.object("keepalives");
        Map<String, Long> drops = new LinkedHashMap<>();
        Fields dropFields = json.object("drops");
        for (Object name : dropFields.names()) {
            drops.put((String) name, dropFields.count((String) name));
        }
        return new VportStatus(json.requiredString("tap"), Mode.of(json.requiredString("mode")), json.requiredString("switch"),
                json.string("switch_address"), json.string("network"), json.bool("connected"), json.string("state"),
                json.longOrNull("session_age_seconds"), json.instant("last_handshake"), json.doubleOrNull("seconds_since_heard"),
                json.doubleOrNull("rtt_ms"), json.doubleOrNull("rtt_smoothed_ms"), json.traffic("to_switch"),
                json.traffic("from_switch"), keepalives.count("sent"), keepalives.count("answered"), drops,
                json.requiredLong("pid"), json.instant("started_at"), json.instant("updated_at"));
    }

    /** Typed access to one JSON object's members, with errors that name the member. */
    private record Fields(Map<?, ?> members, String prefix) {

        Iterable<?> names() {
            return members.keySet();
        }

        Object get(String name) {
            return members.get(name);
        }

        IllegalArgumentException wrong(String name, String want) {
            return new IllegalArgumentException("\"" + prefix + name + "\" is not " + want);
        }

        String string(String name) {
            Object value = get(name);
            if (value == null || value instanceof String) {
                return (String) value;
            }
            throw wrong(name, "a string");
        }

        String requiredString(String name) {
            String value = string(name);
            if (value == null) {
                throw new IllegalArgumentException("no \"" + prefix + name + "\"");
            }
            return value;
        }

        boolean bool(String name) {
            if (get(name) instanceof Boolean flag) {
                return flag;
            }
            throw wrong(name, "true or false");
        }

        Long longOrNull(String name) {
            Object value = get(name);
            if (value == null || value instanceof Long) {
                return (Long) value;
            }
            throw wrong(name, "a whole number");
        }

        long requiredLong(String name) {
            Long value = longOrNull(name);
            if (value == null) {
                throw new IllegalArgumentException("no \"" + prefix + name + "\"");
            }
            return value;
        }

        /** A counter: absent counts as 0, so a reader copes with a writer that has fewer counters. */
        long count(String name) {
            Long value = longOrNull(name);
            return value == null ? 0 : value;
        }

        Double doubleOrNull(String name) {
            Object value = get(name);
            if (value == null) {
                return null;
            }
            if (value instanceof Number number) {
                return number.doubleValue();
            }
            throw wrong(name, "a number");
        }

        Instant instant(String name) {
            String value = string(name);
            try {
                return value == null ? null : Instant.parse(value);
            } catch (DateTimeParseException e) {
                throw wrong(name, "an ISO-8601 time");
            }
        }

        Fields object(String name) {
            Object value = get(name);
            if (value == null) {
                return new Fields(Map.of(), prefix + name + ".");
            }
            if (value instanceof Map<?, ?> nested) {
                return new Fields(nested, prefix + name + ".");
            }
            throw wrong(name, "an object");
        }

        Traffic traffic(String name) {
            Fields traffic = object(name);
            return new Traffic(traffic.count("frames"), traffic.count("bytes"));
        }
    }

    // ---- for people -------------------------------------------------------------------------------

    /**
     * One line, e.g. {@code tapyuan: connected to 198.18.1.1:9999 (network lab), session 42 s, rtt 0.41 ms
     * (avg 0.45 ms), in 1.2 MiB / 3400 frames, out 300.0 KiB / 1200 frames}; dropped frames by reason at the
     * end when there are any.
     */
    public String summary() {
        StringBuilder line = new StringBuilder(tap).append(": ");
        line.append(connected ? "connected to " : "not connected to ").append(switchTarget);
        line.append(" (");
        if (switchAddress != null && !switchAddress.equals(switchTarget)) {
            line.append(switchAddress).append(", ");
        }
        line.append(mode == Mode.SECURE ? "network " + network : "legacy").append(')');
        if (!connected) {
            line.append(": ").append(state == null ? "unknown state" : state).append(", ")
                    .append(secondsSinceHeard == null ? "nothing heard yet"
                            : "last heard " + duration(Math.round(secondsSinceHeard)) + " ago");
        }
        if (sessionAgeSeconds != null) {
            line.append(", session ").append(duration(sessionAgeSeconds));
        }
        line.append(", rtt ");
        if (rttMillis == null) {
            line.append("not measured yet");
        } else {
            line.append(millis(rttMillis)).append(" ms");
            if (rttSmoothedMillis != null) {
                line.append(" (avg ").append(millis(rttSmoothedMillis)).append(" ms)");
            }
        }
        line.append(", in ").append(trafficText(fromSwitch)).append(", out ").append(trafficText(toSwitch));
        StringBuilder dropped = new StringBuilder();
        drops.forEach((reason, count) -> {
            if (count > 0) {
                dropped.append(dropped.length() == 0 ? "" : " ").append(reason).append('=').append(count);
            }
        });
        if (dropped.length() > 0) {
            line.append(", dropped ").append(dropped);
        }
        return line.toString();
    }

    private static String trafficText(Traffic traffic) {
        return bytes(traffic.bytes()) + " / " + traffic.frames() + (traffic.frames() == 1 ? " frame" : " frames");
    }

    /** {@code 512 B}, {@code 1.2 KiB}, {@code 3.4 MiB}, ... */
    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    /** Two decimals below 10 ms (a LAN), one below 100 ms, none above. */
    static String millis(double millis) {
        String pattern = millis < 10 ? "%.2f" : millis < 100 ? "%.1f" : "%.0f";
        return String.format(Locale.ROOT, pattern, millis);
    }

    /** {@code 42 s}, {@code 5 min 3 s}, {@code 2 h 7 min}, {@code 3 d 4 h}. */
    static String duration(long seconds) {
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return seconds / 60 + " min" + (seconds % 60 == 0 ? "" : " " + seconds % 60 + " s");
        }
        if (seconds < 86_400) {
            return seconds / 3600 + " h" + (seconds % 3600 / 60 == 0 ? "" : " " + seconds % 3600 / 60 + " min");
        }
        return seconds / 86_400 + " d" + (seconds % 86_400 / 3600 == 0 ? "" : " " + seconds % 86_400 / 3600 + " h");
    }
}
