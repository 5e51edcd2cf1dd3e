package io.wasmgate.filter.javax;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What the build generated from the Jakarta sources is a Servlet 4 filter through and through. */
class JavaxBuildTest {
    private static final Path CLASSES = Path.of("target/classes/io/wasmgate/filter/javax");

    @Test
    void noClassOfTheFilterRefersToTheJakartaNamespace() throws IOException {
        List<Path> classes;
        try (Stream<Path> files = Files.walk(CLASSES)) {
            classes = files.filter(file -> file.toString().endsWith(".class")).toList();
        }

        assertThat(classes).as("the filter's classes").hasSizeGreaterThan(50)
                .filteredOn(JavaxBuildTest::mentionsJakarta).as("classes naming jakarta").isEmpty();
    }

    @Test
    void theFilterIsAJavaxServletFilter() {
        assertThat(javax.servlet.Filter.class).isAssignableFrom(ProxyWasmFilter.class);
    }

    private static boolean mentionsJakarta(Path file) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains("jakarta");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
