package io.wasmgate.gateway.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The machine's {@code curl}, as a client that speaks HTTP/2 over TLS with ALPN like browsers do. */
public final class Curl {
    /** What curl printed ({@code -i}: the status line, headers and body) and how it exited. */
    public record Result(int exitCode, String output, String errors) {}

    private Curl() {}

    /** Runs {@code curl -sS -i --max-time 10} with {@code args}. */
    public static Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "-i", "--max-time", "10"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).start();
        process.getOutputStream().close();
        byte[] out = process.getInputStream().readAllBytes();
        byte[] err = process.getErrorStream().readAllBytes();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("curl did not end: " + command);
        }
        return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }
}
