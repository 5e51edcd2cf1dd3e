package io.wasmgate.abi.testing;

import io.wasmgate.abi.config.PluginLog;
import io.wasmgate.abi.wire.LogLevel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A plugin log that keeps every line, for assertions. */
public final class CapturingLog implements PluginLog {
    /** One captured line. */
    public record Line(LogLevel level, String message) {}

    public final List<Line> lines = new CopyOnWriteArrayList<>();
    private final LogLevel level;

    public CapturingLog() {
        this(LogLevel.TRACE);
    }

    public CapturingLog(LogLevel level) {
        this.level = level;
    }

    @Override
    public LogLevel level() {
        return level;
    }

    @Override
    public void log(LogLevel level, String message) {
        lines.add(new Line(level, message));
    }

    /** The messages, without the {@code wasm log <name>: } prefix. */
    public List<String> messages() {
        return lines.stream().map(line -> line.message().substring(line.message().indexOf(": ") + 2)).toList();
    }
}
