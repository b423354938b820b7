package dev.vswitch.vport.status;

import java.util.Locale;

/** Sizes, round trips and durations as people read them, short enough for a one-line summary. */
final class HumanUnits {

    private static final String[] BINARY_UNITS = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private HumanUnits() {
    }

    /** {@code 512 B}, {@code 1.2 KiB}, {@code 3.4 MiB}, ... */
    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < BINARY_UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, BINARY_UNITS[unit]);
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
