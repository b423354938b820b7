package dev.vswitch.vport.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Routes Ctrl-C (SIGINT) and SIGTERM to a clean stop instead of the JVM's default, which would run
 * shutdown hooks and exit with 130 or 143: the vport should close its TAP, print its counters and exit 0.
 * The previous handlers come back on {@link #close}.
 */
final class ShutdownSignals implements AutoCloseable {

    private static final String[] STOP_SIGNALS = {"INT", "TERM"};

    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();

    private ShutdownSignals() {
    }

    static ShutdownSignals install(Runnable onStop) {
        ShutdownSignals signals = new ShutdownSignals();
        for (String name : STOP_SIGNALS) {
            Signal signal = new Signal(name);
            try {
                signals.previous.put(signal, Signal.handle(signal, received -> onStop.run()));
            } catch (IllegalArgumentException e) {
                // The JVM reserves the signal (e.g. under -Xrs); its default handling still ends the process.
            }
        }
        return signals;
    }

    @Override
    public void close() {
        previous.forEach(Signal::handle);
    }
}
