package dev.vswitch.protocol.fuzz;

/**
 * The one rule every decoder's fuzz test checks: hostile input is answered with the decoder's documented
 * refusal, and that refusal says why. Any other exception escapes the fuzz test and is a finding.
 */
final class Refusals {

    private Refusals() {
    }

    /** A refusal must carry a one-line reason (it ends up in logs and in what the user sees). */
    static void requireReason(RuntimeException refusal) {
        requireMessage(refusal);
        if (refusal.getMessage().contains("\n")) {
            throw new AssertionError("refusal whose reason is not one line: " + refusal.getMessage(), refusal);
        }
    }

    /** A refusal must say something; for parsers that quote the offending text, that text may span lines. */
    static void requireMessage(RuntimeException refusal) {
        String message = refusal.getMessage();
        if (message == null || message.isBlank()) {
            throw new AssertionError("refusal without a reason: " + refusal.getClass().getName(), refusal);
        }
    }

    static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }
}
