package io.wasmgate.abi.testing;

import io.wasmgate.abi.config.PluginLog;
import io.wasmgate.abi.wire.LogLevel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A plugin log that keeps every line, for assertions: the one captured-log helper of every module's tests.
 * {@link #CapturingLog(LogLevel)} sets the level the host asks the plugin to log at (e.g. {@code INFO} to keep only
 * info and above).
 */
public final class CapturingLog implements PluginLog {
    /** One captured line. */
    public record Line(LogLevel level, String message) {}

    public final List<Line> lines = new CopyOnWriteArrayList<>();
    /** When each line of {@link #lines} was written ({@link System#nanoTime()}), at the same index. */
    private final List<Long> writtenAt = new CopyOnWriteArrayList<>();
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
    public synchronized void log(LogLevel level, String message) {
        writtenAt.add(System.nanoTime());
        lines.add(new Line(level, message));
    }

    /** Forgets every line so far. */
    public synchronized void clear() {
        lines.clear();
        writtenAt.clear();
    }

    /** When the lines containing {@code fragment} were written ({@link System#nanoTime()}), in order. */
    public synchronized List<Long> writtenAt(String fragment) {
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).message().contains(fragment)) {
                times.add(writtenAt.get(i));
            }
        }
        return times;
    }

    /** The messages as written, {@code wasm log <name>: } prefix included, in order (a snapshot). */
    public List<String> texts() {
        return lines.stream().map(Line::message).toList();
    }

    /** The messages written at exactly {@code level}, as written, in order. */
    public List<String> texts(LogLevel level) {
        return lines.stream().filter(line -> line.level() == level).map(Line::message).toList();
    }

    /** {@code "<LEVEL> <message>"} of every line written at {@code level} or above (never {@code OFF}), in order. */
    public List<String> atLeast(LogLevel level) {
        return lines.stream().filter(line -> line.level().compareTo(level) >= 0 && line.level() != LogLevel.OFF)
                .map(line -> line.level() + " " + line.message()).toList();
    }

    /** The messages, without the {@code wasm log <name>: } prefix. */
    public List<String> messages() {
        return lines.stream().map(line -> line.message().substring(line.message().indexOf(": ") + 2)).toList();
    }
}
