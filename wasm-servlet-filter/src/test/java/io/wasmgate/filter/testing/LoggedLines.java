package io.wasmgate.filter.testing;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The messages a {@code java.util.logging} logger receives while attached, in order: what a container's
 * log would show of a web application that logs through slf4j-jdk14.
 */
public final class LoggedLines extends Handler implements AutoCloseable {
    private final Logger logger;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private LoggedLines(Logger logger) {
        this.logger = logger;
    }

    /** Starts collecting what the logger {@code name} receives. */
    public static LoggedLines of(String name) {
        LoggedLines lines = new LoggedLines(Logger.getLogger(name));
        lines.logger.addHandler(lines);
        return lines;
    }

    /** The next message, waiting up to {@code timeout} for it; {@code null} if none came. */
    public String next(Duration timeout) throws InterruptedException {
        return lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void publish(LogRecord record) {
        lines.add(record.getMessage());
    }

    @Override
    public void flush() {}

    /** Stops collecting. */
    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
