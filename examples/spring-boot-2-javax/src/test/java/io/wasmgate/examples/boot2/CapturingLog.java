package io.wasmgate.examples.boot2;

import io.wasmgate.abi.config.PluginLog;
import io.wasmgate.abi.wire.LogLevel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The access log plugin's lines (info and above), kept for assertions. */
public final class CapturingLog implements PluginLog {
    private final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    public LogLevel level() {
        return LogLevel.INFO;
    }

    @Override
    public void log(LogLevel level, String message) {
        lines.add(message);
    }

    public List<String> lines() {
        return lines;
    }
}
