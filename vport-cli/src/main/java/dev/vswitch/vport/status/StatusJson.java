package dev.vswitch.vport.status;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vswitch.vport.status.VportStatus.Mode;
import dev.vswitch.vport.status.VportStatus.Traffic;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link VportStatus} as the JSON of a status file (the layout is in {@link VportStatus}), through Jackson's tree
 * model: no reflection, so the native build needs no configuration. The reader is strict (one value, no member
 * twice) and bounded in nesting and size, because it reads files that another process wrote.
 */
public final class StatusJson {

    /** Deeper nesting than any status file has; a file with more is not one of ours. */
    static final int MAX_DEPTH = 16;

    /** Characters; a status file has about 1 KiB, so anything near this is not one of ours. */
    static final int MAX_LENGTH = 1 << 20;

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_DEPTH)
                            .maxDocumentLength(MAX_LENGTH)
                            .build())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /**
     * Two spaces per level, one member per line, {@code "name": value}, {@code {}} and {@code []} when empty: the files'
     * layout.
     */
    private static final ObjectWriter WRITER = MAPPER.writer(new DefaultPrettyPrinter(Separators.createDefaultInstance()
            .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
            .withObjectEmptySeparator("")
            .withArrayEmptySeparator(""))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n")))
            .with(new Escapes());

    private StatusJson() {
    }

    /** The content of a status file, ending in a newline. */
    public static String write(VportStatus status) {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("format", VportStatus.FORMAT);
        json.put("tap", status.tap());
        json.put("mode", status.mode().label());
        json.put("switch", status.switchTarget());
        json.put("switch_address", status.switchAddress());
        json.put("network", status.network());
        json.put("connected", status.connected());
        json.put("state", status.state());
        json.put("session_age_seconds", status.sessionAgeSeconds());
        json.put("last_handshake", instant(status.lastHandshake()));
        json.set("seconds_since_heard", decimal(status.secondsSinceHeard()));
        json.set("rtt_ms", decimal(status.rttMillis()));
        json.set("rtt_smoothed_ms", decimal(status.rttSmoothedMillis()));
        traffic(json.putObject("to_switch"), status.toSwitch());
        traffic(json.putObject("from_switch"), status.fromSwitch());
        ObjectNode keepalives = json.putObject("keepalives");
        keepalives.put("sent", status.keepalivesSent());
        keepalives.put("answered", status.keepalivesAnswered());
        if (status.offload() == null) {
            json.putNull("offload");
        } else {
            ObjectNode offload = json.putObject("offload");
            offload.put("mode", status.offload().mode());
            offload.put("path", status.offload().path());
            offload.put("fallbacks", status.offload().fallbacks());
            offload.put("probes_sent", status.offload().probesSent());
            offload.put("probes_answered", status.offload().probesAnswered());
        }
        ArrayNode peers = json.putArray("peers");
        for (VportStatus.Peer peer : status.peers()) {
            ObjectNode entry = peers.addObject();
            entry.put("key", peer.key());
            entry.put("mac", peer.mac());
            entry.put("endpoint", peer.endpoint());
            peer.local().forEach(entry.putArray("local")::add);
            entry.put("path", peer.path());
            entry.put("why", peer.why());
            entry.put("direct", peer.direct());
            entry.set("rtt_ms", decimal(peer.rttMillis()));
            entry.set("seconds_since_introduced", decimal(peer.secondsSinceIntroduced()));
        }
        ObjectNode drops = json.putObject("drops");
        status.drops().forEach(drops::put);
        json.put("pid", status.pid());
        json.put("started_at", instant(status.startedAt()));
        json.put("updated_at", instant(status.updatedAt()));
        try {
            return WRITER.writeValueAsString(json) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a status tree could not be written", e); // strings and numbers only
        }
    }

    private static void traffic(ObjectNode json, Traffic traffic) {
        json.put("frames", traffic.frames());
        json.put("bytes", traffic.bytes());
    }

    private static String instant(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    /** At most three decimals, no exponent, no trailing zeros; NaN and infinities (no measurement) as null. */
    static JsonNode decimal(Double value) {
        if (value == null || value.isNaN() || value.isInfinite()) {
            return MAPPER.nullNode();
        }
        BigDecimal rounded = BigDecimal.valueOf(value).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros();
        return MAPPER.getNodeFactory().numberNode(rounded.signum() == 0 ? BigDecimal.ZERO : rounded);
    }

    /**
     * Reads a status file's content. Members it does not know are ignored, and missing counters count as 0, so
     * that a reader copes with a writer of another version.
     *
     * @throws IllegalArgumentException when it is not JSON or lacks what every status has; the one-line message says what
     */
    public static VportStatus read(String text) {
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw notJson(e);
        }
        if (root == null || root.isMissingNode()) {
            throw new IllegalArgumentException("not valid JSON: no value");
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        Fields json = new Fields(root, "");
        Fields keepalives = json.object("keepalives");
        Map<String, Long> drops = new LinkedHashMap<>();
        Fields dropFields = json.object("drops");
        for (Iterator<String> names = dropFields.members().fieldNames(); names.hasNext(); ) {
            String name = names.next();
            drops.put(name, dropFields.count(name));
        }
        return new VportStatus(json.requiredString("tap"), Mode.of(json.requiredString("mode")), json.requiredString("switch"),
                json.string("switch_address"), json.string("network"), json.bool("connected"), json.string("state"),
                json.longOrNull("session_age_seconds"), json.instant("last_handshake"), json.doubleOrNull("seconds_since_heard"),
                json.doubleOrNull("rtt_ms"), json.doubleOrNull("rtt_smoothed_ms"), json.traffic("to_switch"),
                json.traffic("from_switch"), keepalives.count("sent"), keepalives.count("answered"), offload(json), peers(json), drops,
                json.requiredLong("pid"), json.instant("started_at"), json.instant("updated_at"));
    }

    /** The offload member, null when absent or null (a vport with --offload=off, or of an older version). */
    private static VportStatus.Offload offload(Fields json) {
        if (json.get("offload") == null) {
            return null;
        }
        Fields offload = json.object("offload");
        return new VportStatus.Offload(offload.requiredString("mode"), offload.requiredString("path"), offload.count("fallbacks"),
                offload.count("probes_sent"), offload.count("probes_answered"));
    }

    /** The peers member; absent (a vport of an older version) reads as none. */
    private static List<VportStatus.Peer> peers(Fields json) {
        JsonNode array = json.get("peers");
        if (array == null) {
            return List.of();
        }
        if (!array.isArray()) {
            throw json.wrong("peers", "an array");
        }
        List<VportStatus.Peer> peers = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            if (!array.get(i).isObject()) {
                throw json.wrong("peers", "an array of objects");
            }
            Fields peer = new Fields(array.get(i), "peers[" + i + "].");
            List<String> local = new ArrayList<>();
            JsonNode locals = peer.get("local");
            if (locals != null) {
                locals.forEach(endpoint -> local.add(endpoint.asText()));
            }
            Double since = peer.doubleOrNull("seconds_since_introduced");
            peers.add(new VportStatus.Peer(peer.requiredString("key"), peer.string("mac"), peer.string("endpoint"), local,
                    peer.requiredString("path"), peer.string("why"), peer.string("direct"), peer.doubleOrNull("rtt_ms"),
                    since == null ? 0 : since));
        }
        return peers;
    }

    /** Jackson's reason without its multi-line source excerpt, and where, so the status command prints one line. */
    private static IllegalArgumentException notJson(JsonProcessingException e) {
        String reason = String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse("").strip();
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        return new IllegalArgumentException("not valid JSON" + where + ": " + reason, e);
    }

    /**
     * Besides Jackson's escapes of control characters: DEL, which terminals act on, and surrogates, so that one
     * without its pair (which UTF-8 cannot encode) survives the file as an escape instead of becoming '?'. A valid
     * pair written as two escapes reads back as the same character.
     */
    private static final class Escapes extends CharacterEscapes {
        private final int[] ascii = standardAsciiEscapesForJSON();

        Escapes() {
            ascii[0x7f] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int c) {
            return Character.isSurrogate((char) c) ? new SerializedString(String.format("\\u%04x", c)) : null;
        }
    }

    /** Typed access to one JSON object's members, with errors that name the member. */
    private record Fields(JsonNode members, String prefix) {

        /** The member, or null when it is absent or JSON null. */
        JsonNode get(String name) {
            JsonNode value = members.get(name);
            return value == null || value.isNull() ? null : value;
        }

        IllegalArgumentException wrong(String name, String want) {
            return new IllegalArgumentException("\"" + prefix + name + "\" is not " + want);
        }

        String requiredString(String name) {
            return required(name, string(name));
        }

        long requiredLong(String name) {
            return required(name, longOrNull(name));
        }

        /** {@code value} of the member {@code name}, which every status file has. */
        private <T> T required(String name, T value) {
            if (value == null) {
                throw new IllegalArgumentException("no \"" + prefix + name + "\"");
            }
            return value;
        }

        String string(String name) {
            JsonNode value = get(name);
            if (value == null || value.isNull()) {
                return null;
            }
            if (value.isTextual()) {
                return value.textValue();
            }
            throw wrong(name, "a string");
        }

        boolean bool(String name) {
            JsonNode value = get(name);
            if (value != null && value.isBoolean()) {
                return value.booleanValue();
            }
            throw wrong(name, "true or false");
        }

        Long longOrNull(String name) {
            JsonNode value = get(name);
            if (value == null) {
                return null;
            }
            if (value.isIntegralNumber() && value.canConvertToLong()) {
                return value.longValue();
            }
            throw wrong(name, "a whole number");
        }

        /** A counter: absent counts as 0, so a reader copes with a writer that has fewer counters. */
        long count(String name) {
            Long value = longOrNull(name);
            return value == null ? 0 : value;
        }

        Double doubleOrNull(String name) {
            JsonNode value = get(name);
            if (value == null) {
                return null;
            }
            if (value.isNumber()) {
                return value.doubleValue();
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
            JsonNode value = get(name);
            if (value == null) {
                return new Fields(MissingNode.getInstance(), prefix + name + ".");
            }
            if (value.isObject()) {
                return new Fields(value, prefix + name + ".");
            }
            throw wrong(name, "an object");
        }

        Traffic traffic(String name) {
            Fields traffic = object(name);
            return new Traffic(traffic.count("frames"), traffic.count("bytes"));
        }
    }
}
