package dev.vswitch.architecture.cycle.b;

import dev.vswitch.architecture.cycle.a.Left;

/** The other half of the deliberate package cycle. */
public final class Right {

    public Left left() {
        return new Left();
    }
}
