package io.wasmgate.abi.config;

import io.wasmgate.abi.wire.LogLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The default {@link PluginLog}: SLF4J logger {@code wasmgate.plugin.<name>}, CRITICAL mapped to ERROR. */
final class Slf4jPluginLog implements PluginLog {
    private final Logger logger;

    Slf4jPluginLog(String pluginName) {
        this.logger = LoggerFactory.getLogger("wasmgate.plugin." + pluginName);
    }

    @Override
    public LogLevel level() {
        if (logger.isTraceEnabled()) {
            return LogLevel.TRACE;
        } else if (logger.isDebugEnabled()) {
            return LogLevel.DEBUG;
        } else if (logger.isInfoEnabled()) {
            return LogLevel.INFO;
        } else if (logger.isWarnEnabled()) {
            return LogLevel.WARN;
        }
        return logger.isErrorEnabled() ? LogLevel.ERROR : LogLevel.OFF;
    }

    @Override
    public void log(LogLevel level, String message) {
        switch (level) {
            case TRACE -> logger.trace(message);
            case DEBUG -> logger.debug(message);
            case INFO -> logger.info(message);
            case WARN -> logger.warn(message);
            case ERROR, CRITICAL -> logger.error(message);
            case OFF -> { }
        }
    }
}
