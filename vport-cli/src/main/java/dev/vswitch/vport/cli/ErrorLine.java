package dev.vswitch.vport.cli;

/** The one error line vport prints: a fixed prefix, and the message folded onto a single line. */
final class ErrorLine {

    static final String PREFIX = "vport: error: ";

    private ErrorLine() {
    }

    static String of(String message) {
        return PREFIX + message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    }
}
