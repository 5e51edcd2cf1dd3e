package io.wasmgate.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import org.openjdk.jmh.Main;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/**
 * The entry point of {@code benchmarks.jar}: JMH's own command line, unchanged, and after a run the
 * ratios of each benchmark to its baseline from the same run ({@link Ratios}), printed and, with
 * {@code -Dwasmgate.ratios=FILE}, written to FILE as Markdown.
 */
public final class BenchMain {
    private BenchMain() {}

    public static void main(String[] args) throws RunnerException, IOException {
        CommandLineOptions options;
        try {
            options = new CommandLineOptions(args);
        } catch (CommandLineOptionException e) {
            Main.main(args); // JMH prints the problem and its usage
            return;
        }
        if (options.shouldHelp() || options.shouldList() || options.shouldListWithParams()
                || options.shouldListProfilers() || options.shouldListResultFormats()) {
            Main.main(args);
            return;
        }
        Collection<RunResult> results = new Runner(options).run();
        String report = Ratios.markdown(results);
        PrintStream out = System.out;
        out.println();
        out.println(report);
        String file = System.getProperty("wasmgate.ratios");
        if (file != null) {
            Files.writeString(Path.of(file), report, StandardCharsets.UTF_8);
            out.println("ratios written to " + file);
        }
    }
}
