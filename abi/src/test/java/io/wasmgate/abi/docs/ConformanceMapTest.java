package io.wasmgate.abi.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/abi-conformance.md names the tests that cover each hostcall, callback and decision as
 * {@code Class#method} (and {@code #method} for another method of the class named just before): every one
 * of them must exist in the repository's test sources, so the map cannot rot.
 */
class ConformanceMapTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** {@code `Class#method`}, {@code `#method`}, or a bare {@code `SomethingTest`} that later {@code #method}s belong to. */
    private static final Pattern REFERENCE =
            Pattern.compile("`(?:([A-Z][A-Za-z0-9]*)?#([a-zA-Z][A-Za-z0-9]*)|([A-Z][A-Za-z0-9]*(?:Test|IT)))`");

    @Test
    void everyTestTheConformanceMapNamesExists() throws IOException {
        String map = Files.readString(ROOT.resolve("docs/abi-conformance.md"));
        Map<String, String> sources = testSources();
        List<String> missing = new ArrayList<>();
        int checked = 0;
        String currentClass = null;
        Matcher reference = REFERENCE.matcher(map);
        while (reference.find()) {
            if (reference.group(3) != null) {
                currentClass = reference.group(3);
                continue;
            }
            if (reference.group(1) != null) {
                currentClass = reference.group(1);
            }
            String method = reference.group(2);
            String source = currentClass == null ? null : sources.get(currentClass);
            checked++;
            if (source == null || !Pattern.compile("\\b(void|[A-Z][A-Za-z0-9<>]*)\\s+" + method + "\\(").matcher(source).find()) {
                missing.add(currentClass + "#" + method);
            }
        }

        assertThat(checked).as("references in the map").isGreaterThan(100);
        assertThat(missing).as("tests the map names that do not exist").isEmpty();
    }

    /** Every test class's source, by simple class name. */
    private static Map<String, String> testSources() throws IOException {
        Map<String, String> sources = new HashMap<>();
        try (Stream<Path> files = Files.walk(ROOT)) {
            files.filter(file -> file.toString().endsWith(".java") && file.toString().contains("/src/test/java/")
                    && !file.toString().contains("/target/")).forEach(file -> {
                        String name = file.getFileName().toString();
                        sources.merge(name.substring(0, name.length() - ".java".length()), read(file), (a, b) -> a + b);
                    });
        }
        return sources;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
