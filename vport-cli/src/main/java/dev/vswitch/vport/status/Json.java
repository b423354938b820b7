package dev.vswitch.vport.status;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The little JSON that status files need, without a library (and without reflection, so the native build
 * needs no configuration): writing objects of strings, numbers, booleans, nulls and nested objects, and
 * reading any JSON text back into maps, lists, strings, {@link Long}s, {@link Double}s and booleans.
 * The reader is strict (one value, nothing after it) and bounded in nesting, because it reads files that
 * another process wrote.
 */
final class Json {

    /** Deeper nesting than any status file has; a file with more is not one of ours. */
    static final int MAX_DEPTH = 16;

    private Json() {
    }

    // ---- writing ----------------------------------------------------------------------------------

    /**
     * An object written in insertion order, two spaces per level, one member per line; values are
     * {@link String}, {@link Number}, {@link Boolean}, null, or a nested {@link Map} of the same.
     */
    static String write(Map<String, ?> object) {
        StringBuilder out = new StringBuilder();
        writeObject(out, object, 0);
        return out.append('\n').toString();
    }

    private static void writeObject(StringBuilder out, Map<String, ?> object, int depth) {
        if (object.isEmpty()) {
            out.append("{}");
            return;
        }
        out.append("{\n");
        int remaining = object.size();
        for (Map.Entry<String, ?> member : object.entrySet()) {
            indent(out, depth + 1);
            writeString(out, member.getKey());
            out.append(": ");
            writeValue(out, member.getValue(), depth + 1);
            out.append(--remaining > 0 ? ",\n" : "\n");
        }
        indent(out, depth);
        out.append('}');
    }

    @SuppressWarnings("unchecked")
    private static void writeValue(StringBuilder out, Object value, int depth) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String text) {
            writeString(out, text);
        } else if (value instanceof Boolean flag) {
            out.append(flag);
        } else if (value instanceof Double || value instanceof Float) {
            out.append(number(((Number) value).doubleValue()));
        } else if (value instanceof Number number) {
            out.append(number.longValue());
        } else if (value instanceof Map<?, ?> nested) {
            writeObject(out, (Map<String, ?>) nested, depth);
        } else {
            throw new IllegalArgumentException("no JSON form for " + value.getClass().getSimpleName());
        }
    }

    /** At most three decimals, no exponent, no trailing zeros; NaN and infinities (no measurement) as null. */
    static String number(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "null";
        }
        BigDecimal rounded = BigDecimal.valueOf(value).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros();
        return rounded.signum() == 0 ? "0" : rounded.toPlainString();
    }

    private static void writeString(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f || Character.isSurrogate(c) && !validSurrogateAt(text, i)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static boolean validSurrogateAt(String text, int i) {
        char c = text.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
    }

    private static void indent(StringBuilder out, int depth) {
        out.append("  ".repeat(depth));
    }

    // ---- reading ----------------------------------------------------------------------------------

    /**
     * Reads one JSON value: objects as {@link LinkedHashMap}, arrays as lists, numbers as {@link Long} when
     * integral and in range, else {@link Double}.
     *
     * @throws IllegalArgumentException when the text is not JSON, saying where
     */
    static Object read(String text) {
        Reader reader = new Reader(text);
        reader.skipBlanks();
        Object value = reader.value(0);
        reader.skipBlanks();
        if (reader.at < text.length()) {
            throw reader.error("text after the value");
        }
        return value;
    }

    private static final class Reader {
        private final String text;
        private int at;

        Reader(String text) {
            this.text = text;
        }

        Object value(int depth) {
            if (depth > MAX_DEPTH) {
                throw error("nested deeper than " + MAX_DEPTH);
            }
            if (at >= text.length()) {
                throw error("unexpected end");
            }
            char c = text.charAt(at);
            return switch (c) {
                case '{' -> object(depth);
                case '[' -> array(depth);
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> {
                    if (c == '-' || c >= '0' && c <= '9') {
                        yield number();
                    }
                    throw error("unexpected '" + c + "'");
                }
            };
        }

        private Map<String, Object> object(int depth) {
            Map<String, Object> object = new LinkedHashMap<>();
            at++;
            skipBlanks();
            if (peek() == '}') {
                at++;
                return object;
            }
            while (true) {
                skipBlanks();
                if (peek() != '"') {
                    throw error("expected a member name");
                }
                String name = string();
                skipBlanks();
                expect(':');
                skipBlanks();
                if (object.containsKey(name)) {
                    throw error("member \"" + name + "\" twice");
                }
                object.put(name, value(depth + 1));
                skipBlanks();
                if (peek() == ',') {
                    at++;
                    continue;
                }
                expect('}');
                return object;
            }
        }

        private List<Object> array(int depth) {
            List<Object> array = new ArrayList<>();
            at++;
            skipBlanks();
            if (peek() == ']') {
                at++;
                return array;
            }
            while (true) {
                skipBlanks();
                array.add(value(depth + 1));
                skipBlanks();
                if (peek() == ',') {
                    at++;
                    continue;
                }
                expect(']');
                return array;
            }
        }

        private String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (true) {
                if (at >= text.length()) {
                    throw error("unterminated string");
                }
                char c = text.charAt(at++);
                if (c == '"') {
                    return out.toString();
                }
                if (c < 0x20) {
                    throw error("control character in a string");
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                if (at >= text.length()) {
                    throw error("unterminated string");
                }
                char escaped = text.charAt(at++);
                switch (escaped) {
                    case '"', '\\', '/' -> out.append(escaped);
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        if (at + 4 > text.length()) {
                            throw error("short \\u escape");
                        }
                        try {
                            out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                        } catch (NumberFormatException e) {
                            throw error("bad \\u escape");
                        }
                        at += 4;
                    }
                    default -> throw error("bad escape \\" + escaped);
                }
            }
        }

        private Object number() {
            int start = at;
            if (peek() == '-') {
                at++;
            }
            digits();
            boolean integral = true;
            if (peek() == '.') {
                integral = false;
                at++;
                digits();
            }
            if (peek() == 'e' || peek() == 'E') {
                integral = false;
                at++;
                if (peek() == '+' || peek() == '-') {
                    at++;
                }
                digits();
            }
            String literal = text.substring(start, at);
            if (integral) {
                try {
                    return Long.parseLong(literal);
                } catch (NumberFormatException e) {
                    // Beyond a long: fall through to a double.
                }
            }
            return Double.parseDouble(literal);
        }

        private void digits() {
            int start = at;
            while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
                at++;
            }
            if (at == start) {
                throw error("expected a digit");
            }
        }

        private Object literal(String word, Object value) {
            if (!text.startsWith(word, at)) {
                throw error("unexpected '" + text.charAt(at) + "'");
            }
            at += word.length();
            return value;
        }

        private char peek() {
            return at < text.length() ? text.charAt(at) : '\0';
        }

        private void expect(char c) {
            if (peek() != c) {
                throw error(at >= text.length() ? "unexpected end, expected '" + c + "'" : "expected '" + c + "'");
            }
            at++;
        }

        void skipBlanks() {
            while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
                at++;
            }
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException("not valid JSON at character " + at + ": " + what);
        }
    }
}
