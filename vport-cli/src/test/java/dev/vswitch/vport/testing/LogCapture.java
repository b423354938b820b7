package dev.vswitch.vport.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.jboss.logmanager.ExtLogRecord;

/** The formatted messages one class logs while a test runs. */
public final class LogCapture extends Handler implements AutoCloseable {

    public final List<String> lines = new CopyOnWriteArrayList<>();
    private final Logger logger;

    public LogCapture(Class<?> source) {
        this.logger = Logger.getLogger(source.getName());
        logger.addHandler(this);
    }

    public long count(String prefix) {
        return lines.stream().filter(line -> line.startsWith(prefix)).count();
    }

    @Override
    public void publish(LogRecord record) {
        lines.add(record instanceof ExtLogRecord printf ? printf.getFormattedMessage() : new SimpleFormatter().formatMessage(record));
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
