package io.wasmgate.abi.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the process writes to {@code System.err} (SLF4J Simple's log lines, in the gateway's tests) while it is
 * open, in place of the console; {@link #close} puts the previous stream back. One per test at a time.
 */
public final class CapturedStderr implements AutoCloseable {
    private final PrintStream original;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    private CapturedStderr() {
        original = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    /** Captures {@code System.err} from now until {@link #close}. */
    public static CapturedStderr start() {
        return new CapturedStderr();
    }

    /** Everything written so far. */
    public String text() {
        return captured.toString(StandardCharsets.UTF_8);
    }

    /** Everything written so far, line by line. */
    public List<String> lines() {
        return text().lines().toList();
    }

    @Override
    public void close() {
        System.setErr(original);
    }
}
