package io.wasmgate.gateway;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The samples of a Prometheus text-format scrape, parsed: {@code name{label="value",...} number}. */
final class Prometheus {
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** One sample. */
    record Sample(String name, Map<String, String> labels, double value) {}

    private final List<Sample> samples;

    private Prometheus(List<Sample> samples) {
        this.samples = samples;
    }

    static Prometheus parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher sample = SAMPLE.matcher(line);
            if (!sample.matches()) {
                throw new IllegalArgumentException("not a Prometheus sample: " + line);
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (sample.group(2) != null) {
                Matcher label = LABEL.matcher(sample.group(2));
                while (label.find()) {
                    labels.put(label.group(1), label.group(2));
                }
            }
            samples.add(new Sample(sample.group(1), labels, Double.parseDouble(sample.group(3))));
        }
        return new Prometheus(samples);
    }

    /** The samples called {@code name} whose labels include every {@code label, value} pair given. */
    List<Sample> find(String name, String... labelValuePairs) {
        return samples.stream().filter(s -> s.name().equals(name)).filter(s -> {
            for (int i = 0; i < labelValuePairs.length; i += 2) {
                if (!labelValuePairs[i + 1].equals(s.labels().get(labelValuePairs[i]))) {
                    return false;
                }
            }
            return true;
        }).toList();
    }

    /** The value of the one sample that {@link #find} finds, if there is exactly one. */
    Optional<Double> value(String name, String... labelValuePairs) {
        List<Sample> found = find(name, labelValuePairs);
        return found.size() == 1 ? Optional.of(found.get(0).value()) : Optional.empty();
    }
}
