package io.wasmgate.filter.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the problems of one configuration file so they are all reported at once. Entries are
 * addressed by their path in the file ({@code plugins[0]}); once an entry's name is known it is shown too.
 */
public final class ConfigProblems {
    private final String file;
    private final List<Found> found = new ArrayList<>();
    private final Map<String, String> names = new HashMap<>();

    private record Found(String path, String property, String value, String reason, int line) {}

    public ConfigProblems(String file) {
        this.file = file;
    }

    /** A problem with {@code property} of the entry at {@code path}; {@code value} may be {@code null}. */
    public void add(String path, String property, String value, String reason) {
        found.add(new Found(path, property, value, reason, 0));
    }

    /** A problem whose line is known, such as an unknown key. */
    public void addAt(int line, String path, String property, String value, String reason) {
        found.add(new Found(path, property, value, reason, line));
    }

    /** Names the entry at {@code path} (e.g. {@code plugins[0]} is {@code auth}) in every message about it. */
    public void name(String path, String name) {
        names.put(path, name);
    }

    public boolean isEmpty() {
        return found.isEmpty();
    }

    /** @throws ConfigException listing every problem, if there is any */
    public void throwIfAny() {
        if (!found.isEmpty()) {
            throw new ConfigException(file, problems());
        }
    }

    /** The problems found so far, with entry names resolved. */
    public List<ConfigProblem> problems() {
        List<ConfigProblem> problems = new ArrayList<>(found.size());
        for (Found f : found) {
            problems.add(new ConfigProblem(where(f.path()), f.property(), f.value(), f.reason(), f.line()));
        }
        return problems;
    }

    private String where(String path) {
        String name = names.get(path);
        return name == null ? path : path + " '" + name + "'";
    }
}
