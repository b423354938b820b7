package dev.vswitch.switching;

/**
 * Storm control for one kind of flooded frame on one port: at most {@code perSecond} frames a second
 * sustained, {@code burst} at once.
 */
public record FloodLimit(double perSecond, int burst) {

    public FloodLimit {
        if (perSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("flood limits must be positive: " + perSecond + "/s, burst " + burst);
        }
    }
}
