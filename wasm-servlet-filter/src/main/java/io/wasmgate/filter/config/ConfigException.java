package io.wasmgate.filter.config;

import java.util.List;
import java.util.stream.Collectors;

/** A configuration file was rejected; the message names the file and lists every problem found. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final transient List<ConfigProblem> problems;

    public ConfigException(String file, List<ConfigProblem> problems) {
        super(describe(file, problems));
        this.file = file;
        this.problems = List.copyOf(problems);
    }

    /** The file that was read. */
    public String file() {
        return file;
    }

    /** Every problem, in the order found. */
    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String describe(String file, List<ConfigProblem> problems) {
        String header = problems.size() == 1 ? "1 problem" : problems.size() + " problems";
        return "invalid Wasmgate configuration " + file + " (" + header + "):"
                + problems.stream().map(p -> "\n  - " + p.describe()).collect(Collectors.joining());
    }
}
