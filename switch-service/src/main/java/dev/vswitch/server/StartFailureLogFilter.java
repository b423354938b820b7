package dev.vswitch.server;

import io.quarkus.logging.LoggingFilter;

import java.util.logging.Filter;
import java.util.logging.LogRecord;

/**
 * Keeps Quarkus's "Failed to start application" stack trace off the console when the failure is one that
 * {@link StartFailure#explain} puts in one line; {@link VswitchMain} prints that line instead. Every other
 * failure keeps its stack trace. Enabled by {@code quarkus.log.console.filter} in application.properties.
 */
@LoggingFilter(name = StartFailureLogFilter.NAME)
public final class StartFailureLogFilter implements Filter {

    static final String NAME = "vswitch-start-failure";
    private static final String QUARKUS_APPLICATION_LOGGER = "io.quarkus.runtime.Application";

    @Override
    public boolean isLoggable(LogRecord record) {
        return !(QUARKUS_APPLICATION_LOGGER.equals(record.getLoggerName()) && record.getThrown() != null
                && StartFailure.explain(record.getThrown()).isPresent());
    }
}
