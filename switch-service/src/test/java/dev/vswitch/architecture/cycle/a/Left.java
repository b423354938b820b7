package dev.vswitch.architecture.cycle.a;

import dev.vswitch.architecture.cycle.b.Right;

/** Half of a deliberate package cycle: proof that {@code ArchitectureTest}'s rule finds one. */
public final class Left {

    public Right right() {
        return new Right();
    }
}
